"""Gap cases: read them, move them through the workflow and assign them, through the same
services as the gap board and the case page."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from accounts.models import User
from api.common import visible_accounts
from api.paging import Since, page
from api.schemas import Input, PathId, Ref, Version, answers
from relationships.gaps.selectors import get_gap_case_for_user
from relationships.gaps.services import gap_case_change, gap_case_move
from relationships.models import GapCase

router = Router(tags=["gap cases"])

State = Literal[tuple(GapCase.State.values)]


class ActionOut(Schema):
    id: int
    text: str
    done_at: dt.datetime | None


class TransitionOut(Schema):
    from_state: str
    to_state: str
    by_id: int | None
    at: dt.datetime
    note: str


class GapCaseOut(Schema):
    id: int
    account_id: int
    gap_class: str
    state: str
    owner_id: int
    due_on: dt.date | None
    notes: str
    dismissed_reason: str
    converged: bool
    opened_at: dt.datetime
    state_changed_at: dt.datetime
    closed_on: dt.date | None
    version: int


class GapCaseDetail(GapCaseOut):
    actions: list[ActionOut]
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.all())

    @staticmethod
    def resolve_transitions(obj) -> list:
        return list(obj.transitions.all())


class GapCasePage(Schema):
    next: str | None
    results: list[GapCaseOut]


class GapCaseFilters(Since):
    """`updated_since`: cases whose state changed since."""

    account: Ref | None = None
    state: State | None = None
    owner: Ref | None = None


class MoveIn(Input):
    to: Literal[tuple(s for s in GapCase.State.values if s != GapCase.State.DETECTED)]
    note: str = Field("", max_length=2000)
    reason: str = Field(
        "", max_length=2000, description="Needed to dismiss, or to resolve an open gap."
    )


class AssignIn(Input):
    """The owner (a member or manager of the account's team) and, if given, the due date, with
    the `version` of the case they were read from."""

    version: Version
    owner: Ref
    due_on: dt.date | None = None


@router.get("", response=answers(GapCasePage), summary="List gap cases")
def gap_case_list(request, filters: Query[GapCaseFilters]):
    cases = GapCase.objects.filter(account__in=visible_accounts(request.auth))
    if filters.account is not None:
        cases = cases.filter(account_id=filters.account)
    if filters.state is not None:
        cases = cases.filter(state=filters.state)
    if filters.owner is not None:
        cases = cases.filter(owner_id=filters.owner)
    if filters.updated_since is not None:
        cases = cases.filter(state_changed_at__gte=filters.updated_since)
    return page(request, cases, filters)


@router.get("/{case_id}", response=answers(GapCaseDetail), summary="Read a gap case")
def gap_case_read(request, case_id: PathId):
    """The case with its checklist and the trail of its moves."""
    return get_gap_case_for_user(request.auth, case_id)


@router.post("/{case_id}/move", response=answers(GapCaseOut), summary="Move a gap case")
def gap_case_move_op(request, case_id: PathId, body: MoveIn):
    """A move the workflow refuses answers 422 on `to`, saying why."""
    case = get_gap_case_for_user(request.auth, case_id)
    return gap_case_move(case=case, by=request.auth, **body.dict())


@router.post("/{case_id}/assign", response=answers(GapCaseOut), summary="Assign a gap case")
def gap_case_assign(request, case_id: PathId, body: AssignIn):
    case = get_gap_case_for_user(request.auth, case_id)
    owner = User.objects.filter(pk=body.owner, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": "Must be a member or manager of the account's team."})
    fields = {"owner": owner}
    if "due_on" in body.model_fields_set:
        fields["due_on"] = body.due_on
    return gap_case_change(case=case, version=body.version, **fields)
