"""Reusable reads of accounts, all starting from the access gate `Account.objects.visible_to`."""

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Account, Team, User
from core.paths import url_pattern


def related_model(name: str):
    """The model behind one of an account's reverse relations (`stakeholders`, ...): what the
    apps above keep about an account, read without importing them."""
    return Account._meta.get_field(name).related_model


def _by(field: str, descending: bool = False):
    """Sort by `field`, unknown values last whichever the direction, then by name."""
    column = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return (column, "name") if field != "name" else (column,)


SORT_FIELDS = {
    "name": "name",
    "owner": "owner__full_name",
    "team": "team__name",
    "arr": "arr",
    "renewal": "renewal_date",
    "status": "status",
    "score": "relationship_score",
}
SORTS = {key: _by(field) for key, field in SORT_FIELDS.items()} | {
    f"-{key}": _by(field, descending=True) for key, field in SORT_FIELDS.items()
}

FLAGS = {
    "single_threaded": "Single-threaded",
    "no_decision_maker_coverage": "No decision-maker coverage",
    "champion_left": "Champion left",
}


def account_url_pattern() -> str:
    """The account page's address with {} for the account's key (core.paths.url_pattern)."""
    return url_pattern("account_detail")


def _accounts_shown_to(user) -> QuerySet[Account]:
    return Account.objects.visible_to(user).select_related("owner", "team", "leading_competitor")


def get_account_for_user(user, pk) -> Account:
    """The account with `pk` if `user` may see it; 404 otherwise (outsiders learn nothing)."""
    return get_object_or_404(_accounts_shown_to(user), pk=pk)


def score_pending() -> Exists:
    """Whether a recompute of the account is waiting: read in the same statement as its
    current score."""
    return Exists(related_model("recomputerequest").objects.filter(account=OuterRef("pk")))


def get_account_page_for_user(user, pk) -> Account:
    """The account as get_account_for_user gives it, plus `score_pending` (score_pending())."""
    return get_object_or_404(
        _accounts_shown_to(user).annotate(score_pending=score_pending()), pk=pk
    )


def reader(user_pk: int, sees_all: bool) -> User:
    """An active reader as Account.objects.visible_to reads one (their id, and whether they see
    every account), for a statement built once with the reader's id as a parameter
    (core.db.kept). The caller checks that the real reader is signed in and active."""
    return User(pk=user_pk, is_superuser=sees_all)


def teams_visible_to(user) -> QuerySet[Team]:
    if user.sees_all_accounts:
        return Team.objects.all()
    return Team.objects.filter(Q(members=user) | Q(manager=user)).distinct()


def users_of_teams(teams: QuerySet[Team]) -> QuerySet[User]:
    """Members and managers of these teams: the people who can own accounts and relationships."""
    return User.objects.filter(
        Q(teams__in=teams) | Q(managed_teams__in=teams), is_active=True
    ).distinct()


def who_sees_teams(user_ids: set[int], team_ids: set[int]) -> set[tuple[int, int]]:
    """The (user, team) pairs among these in which the user may see the team's accounts, as
    `Account.objects.visible_to` decides: active admins see every team, other active users the
    teams they are in or manage. One query for any number: the admins, the members and the
    managers (each row: whether the user is an admin, the user, the team)."""
    active = User.objects.filter(pk__in=user_ids, is_active=True)
    admins = active.filter(Q(is_superuser=True) | Q(role=User.Role.ADMIN))
    members = Team.members.through.objects.filter(team_id__in=team_ids, user__in=active)
    managers = Team.objects.filter(pk__in=team_ids, manager__in=active)
    rows = [
        admins.annotate(seer_admin=Value(True), seer=F("pk"), seen=Value(0)),
        members.annotate(seer_admin=Value(False), seer=F("user_id"), seen=F("team_id")),
        managers.annotate(seer_admin=Value(False), seer=F("manager_id"), seen=F("pk")),
    ]
    rows = [query.order_by().values_list("seer_admin", "seer", "seen") for query in rows]
    pairs = set()
    for admin, user, team in rows[0].union(*rows[1:], all=True).order_by():
        pairs |= {(user, every) for every in team_ids} if admin else {(user, team)}
    return pairs


def accounts_for_list(*, user, filters: dict | None = None) -> QuerySet[Account]:
    """The account list: visible accounts, filtered, sorted, with what each row shows."""
    filters = filters or {}
    # A subquery rather than a join and GROUP BY: PostgreSQL counts for the page's rows only.
    stakeholder = related_model("stakeholders")
    active = (
        stakeholder.objects.filter(account=OuterRef("pk"), status=stakeholder.Status.ACTIVE)
        .order_by()
        .values("account")
        .annotate(count=Count("pk"))
        .values("count")
    )
    accounts = accounts_filtered(user=user, filters=filters).annotate(
        active_stakeholders=Coalesce(Subquery(active, output_field=IntegerField()), 0)
    )
    return accounts.order_by(*SORTS.get(filters.get("sort") or "name", SORTS["name"]))


def accounts_filtered(*, user, filters: dict) -> QuerySet[Account]:
    """Visible accounts with their owner and team, narrowed by the account list's filters."""
    accounts = Account.objects.visible_to(user).select_related("owner", "team")
    if query := filters.get("q"):
        accounts = accounts.filter(
            Q(name__icontains=query) | Q(domain__icontains=query) | Q(external_id__iexact=query)
        )
    for field in ("team", "owner"):
        if value := filters.get(field):
            accounts = accounts.filter(**{field: value})
    if segment := filters.get("segment"):
        accounts = accounts.filter(segment=segment)
    if status := filters.get("status"):
        accounts = accounts.filter(status=status)
    else:
        accounts = accounts.exclude(status=Account.Status.ARCHIVED)
    if (days := filters.get("renewal_within")) not in (None, ""):  # 0: renewing today
        today = timezone.localdate()
        accounts = accounts.filter(
            renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=int(days))
        )
    if flag := filters.get("flag"):
        accounts = accounts.filter(**{flag: True})
    return accounts
