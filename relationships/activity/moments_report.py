"""The moments report: which moment types destroy value most often, across visible accounts.

Aggregates run in the database (one query per table of the report); ranking and the trend's
geometry are plain Python on the aggregated rows.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import Account
from relationships.models import Moment

PERIODS = {"90": "Last 90 days", "365": "Last 12 months", "": "All time"}
DESTROYED = Q(value_impact=Moment.Impact.DESTROYED)
CREATED = Q(value_impact=Moment.Impact.CREATED)
ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def _measures() -> dict:
    measures = {
        "total": Count("pk"),
        "destroyed": Count("pk", filter=DESTROYED),
        "destroyed_amount": Coalesce(Sum("value_amount", filter=DESTROYED), ZERO),
        "created": Count("pk", filter=CREATED),
        "created_amount": Coalesce(Sum("value_amount", filter=CREATED), ZERO),
    }
    for emotion in Moment.Emotion.values:
        measures[emotion] = Count("pk", filter=Q(emotion=emotion))
    return measures


def moments_visible_to(user, *, team=None, since: dt.date | None = None) -> QuerySet[Moment]:
    accounts = Account.objects.visible_to(user)
    if team:
        accounts = accounts.filter(team=team)
    moments = Moment.objects.filter(account__in=accounts)
    return moments.filter(occurred_on__gte=since) if since else moments


def rank(rows: list[dict]) -> list[dict]:
    """Most value destroyed first: by how often, then by how much, then by name."""
    return sorted(rows, key=lambda r: (-r["destroyed"], -r["destroyed_amount"], r["name"]))


def by_moment_type(moments: QuerySet[Moment]) -> list[dict]:
    rows = moments.values(
        slug=F("moment_type__slug"),
        name=F("moment_type__name"),
        touchpoint=F("moment_type__touchpoint__name"),
    ).annotate(**_measures())
    return rank(list(rows.order_by()))


def by_touchpoint(moments: QuerySet[Moment]) -> list[dict]:
    rows = moments.values(
        slug=F("moment_type__touchpoint__slug"), name=F("moment_type__touchpoint__name")
    ).annotate(**_measures())
    return rank(list(rows.order_by()))


BASELINE = 100  # the chart's y of zero; bars grow up from it, 90 high at the peak


@dataclass(frozen=True)
class Bar:
    """One month: a red bar (value destroyed) at x and a green one (value created) beside it."""

    label: str
    destroyed: int
    created: int
    x: float
    destroyed_height: float
    created_height: float

    @property
    def destroyed_y(self) -> float:
        return BASELINE - self.destroyed_height

    @property
    def created_x(self) -> float:
        return self.x + 11

    @property
    def created_y(self) -> float:
        return BASELINE - self.created_height


def monthly_trend(moments: QuerySet[Moment], *, months: int = 12, today: dt.date) -> list[Bar]:
    """Moments that destroyed and created value per month, as bars scaled to a 100-high chart."""
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    counts = {
        row["month"]: row
        for row in moments.filter(occurred_on__gte=first)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(destroyed=Count("pk", filter=DESTROYED), created=Count("pk", filter=CREATED))
        .order_by()
    }
    labels = []
    month = first
    for _ in range(months):
        labels.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    peak = max(
        [1] + [c["destroyed"] for c in counts.values()] + [c["created"] for c in counts.values()]
    )
    bars = []
    for index, month in enumerate(labels):
        row = counts.get(month, {"destroyed": 0, "created": 0})
        bars.append(
            Bar(
                label=month.strftime("%b %Y"),
                destroyed=row["destroyed"],
                created=row["created"],
                x=index * 25 + 2,
                destroyed_height=round(90 * row["destroyed"] / peak, 1),
                created_height=round(90 * row["created"] / peak, 1),
            )
        )
    return bars
