"""Reading scores: the account's and a stakeholder's score card with its explanation."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, DateTimeField, Exists, F, OuterRef, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts import charts
from accounts.models import Account
from relationships.models import (
    AccountScore,
    Interaction,
    Moment,
    RecomputeRequest,
    Stakeholder,
)
from relationships.scoring import model as scoring

COMPONENT_LABELS = {
    "sentiment": "Sentiment",
    "channels": "Channels",
    "engagement": "Engagement",
    "responsiveness": "Responsiveness",
    "open_items": "Open items",
    "trust_respect": "Trust and respect",
    "tenure": "Tenure",
    "csm_rating": "CSM rating",
}


TREND_WINDOW_DAYS = 90
DISAGREEMENTS = {
    "csm_high": "CSM rates high, behaviour says low",
    "csm_low": "CSM rates low, behaviour says high",
}


SCORE_FIELDS = ["relationship_score", "relationship_label", "score_confidence", "score_trend_30d"]


@dataclass(frozen=True)
class Bar:
    """One component of a score: its value (0..1), weight, and bar geometry (0..200 wide)."""

    name: str
    label: str
    value: float | None
    weight: float
    inputs: int

    @property
    def width(self) -> float:
        return round(200 * (self.value or 0), 1)

    @property
    def weighted_width(self) -> float:
        return round(200 * (self.value or 0) * self.weight, 1)


def score_card(snapshots: list, *, pending: bool = False) -> dict:
    """The explanation of a score from its snapshots (oldest first): a bar per component, the
    trend, and which components moved since the previous snapshot."""
    if not snapshots:
        return {"snapshot": None, "pending": pending}
    latest = snapshots[-1]
    previous = snapshots[-2] if len(snapshots) > 1 else None
    bars = [
        Bar(
            name,
            COMPONENT_LABELS[name],
            part.get("value"),
            part.get("weight", 0),
            part.get("inputs", 0),
        )
        for name in scoring.COMPONENTS
        for part in [latest.components.get(name, {})]
    ]
    moved = []
    if previous is not None:
        moved = [
            (COMPONENT_LABELS[name], delta)
            for name, delta in scoring.movements(_values(previous), _values(latest))
            if abs(delta) >= 0.005
        ]
    values = [float(s.value) if s.value is not None else None for s in snapshots]
    points = charts.trend(values, [f"{s.day:%-d %b}" for s in snapshots], width=300, height=60)
    return {
        "snapshot": latest,
        "previous": previous,
        "bars": bars,
        "moved": moved,
        "trend_points": points,
        "trend_line": charts.polyline(points),
        "pending": pending,
    }


def _values(snapshot) -> dict[str, float | None]:
    return {name: part.get("value") for name, part in snapshot.components.items()}


def account_score_card(account: Account) -> dict:
    """The account page's score card: the snapshots of the last 90 days explained, whether a
    recompute is waiting, and the interactions and moments logged since the previous snapshot."""
    since = timezone.localdate() - dt.timedelta(days=TREND_WINDOW_DAYS)
    snapshots = AccountScore.objects.filter(account=account, day__gte=since).order_by("day")
    # Whether a recompute is pending, and the current score, read together: a worker that
    # finishes meanwhile either shows its score here or leaves the card polling for it. An
    # account from get_account_page_for_user was read so; any other (the request may have just
    # changed it) is read again, with the snapshots (alone if it has none).
    pending = getattr(account, "score_pending", None)
    if pending is None:
        current = {
            "current_pending": Exists(RecomputeRequest.objects.filter(account=OuterRef("account"))),
            **{f"current_{field}": F(f"account__{field}") for field in SCORE_FIELDS},
        }
        snapshots = list(snapshots.annotate(**current))
        if snapshots:
            latest = snapshots[-1]
            pending = latest.current_pending
            for field in SCORE_FIELDS:
                setattr(account, field, getattr(latest, f"current_{field}"))
        else:
            pending = _score_read_again(account)
    card = score_card(list(snapshots), pending=pending)
    card["alerts"] = list(account.alerts.select_related("stakeholder"))
    if card["snapshot"] is not None:
        card["disagreement"] = DISAGREEMENTS.get(card["snapshot"].parts.get("disagreement", ""))
    if card.get("previous"):
        card["new_interactions"], card["new_moments"] = logged_since(account, card["previous"].day)
    return card


def _score_read_again(account: Account) -> bool:
    """Read the account's current score again; answer whether a recompute is pending."""
    current = (
        Account.objects.filter(pk=account.pk)
        .annotate(pending=Exists(RecomputeRequest.objects.filter(account=OuterRef("pk"))))
        .values("pending", *SCORE_FIELDS)
        .get()
    )
    for field in SCORE_FIELDS:
        setattr(account, field, current[field])
    return current["pending"]


@dataclass(frozen=True)
class Logged:
    """An interaction (its channel and sentiment) or a moment (its type and emotion) logged
    since the previous snapshot, as the score card names it."""

    kind: str
    pk: int
    when: dt.datetime
    name: str
    detail: int | str

    @property
    def emotion_display(self) -> str:
        return str(dict(Moment.Emotion.choices).get(self.detail, self.detail))


SINCE_SHOWN = 5  # of each kind


def logged_since(account: Account, day: dt.date) -> tuple[list[Logged], list[Logged]]:
    """The newest interactions and moments of the account after `day` (SINCE_SHOWN of each,
    newest first), in one query."""
    branches = [
        Interaction.objects.filter(account=account, occurred_at__date__gt=day).annotate(
            kind=Value("interaction"),
            when=Cast("occurred_at", DateTimeField()),
            name=F("channel__name"),
            detail=Cast("sentiment", CharField()),
        ),
        Moment.objects.filter(account=account, occurred_on__gt=day).annotate(
            kind=Value("moment"),
            when=Cast("occurred_on", DateTimeField()),
            name=F("moment_type__name"),
            detail=F("emotion"),
        ),
    ]
    branches = [
        rows.values_list("kind", "pk", "when", "name", "detail").order_by() for rows in branches
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        branches = [
            rows.order_by(f"-{field}", "-pk")[:SINCE_SHOWN]
            for rows, field in zip(branches, ("occurred_at", "occurred_on"), strict=True)
        ]
    found = {"interaction": [], "moment": []}
    for kind, pk, when, name, detail in branches[0].union(branches[1], all=True).order_by():
        if timezone.is_naive(when):
            when = when.replace(tzinfo=dt.UTC)  # SQLite keeps datetimes as naive UTC text
        found[kind].append(
            Logged(kind, pk, when, name, int(detail) if kind == "interaction" else detail)
        )
    return tuple(
        sorted(rows, key=lambda row: (row.when, row.pk), reverse=True)[:SINCE_SHOWN]
        for rows in found.values()
    )


def stakeholder_score_card(person: Stakeholder) -> dict:
    """A person's score card, with the observed and reported parts of their latest score."""
    since = timezone.localdate() - dt.timedelta(days=TREND_WINDOW_DAYS)
    card = score_card(list(person.scores.filter(day__gte=since).order_by("day")))
    if card["snapshot"] is not None:
        components = card["snapshot"].components
        values = _values(card["snapshot"])
        weights = {name: part.get("weight", 0) for name, part in components.items()}
        observed = scoring.observed_part(values, weights)
        reported = scoring.reported_part(values, weights)
        card["observed"] = None if observed is None else 1 + 4 * observed
        card["reported"] = None if reported is None else 1 + 4 * reported
        card["disagreement"] = DISAGREEMENTS.get(
            scoring.disagreement(card["observed"], reported, scoring.ScoringConfig())
        )
    return card
