"""Reads of stakeholders, always through the accounts a user may see."""

import datetime as dt
from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import charts
from accounts.models import Account
from relationships import catalogs, gaps, maps, scoring
from relationships.forms import ActivityChoices
from relationships.models import (
    AccountScore,
    GapCase,
    GapTransition,
    Interaction,
    Moment,
    Playbook,
    RecomputeRequest,
    Stakeholder,
)


def get_stakeholder_for_user(user, pk) -> Stakeholder:
    """The stakeholder with `pk` if `user` may see its account; 404 otherwise."""
    return get_object_or_404(
        Stakeholder.objects.filter(account__in=Account.objects.visible_to(user)).select_related(
            "account", "account__team", "account__owner"
        ),
        pk=pk,
    )


def stakeholders_of(account: Account) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(account=account).prefetch_related(
        Prefetch("owners", to_attr="owner_list")
    )


def stakeholder_map(stakeholders) -> dict:
    """The org chart, the two grids and the "needs work" list for the account page."""
    people = [
        maps.MapPerson(
            key=s.pk,
            name=s.name,
            role=s.role,
            buying_influence=s.buying_influence,
            strength=s.strength,
            trust=s.trust,
            respect=s.respect,
            reports_to=s.reports_to_id,
            active=s.is_active,
            item=s,
        )
        for s in stakeholders
    ]
    return {
        "org_chart": maps.org_chart(people),
        "influence_grid": maps.influence_strength_grid(people),
        "trust_grid": maps.trust_respect_grid(people),
        "needs_work": maps.needs_work(people),
    }


def activity_choices(account: Account, stakeholders=None):
    """Options of the quick-log and timeline forms: the account's people (as given, or read
    now) and the catalogs."""
    if stakeholders is None:
        stakeholders = Stakeholder.objects.filter(account=account).only("pk", "name")
    return ActivityChoices(
        stakeholders=list(stakeholders),
        channels=catalogs.channels(),
        touchpoints=catalogs.touchpoints(),
        moment_types=catalogs.moment_types(),
    )


def stakeholder_activity(person: Stakeholder) -> dict:
    """What the stakeholder page shows: recent interactions, moments and open items, last
    contact, the channels used and the median response time of their replies."""
    interactions = list(
        person.interactions.select_related("channel", "touchpoint", "our_person").order_by(
            "-occurred_at"
        )[:20]
    )
    channels = list(
        person.interactions.values("channel__name")
        .annotate(count=Count("pk"), last=Max("occurred_at"))
        .order_by("-count", "channel__name")
    )
    hours = [
        float(h)
        for h in person.interactions.filter(
            direction=Interaction.Direction.INBOUND, response_hours__isnull=False
        ).values_list("response_hours", flat=True)
    ]
    return {
        "interactions": interactions,
        "interaction_count": sum(channel["count"] for channel in channels),
        "last_contact": max((c["last"] for c in channels), default=None),
        "channels": channels,
        "median_response_hours": median(hours) if hours else None,
        "moments": list(person.moments.select_related("moment_type").order_by("-occurred_on")[:20]),
        "open_items": list(person.open_items.order_by("closed_on", "-opened_on")[:20]),
    }


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
    # Whether a recompute is pending, and the current score, read together: a worker that
    # finishes meanwhile either shows its score here or leaves the card polling for it. An
    # account from get_account_page_for_user was read so; any other (the request may have just
    # changed it) is read again.
    pending = getattr(account, "score_pending", None)
    if pending is None:
        current = (
            Account.objects.filter(pk=account.pk)
            .annotate(pending=Exists(RecomputeRequest.objects.filter(account=OuterRef("pk"))))
            .values("pending", *SCORE_FIELDS)
            .get()
        )
        for field in SCORE_FIELDS:
            setattr(account, field, current[field])
        pending = current["pending"]
    since = timezone.localdate() - dt.timedelta(days=TREND_WINDOW_DAYS)
    snapshots = list(AccountScore.objects.filter(account=account, day__gte=since).order_by("day"))
    card = score_card(snapshots, pending=pending)
    card["alerts"] = list(account.alerts.select_related("stakeholder"))
    if card.get("previous"):
        day = card["previous"].day
        card["new_interactions"] = list(
            Interaction.objects.filter(account=account, occurred_at__date__gt=day)
            .select_related("channel")
            .order_by("-occurred_at")[:5]
        )
        card["new_moments"] = list(
            Moment.objects.filter(account=account, occurred_on__gt=day)
            .select_related("moment_type")
            .order_by("-occurred_on")[:5]
        )
    return card


def stakeholder_score_card(person: Stakeholder) -> dict:
    since = timezone.localdate() - dt.timedelta(days=TREND_WINDOW_DAYS)
    return score_card(list(person.scores.filter(day__gte=since).order_by("day")))


# --- relationship gaps ----------------------------------------------------------------------

