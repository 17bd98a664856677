"""Accounts: the account list with its filters, one account, creating, changing and archiving
one, and its product usage by period (read, and written in bulk by period)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from ninja import Field, Query, Router, Schema, Status

from accounts.models import Account, UsageSnapshot
from accounts.selectors import (
    FLAGS,
    accounts_filtered,
    get_account_for_user,
    related_model,
    teams_visible_to,
    users_of_teams,
)
from accounts.services import (
    account_archive,
    account_change,
    account_create,
    usage_periods_upsert,
)
from api.paging import Since, page
from api.schemas import Input, PathId, Ref, Version, answers

router = Router(tags=["accounts"])

AccountStatus = Literal[tuple(Account.Status.values)]
OpenStatus = Literal[tuple(s for s in Account.Status.values if s != Account.Status.ARCHIVED)]
Money = Decimal | None


class AccountOut(Schema):
    id: int
    external_id: str
    name: str
    domain: str
    segment: str
    team_id: int
    owner_id: int
    status: str
    customer_since: dt.date | None
    renewal_date: dt.date | None
    arr: Money
    cost_to_serve: Money
    seats_purchased: int | None
    share_of_wallet: Money
    notes: str
    version: int
    relationship_score: Money
    relationship_label: str
    score_trend_30d: Money
    single_threaded: bool
    no_decision_maker_coverage: bool
    champion_left: bool
    gap_class: str
    quadrant: str


class AccountPage(Schema):
    next: str | None
    results: list[AccountOut]


class AccountFilters(Since):
    """The account list's filters (archived accounts only with status=archived)."""

    q: str | None = Field(None, max_length=100, description="Name, domain or external id.")
    team: Ref | None = None
    owner: Ref | None = None
    segment: str | None = Field(None, max_length=50)
    status: AccountStatus | None = None
    renewal_within: int | None = Field(None, ge=0, le=3650, description="Days from today.")
    flag: Literal[tuple(FLAGS)] | None = None
    external_id: str | None = Field(None, max_length=64)


class AccountIn(Input):
    name: str = Field(max_length=200)
    team: Ref
    owner: Ref
    external_id: str = Field("", max_length=64)
    domain: str = Field("", max_length=200)
    segment: str = Field("", max_length=50)
    customer_since: dt.date | None = None
    renewal_date: dt.date | None = None
    arr: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    cost_to_serve: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    seats_purchased: int | None = Field(None, ge=0, le=2_147_483_647)
    status: OpenStatus = Account.Status.ACTIVE


class AccountPatch(Input):
    """The fields to change, and the `version` of the account they were read from."""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    external_id: str | None = Field(None, max_length=64)
    domain: str | None = Field(None, max_length=200)
    segment: str | None = Field(None, max_length=50)
    status: AccountStatus | None = None
    team: Ref | None = None
    owner: Ref | None = None
    customer_since: dt.date | None = None
    renewal_date: dt.date | None = None
    arr: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    cost_to_serve: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    seats_purchased: int | None = Field(None, ge=0, le=2_147_483_647)
    share_of_wallet: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    notes: str | None = Field(None, max_length=5000)


CLEARABLE = {
    "customer_since",
    "renewal_date",
    "arr",
    "cost_to_serve",
    "seats_purchased",
    "share_of_wallet",
}


class UsageOut(Schema):
    period_start: dt.date
    active_users: int | None
    usage_value: Money
    features_used: int | None
    features_available: int | None


class UsageIn(Input):
    period_start: dt.date
    active_users: int | None = Field(None, ge=0, le=2_147_483_647)
    usage_value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    features_used: int | None = Field(None, ge=0, le=2_147_483_647)
    features_available: int | None = Field(None, ge=0, le=2_147_483_647)


class UsageUpsert(Input):
    periods: list[UsageIn] = Field(max_length=1000)


