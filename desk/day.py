"""My day: what a user should look at today, read in a fixed number of queries.

Whose day: a CSM's own (the accounts they own, the tasks they own); a manager's or an admin's
team (every account they may see, every task of the people whose tasks they may list), or one
CSM of it (`csm`). Everything goes through the gate, `Account.objects.visible_to`.

Each section is capped (LIMIT rows, one more read to tell there are more), so the page costs the
same whatever the size of the portfolio; the lists it samples link to the page that has them all.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import Account, User
from capture.models import Decision, PersonSignal
from capture.models import SuggestedStakeholder as Suggestion
from relationships.gaps.model import OPEN_STATES
from relationships.models import GapCase
from relationships.positioning.quadrant import QUADRANTS
from relationships.work.selectors import (
    PRIORITY_RANK,
    active,
    alerts_for_attention,
    owners_for,
    tasks_visible_to,
    with_when,
)

LIMIT = 20
RENEWAL_DAYS = 90
# ARR at risk: the ARR of the accounts marked "At risk", and of those whose relationship score
# is below this (the lower half of the 1-5 scale), each counted once.
RISK_SCORE = Decimal("2.5")
SCORE_BANDS = [("1-2", 1, 2), ("2-3", 2, 3), ("3-4", 3, 4), ("4-5", 4, 5)]
INACTIVE = (Account.Status.CHURNED, Account.Status.ARCHIVED)


@dataclass
class Capped:
    """The first LIMIT rows of a list, and whether there are more."""

    rows: list
    more: bool

    @classmethod
    def of(cls, queryset: QuerySet, limit: int = LIMIT) -> "Capped":
        rows = list(queryset[: limit + 1])
        return cls(rows=rows[:limit], more=len(rows) > limit)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def csms_for(user) -> QuerySet[User]:
    """Whose day `user` may look at: their own; a manager's or admin's team members too."""
    return owners_for(user).order_by("full_name", "email")


def scope(*, user, csm: User | None) -> tuple[QuerySet[Account], Q]:
    """The accounts of the day and who owns its tasks: a CSM's own (or the one CSM a manager
    picked), or every account a manager sees and their team's tasks."""
    accounts = Account.objects.visible_to(user).exclude(status__in=INACTIVE)
    if csm is None and not user.may_manage_accounts:
        csm = user
    if csm is not None:
        return accounts.filter(owner=csm), Q(owner=csm)
    return accounts, Q(owner__in=owners_for(user).values("pk"))


def due_tasks(*, user, owners: Q, today: dt.date) -> Capped:
    """Overdue and due-today tasks (with the snoozed ones whose day has come), oldest first."""
    tasks = tasks_visible_to(user).filter(owners, active(today), due_on__lte=today)
    return Capped.of(
        with_when(tasks, today)
        .select_related("account", "stakeholder", "owner")
        .order_by("due_on", PRIORITY_RANK, "pk")
    )


def renewals(accounts: QuerySet[Account], *, today: dt.date) -> Capped:
    """Accounts renewing from today to RENEWAL_DAYS ahead, soonest first."""
    until = today + dt.timedelta(days=RENEWAL_DAYS)
    return Capped.of(
        accounts.filter(renewal_date__gte=today, renewal_date__lte=until)
        .select_related("owner")
        .order_by("renewal_date", "name", "pk")
    )


def new_alerts(*, user, accounts: QuerySet[Account], today: dt.date) -> Capped:
    """The alerts of "Needs attention" still to look at (neither snoozed nor dismissed)."""
    alerts = alerts_for_attention(user=user, kind=None, today=today)
    return Capped.of(alerts.filter(account__in=accounts.values("pk")))


def open_gap_cases(accounts: QuerySet[Account]) -> Capped:
    return Capped.of(
        GapCase.objects.filter(account__in=accounts.values("pk"), state__in=OPEN_STATES)
        .select_related("account", "owner")
        .order_by("due_on", "-opened_at", "pk")
    )


def suggestions(accounts: QuerySet[Account]) -> Capped:
    """People capture found writing from a customer's domain, waiting to be added or dismissed."""
    return Capped.of(
        Suggestion.objects.filter(account__in=accounts.values("pk"), state=Decision.OPEN)
        .select_related("account")
        .order_by("-last_seen", "pk")
    )


def may_have_left(accounts: QuerySet[Account]) -> Capped:
    """Stakeholders an auto-reply or a bounce says may have left, waiting for a decision."""
    return Capped.of(
        PersonSignal.objects.filter(
            account__in=accounts.values("pk"),
            kind=PersonSignal.Kind.MAY_HAVE_LEFT,
            state=PersonSignal.State.OPEN,
        )
        .select_related("account", "stakeholder")
        .order_by("-raised_at", "pk")
    )


def portfolio(accounts: QuerySet[Account]) -> dict:
    """The strip: accounts by quadrant, by score band, and the ARR at risk, in one query."""
    at_risk = Q(status=Account.Status.AT_RISK) | Q(relationship_score__lt=RISK_SCORE)
    aggregates = {
        "total": Count("pk"),
        "arr_at_risk": Sum("arr", filter=at_risk),
        "at_risk": Count("pk", filter=at_risk),
        "unscored": Count("pk", filter=Q(relationship_score__isnull=True)),
        "unplaced": Count("pk", filter=Q(quadrant="")),
    }
    for code in QUADRANTS:
        aggregates[f"q_{code}"] = Count("pk", filter=Q(quadrant=code))
    for n, (_, low, high) in enumerate(SCORE_BANDS):
        band = Q(relationship_score__gte=low)
        band &= Q(relationship_score__lte=high) if high == 5 else Q(relationship_score__lt=high)
        aggregates[f"s_{n}"] = Count("pk", filter=band)
    counts = accounts.order_by().aggregate(**aggregates)
    return {
        "total": counts["total"],
        "arr_at_risk": counts["arr_at_risk"] or Decimal(0),
        "at_risk": counts["at_risk"],
        "quadrants": [(code, label, counts[f"q_{code}"]) for code, (label, _) in QUADRANTS.items()]
        + [("", "Not placed", counts["unplaced"])],
        "scores": [(label, counts[f"s_{n}"]) for n, (label, _, _) in enumerate(SCORE_BANDS)]
        + [("none", counts["unscored"])],
    }


def my_day(*, user, csm: User | None, today: dt.date) -> dict:
    """Every section of My day for `user` (narrowed to `csm`, one of `csms_for(user)`)."""
    accounts, owners = scope(user=user, csm=csm)
    return {
        "tasks": due_tasks(user=user, owners=owners, today=today),
        "renewals": renewals(accounts, today=today),
        "alerts": new_alerts(user=user, accounts=accounts, today=today),
        "gap_cases": open_gap_cases(accounts),
        "suggestions": suggestions(accounts),
        "leaving": may_have_left(accounts),
        "portfolio": portfolio(accounts),
    }