_playbook_summary = Playbook.objects.filter(gap_class=OuterRef("gap_class")).values("summary")[:1]
BOARD_RECENT_DAYS = 30  # closed cases stay on the board this long
BOARD_COLUMN_CARDS = 20  # cards shown per column, the oldest first; filters narrow the rest
FACTORS = [
    ("customer_voice", "Customer voice", "V"),
    ("product_usage", "Product usage", "U"),
    ("csm_perception", "CSM perception", "C"),
]


def factor_marks(account: Account) -> list[dict]:
    """The account's three gap factors, each placed on the happiness scale drawn from x=10
    (-1, unhappy) to x=210 (+1, happy), and described in words for screen readers."""
    marks = []
    for field, label, letter in FACTORS:
        value = getattr(account, field)
        marks.append(
            {
                "field": field,
                "label": label,
                "letter": letter,
                "value": value,
                "x": None if value is None else round(110 + float(value) * 100, 1),
                "describe": f"{label} {'unknown' if value is None else f'{value:+.2f}'}",
            }
        )
    return marks


def get_gap_case_for_user(user, pk) -> GapCase:
    """The case with `pk` if `user` may see its account; 404 otherwise."""
    return get_object_or_404(
        GapCase.objects.filter(account__in=Account.objects.visible_to(user)).select_related(
            "account", "account__team", "owner"
        ),
        pk=pk,
    )


def gap_board(*, user, filters: dict) -> list[dict]:
    """The board's columns, one per state: the open cases and those closed in the last
    BOARD_RECENT_DAYS days, with their checklist progress; each column shows its
    BOARD_COLUMN_CARDS oldest cases and counts them all. One query."""
    since = timezone.localdate() - dt.timedelta(days=BOARD_RECENT_DAYS)
    cases = (
        GapCase.objects.filter(account__in=Account.objects.visible_to(user))
        .filter(Q(state__in=gaps.OPEN_STATES) | Q(closed_on__gte=since))
        .select_related("account", "owner")
        .annotate(
            actions_total=Count("actions"),
            actions_done=Count("actions", filter=Q(actions__done_at__isnull=False)),
        )
        .order_by("opened_at", "pk")
    )
    for name, lookup in (("team", "account__team"), ("owner", "owner"), ("gap_class", "gap_class")):
        if filters.get(name):
            cases = cases.filter(**{lookup: filters[name]})
    columns = {state: [] for state in GapCase.State.values}
    for case in cases:
        columns[case.state].append(case)
    for case in (case for column in columns.values() for case in column[:BOARD_COLUMN_CARDS]):
        case.marks = factor_marks(case.account)
        case.targets = board_moves(case)
    return [
        {
            "state": state,
            "label": label,
            "cases": columns[state][:BOARD_COLUMN_CARDS],
            "total": len(columns[state]),
            "more": max(len(columns[state]) - BOARD_COLUMN_CARDS, 0),
        }
        for state, label in GapCase.State.choices
    ]


def board_moves(case: GapCase) -> list[tuple[str, str]]:
    """Where a card can go from the board, the next states first. A move that needs a reason
    (dismissing, resolving while the gap is still open) is done on the case page."""
    order = [*gaps.OPEN_STATES, gaps.RESOLVED, gaps.DISMISSED]
    ahead = order[order.index(case.state) + 1 :]
    labels = dict(GapCase.State.choices)
    return [
        (to, labels[to])
        for to in ahead + [s for s in order if s not in ahead]
        if not gaps.can_move(case.state, to)
        and not gaps.reason_needed(to, converged=case.converged)
    ]


def gap_spread(account: Account) -> dict:
    """The account's spread between its factors, where it stands (gaps.standing) and the
    thresholds that say so."""
    config = catalogs.gap_config()
    size = account.gap_size
    return {
        "size": size,
        "standing": gaps.standing(None if size is None else float(size), config),
        "threshold": config.threshold,
        "margin": config.close_margin,
        "agree_below": config.agree_below,
    }


def account_gaps(account: Account) -> dict:
    """The account page's gap section: the factors, their spread and the open case with its
    checklist."""
    cases = (
        GapCase.objects.filter(account=account, state__in=gaps.OPEN_STATES)
        .select_related("owner")
        .annotate(playbook_summary=Subquery(_playbook_summary))
        .prefetch_related("actions")
    )
    return {
        "gap_marks": factor_marks(account),
        "gap_spread": gap_spread(account),
        "gap_cases": list(cases),
    }


def gap_case_page(case: GapCase) -> dict:
    """Everything the case page shows besides the case: checklist, trail, playbook aim, the
    factors and their spread."""
    return {
        "actions": list(case.actions.select_related("done_by")),
        "trail": list(GapTransition.objects.filter(case=case).select_related("by")),
        "playbook": Playbook.objects.filter(gap_class=case.gap_class).first(),
        "marks": factor_marks(case.account),
        "spread": gap_spread(case.account),
    }
