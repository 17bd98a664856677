"""The account report's columns that capture adds, after relationships' (docs/import-export.md,
"The account report"): never reordered, only appended to."""

from datetime import timedelta
from operator import attrgetter

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from capture.models import Decision, PersonSignal, SuggestedStakeholder
from dataio.exporting import ReportColumn
from dataio.hooks import provides
from relationships.exports import REPORT_COLUMNS
from relationships.models import Interaction

RECENT_DAYS = 90


def _count(queryset) -> Coalesce:
    """The number of rows of `queryset` (filtered by OuterRef("pk") as the account) per
    account, as one subquery: joins would multiply the report's other counts."""
    counted = queryset.order_by().values("account").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _signals(kind: str) -> Coalesce:
    return _count(
        PersonSignal.objects.filter(
            account=OuterRef("pk"), kind=kind, state=PersonSignal.State.OPEN
        )
    )


def _annotated(name: str, expression) -> ReportColumn:
    return ReportColumn(name, attrgetter(name), lambda qs: qs.annotate(**{name: expression}))


def _recent(queryset):
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = Interaction.objects.filter(account=OuterRef("pk"), occurred_at__gte=since)
    return queryset.annotate(interactions_90d=_count(recent))


_LAST_INBOUND = Subquery(
    Interaction.objects.filter(account=OuterRef("pk"), direction=Interaction.Direction.INBOUND)
    .order_by()
    .values("account")
    .annotate(last=TruncDate(Max("occurred_at")))
    .values("last")
)

CAPTURE_COLUMNS = [
    # captured and logged interactions in the last 90 days
    ReportColumn("interactions_90d", attrgetter("interactions_90d"), _recent),
    # the day of the last message or meeting from the customer
    _annotated("last_inbound", _LAST_INBOUND),
    _annotated(
        "suggested_stakeholders",
        _count(SuggestedStakeholder.objects.filter(account=OuterRef("pk"), state=Decision.OPEN)),
    ),
    _annotated("may_have_left", _signals(PersonSignal.Kind.MAY_HAVE_LEFT)),
    _annotated("going_dark", _signals(PersonSignal.Kind.GOING_DARK)),
]


@provides("report_columns")
def report_columns() -> list[ReportColumn]:
    """relationships' columns, then capture's: the one provider of the hook."""
    return REPORT_COLUMNS + CAPTURE_COLUMNS
