"""Tasks: read them, create one, complete one, through the same selectors and services as
My tasks and the account page's Tasks section (docs/tasks.md)."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accounts.models import User
from api.common import account_named, person_named, visible_accounts
from api.paging import Since, page
from api.schemas import Input, PathId, Ref, answers
from relationships.models import Task
from relationships.work import rules
from relationships.work.selectors import get_task_for_user
from relationships.work.services import task_complete, task_create

router = Router(tags=["tasks"])


class TaskOut(Schema):
    id: int
    title: str
    account_id: int
    stakeholder_id: int | None
    gap_case_id: int | None
    alert_key: str
    owner_id: int
    due_on: dt.date
    priority: str
    state: str
    snoozed_until: dt.date | None
    dismissed_reason: str
    completed_at: dt.datetime | None
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime


class TaskPage(Schema):
    next: str | None
    results: list[TaskOut]


class TaskFilters(Since):
    account: Ref | None = None
    owner: Ref | None = None
    state: Literal[tuple(Task.State.values)] | None = None


class TaskIn(Input):
    """A task for `owner` (the account's owner if not given), due on `due_on` (the day after
    tomorrow if not given)."""

    account: Ref
    title: str = Field(..., min_length=1, max_length=200)
    owner: Ref | None = None
    due_on: dt.date | None = None
    priority: Literal[tuple(Task.Priority.values)] = "normal"
    stakeholder: Ref | None = None


@router.get("", response=answers(TaskPage), summary="List tasks")
def task_list(request, filters: Query[TaskFilters]):
    tasks = Task.objects.filter(account__in=visible_accounts(request.auth))
    if filters.account is not None:
        tasks = tasks.filter(account_id=filters.account)
    if filters.owner is not None:
        tasks = tasks.filter(owner_id=filters.owner)
    if filters.state is not None:
        tasks = tasks.filter(state=filters.state)
    if filters.updated_since is not None:
        tasks = tasks.filter(updated_at__gte=filters.updated_since)
    return page(request, tasks, filters)


@router.post("", response=answers(TaskOut, 201), summary="Create a task")
def task_new(request, body: TaskIn):
    account = account_named(request.auth, account=body.account, account_external_id=None)
    if body.owner is None:
        owner = account.owner
    else:
        owner = User.objects.filter(pk=body.owner).first()
        if owner is None:
            raise ValidationError({"owner": "Someone who can see this account."})
    due_on = body.due_on or rules.due_on(timezone.localdate(), rules.DEFAULT_DUE_DAYS)
    stakeholder = person_named(account, id=body.stakeholder, external_id=None)
    task = task_create(
        account=account,
        title=body.title,
        owner=owner,
        due_on=due_on,
        priority=body.priority,
        stakeholder=stakeholder,
        created_by=request.auth,
    )
    return Status(201, task)


@router.post("/{task_id}/complete", response=answers(TaskOut), summary="Complete a task")
def task_complete_op(request, task_id: PathId):
    """Done now (a task done already stays as it was)."""
    return task_complete(task=get_task_for_user(request.auth, task_id), by=request.auth)
