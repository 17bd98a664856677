"""Stakeholders: the people at an account, read, added and changed through the same services
as the stakeholder form."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from ninja import Field, Query, Router, Schema, Status

from accounts.models import Team, User
from accounts.selectors import users_of_teams
from api.common import account_named, person_named, visible_accounts
from api.paging import Since, page
from api.schemas import Input, PathId, Ref, Version, answers
from relationships.models import Stakeholder
from relationships.people.selectors import get_stakeholder_for_user
from relationships.people.services import stakeholder_create, stakeholder_update

router = Router(tags=["stakeholders"])

Role = Literal[tuple(Stakeholder.Role.values)]
Influence = Literal[tuple(Stakeholder.Influence.values)]
Rating = Literal[tuple(Stakeholder.Rating.values)]
PersonStatus = Literal[tuple(Stakeholder.Status.values)]


class StakeholderOut(Schema):
    id: int
    account_id: int
    external_id: str
    name: str
    title: str
    email: str
    role: str
    buying_influence: str
    reports_to_id: int | None
    owner_ids: list[int]
    relationship_since: dt.date | None
    trust: str
    respect: str
    strength: int | None
    status: str
    reference_willing: bool
    version: int

    @staticmethod
    def resolve_owner_ids(obj) -> list[int]:
        return [owner.pk for owner in obj.owners.all()]


class StakeholderPage(Schema):
    next: str | None
    results: list[StakeholderOut]


class StakeholderFilters(Since):
    account: Ref | None = None
    external_id: str | None = Field(None, max_length=64)
    status: PersonStatus | None = None


class StakeholderFields(Input):
    external_id: str = Field("", max_length=64)
    title: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    role: Role = Stakeholder.Role.USER
    buying_influence: Influence = Stakeholder.Influence.MEDIUM
    reports_to: Ref | None = None
    reports_to_external_id: str | None = Field(None, max_length=64)
    owners: list[Ref] = Field(default_factory=list, max_length=50)
    relationship_since: dt.date | None = None
    trust: Rating = ""
    respect: Rating = ""
    strength: int | None = Field(None, ge=1, le=5)
    status: PersonStatus = Stakeholder.Status.ACTIVE
    reference_willing: bool = False


class StakeholderIn(StakeholderFields):
    account: Ref | None = None
    account_external_id: str | None = Field(None, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class StakeholderPatch(Input):
    """The fields to change and the `version` of the person they were read from."""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    external_id: str | None = Field(None, max_length=64)
    title: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    role: Role | None = None
    buying_influence: Influence | None = None
    reports_to: Ref | None = None
    reports_to_external_id: str | None = Field(None, max_length=64)
    owners: list[Ref] | None = Field(None, max_length=50)
    relationship_since: dt.date | None = None
    trust: Rating | None = None
    respect: Rating | None = None
    strength: int | None = Field(None, ge=1, le=5)
    status: PersonStatus | None = None
    reference_willing: bool | None = None


def _owners(account, ids: list[int]) -> list[User]:
    """Our people named as owners: members or managers of the account's team (422 otherwise)."""
    if not ids:
        return []
    team = users_of_teams(Team.objects.filter(pk=account.team_id))
    found = list(team.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"owners": "Must be a member or manager of the account's team."})
    return found


def _references(account, fields: dict, *, person=None) -> dict:
    """Turn the ids the request gives into rows: the manager (one of the account's people, not
    the person themself) and the owners."""
    reports_to = fields.pop("reports_to", None)
    reports_to_external_id = fields.pop("reports_to_external_id", None)
    if reports_to is not None or reports_to_external_id:
        manager = person_named(
            account, id=reports_to, external_id=reports_to_external_id, field="reports_to"
        )
        if person is not None and manager.pk == person.pk:
            raise ValidationError({"reports_to": "Not the person themself."})
        fields["reports_to"] = manager
    if fields.get("owners") is not None:
        fields["owners"] = _owners(account, fields["owners"])
    return fields


def changed_since(people, since: dt.datetime):
    history = Stakeholder.history.model.objects.filter(id=OuterRef("pk"), history_date__gte=since)
    return people.filter(Exists(history))


@router.get("/stakeholders", response=answers(StakeholderPage), summary="List stakeholders")
def stakeholder_list(request, filters: Query[StakeholderFilters]):
    people = Stakeholder.objects.filter(account__in=visible_accounts(request.auth))
    if filters.account is not None:
        people = people.filter(account_id=filters.account)
    if filters.external_id is not None:
        people = people.filter(external_id=filters.external_id)
    if filters.status is not None:
        people = people.filter(status=filters.status)
    if filters.updated_since is not None:
        people = changed_since(people, filters.updated_since)
    return page(request, people.prefetch_related("owners"), filters)


@router.get("/stakeholders/{stakeholder_id}", response=answers(StakeholderOut))
def stakeholder_read(request, stakeholder_id: PathId):
    return get_stakeholder_for_user(request.auth, stakeholder_id)


@router.post("/stakeholders", response=answers(StakeholderOut, 201), summary="Add a stakeholder")
def stakeholder_new(request, body: StakeholderIn):
    fields = body.dict()
    account = account_named(
        request.auth,
        account=fields.pop("account"),
        account_external_id=fields.pop("account_external_id"),
    )
    fields = _references(account, fields)
    return Status(201, stakeholder_create(account=account, **fields))


@router.patch("/stakeholders/{stakeholder_id}", response=answers(StakeholderOut))
def stakeholder_edit(request, stakeholder_id: PathId, body: StakeholderPatch):
    """Change these fields of the person; `null` clears reports_to, strength and
    relationship_since, and changes nothing else."""
    person = get_stakeholder_for_user(request.auth, stakeholder_id)
    fields = body.dict(exclude_unset=True)
    version = fields.pop("version")
    clearable = {"reports_to", "reports_to_external_id", "strength", "relationship_since"}
    fields = {k: v for k, v in fields.items() if v is not None or k in clearable}
    clear_manager = fields.get("reports_to", 0) is None and not fields.get("reports_to_external_id")
    if clear_manager:
        fields.pop("reports_to")
    fields = _references(person.account, fields, person=person)
    if clear_manager:
        fields["reports_to"] = None
    return stakeholder_update(stakeholder=person, version=version, **fields)
