"""Reading gaps: the gap board, a case's page, an account's gap panel."""

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Account
from core.paths import url_pattern
from relationships.activity import catalogs
from relationships.gaps import model as gaps
from relationships.models import (
    GapAction,
    GapCase,
    GapTransition,
    Playbook,
)

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


STATE_LABELS = dict(GapCase.State.choices)
# What a card draws: its case, its account's name and factors, its owner's name.
BOARD_CARD_FIELDS = [
    "account__name",
    *(f"account__{field}" for field, _label, _letter in FACTORS),
    "gap_class",
    "state",
    "converged",
    "opened_at",
    "due_on",
    "owner__full_name",
    "owner__email",
]


def gap_board(*, user, filters: dict) -> list[dict]:
    """The board's columns, one per state: the open cases and those closed in the last
    BOARD_RECENT_DAYS days, with their checklist progress; each column shows its
    BOARD_COLUMN_CARDS oldest cases and counts them all, and each card's addresses (its page,
    its move), the URLs reversed once. Two queries, which read only the cards shown: each case
    is numbered and counted within its state by the database, only the columns a card draws
    are read, and only the cards shown have their checklists counted."""
    since = timezone.localdate() - dt.timedelta(days=BOARD_RECENT_DAYS)
    cases = (
        GapCase.objects.filter(account__in=Account.objects.visible_to(user))
        .filter(Q(state__in=gaps.OPEN_STATES) | Q(closed_on__gte=since))
        .select_related("account", "owner")
        .only(*BOARD_CARD_FIELDS)
    )
    for name, lookup in (("team", "account__team"), ("owner", "owner"), ("gap_class", "gap_class")):
        if filters.get(name):
            cases = cases.filter(**{lookup: filters[name]})
    cases = list(
        cases.annotate(
            place=Window(RowNumber(), partition_by="state", order_by=("opened_at", "pk")),
            column_total=Window(Count("pk"), partition_by="state"),
        )
        .filter(place__lte=BOARD_COLUMN_CARDS)
        .order_by("opened_at", "pk")
    )
    progress = checklist_progress([case.pk for case in cases])
    columns = {state: [] for state in GapCase.State.values}
    totals = dict.fromkeys(GapCase.State.values, 0)
    case_url, move_url = url_pattern("gap_detail"), url_pattern("gap_move")
    for case in cases:
        case.actions_done, case.actions_total = progress.get(case.pk, (0, 0))
        columns[case.state].append(case)
        totals[case.state] = case.column_total
        case.marks = factor_marks(case.account)
        case.targets = board_moves(case)
        case.href, case.move_url = case_url.format(case.pk), move_url.format(case.pk)
    return [
        {
            "state": state,
            "label": label,
            "cases": columns[state],
            "total": totals[state],
            "more": totals[state] - len(columns[state]),
        }
        for state, label in GapCase.State.choices
    ]


def checklist_progress(case_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(actions done, actions in all) of each of these cases that has a checklist."""
    rows = (
        GapAction.objects.filter(case_id__in=case_ids)
        .order_by()
        .values("case_id")
        .annotate(done=Count("pk", filter=Q(done_at__isnull=False)), total=Count("pk"))
        .values_list("case_id", "done", "total")
    )
    return {case_id: (done, total) for case_id, done, total in rows}


def board_moves(case: GapCase) -> list[tuple[str, str]]:
    """Where a card can go from the board, the next states first. A move that needs a reason
    (dismissing, resolving while the gap is still open) is done on the case page."""
    order = [*gaps.OPEN_STATES, gaps.RESOLVED, gaps.DISMISSED]
    ahead = order[order.index(case.state) + 1 :]
    return [
        (to, STATE_LABELS[to])
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