def changed_since(accounts, since: dt.datetime):
    """Accounts whose profile changed (their history) or whose scores were computed since."""
    history = Account.history.model.objects.filter(id=OuterRef("pk"), history_date__gte=since)
    scored = related_model("scores").objects.filter(account=OuterRef("pk"), computed_at__gte=since)
    return accounts.filter(Exists(history) | Exists(scored))


def _team_and_owner(user, team_id: int | None, owner_id: int | None) -> dict:
    """The team and owner named, among those the user may choose (as the account forms offer
    them): 422 on the field otherwise."""
    found, errors = {}, {}
    teams = teams_visible_to(user)
    if team_id is not None:
        found["team"] = teams.filter(pk=team_id).first()
        if found["team"] is None:
            errors["team"] = "Not a team you may choose."
    if owner_id is not None:
        found["owner"] = users_of_teams(teams).filter(pk=owner_id).first()
        if found["owner"] is None:
            errors["owner"] = "Not a person of your teams."
    if errors:
        raise ValidationError(errors)
    return found


def _manager_required(user) -> None:
    if not user.may_manage_accounts:
        raise PermissionDenied("Only managers and admins create and archive accounts.")


@router.get("", response=answers(AccountPage), summary="List accounts")
def account_list(request, filters: Query[AccountFilters]):
    wanted = filters.dict(exclude={"cursor", "limit", "updated_since", "external_id"})
    accounts = accounts_filtered(user=request.auth, filters=wanted)
    if filters.external_id is not None:
        accounts = accounts.filter(external_id=filters.external_id)
    if filters.updated_since is not None:
        accounts = changed_since(accounts, filters.updated_since)
    return page(request, accounts, filters)


@router.get("/{account_id}", response=answers(AccountOut), summary="Read an account")
def account_read(request, account_id: PathId):
    return get_account_for_user(request.auth, account_id)


@router.post(
    "",
    response=answers(AccountOut, 201),
    summary="Create an account (managers and admins)",
)
def account_new(request, body: AccountIn):
    _manager_required(request.auth)
    fields = body.dict()
    fields.update(_team_and_owner(request.auth, fields.pop("team"), fields.pop("owner")))
    return Status(201, account_create(**fields))


@router.patch("/{account_id}", response=answers(AccountOut), summary="Change an account")
def account_edit(request, account_id: PathId, body: AccountPatch):
    """Change the fields sent. `null` clears a date, an amount or the seats; for any other
    field it changes nothing."""
    account = get_account_for_user(request.auth, account_id)
    fields = body.dict(exclude_unset=True)
    version = fields.pop("version")
    fields = {
        name: value for name, value in fields.items() if value is not None or name in CLEARABLE
    }
    team, owner = fields.pop("team", None), fields.pop("owner", None)
    fields.update(_team_and_owner(request.auth, team, owner))
    return account_change(account=account, version=version, **fields)


@router.post("/{account_id}/archive", response=answers(AccountOut), summary="Archive an account")
def account_archive_op(request, account_id: PathId):
    account = get_account_for_user(request.auth, account_id)
    _manager_required(request.auth)
    return account_archive(account=account)


@router.get("/{account_id}/usage", response=answers(list[UsageOut]), summary="Usage by period")
def usage_list(request, account_id: PathId):
    account = get_account_for_user(request.auth, account_id)
    return list(UsageSnapshot.objects.filter(account=account).order_by("period_start"))


@router.put(
    "/{account_id}/usage",
    response=answers(list[UsageOut]),
    summary="Write usage by period (managers and admins)",
)
def usage_upsert(request, account_id: PathId, body: UsageUpsert):
    """Each period given replaces the one stored for the same `period_start`, or is added;
    periods not given stay as they are."""
    account = get_account_for_user(request.auth, account_id)
    if not request.auth.may_import:
        raise PermissionDenied("Only managers and admins write usage, as with usage.csv.")
    periods = [period.dict() for period in body.periods]
    return usage_periods_upsert(account=account, periods=periods)
