"""Tasks: the My tasks page, the account page's Tasks section, and the actions on a task, each
in place (the row swaps itself); and the actions on an alert of "Needs attention".

An action answers htmx with its row; a plain form post goes back to the page it came from. Bad
input answers 422 with the row (or the form) and its field errors, and writes nothing.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import panels
from accounts.selectors import get_account_for_user
from core.forms import offer
from core.idempotency import AlreadySubmitted
from core.pagecache import cached_page
from core.paging import page_number
from relationships.models import Alert
from relationships.work.forms import (
    AlertTaskForm,
    AssignForm,
    DismissForm,
    SnoozeForm,
    TaskForm,
    TaskListFilterForm,
    snooze_choices,
)
from relationships.work.selectors import (
    account_tasks,
    alerts_for_attention,
    assignable_by_team,
    get_alert_for_user,
    get_task_for_user,
    tasks_for_list,
)
from relationships.work.services import (
    alert_assign,
    alert_dismiss,
    alert_restore,
    alert_snooze,
    alert_task_create,
    task_complete,
    task_create,
    task_dismiss,
    task_reopen,
    task_snooze,
)

PAGE_SIZE = 25
TASKS = "relationships/tasks.html"
SECTION = "relationships/account_tasks.html"
ATTENTION = "relationships/attention.html"


def refused(form, error: ValidationError) -> None:
    """A service's refusal as the form's errors, by field where the form has it."""
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def row_context(today) -> dict:
    return {"today": today, "snooze_choices": snooze_choices(today)}


# --- pages ------------------------------------------------------------------------------------


def _task_page(request, *, status=200, failed=None, errors=None):
    today = timezone.localdate()
    form = TaskListFilterForm(request.GET, user=request.user)
    filters = form.cleaned_filters()
    tasks = tasks_for_list(user=request.user, today=today, **filters)
    context = {
        "form": form,
        "page": Paginator(tasks, PAGE_SIZE).get_page(page_number(request)),
        "state": filters["state"],
        "owner": filters["owner"],
        "failed": failed,
        "errors": errors,
        **row_context(today),
    }
    return render(request, TASKS, context, status=status)


@require_GET
@cached_page
def task_list(request):
    """The user's tasks (a manager's: a member of their team's), overdue first."""
    return _task_page(request)


def _section(request, account, *, form=None, status=200):
    today = timezone.localdate()
    form = form or TaskForm(account=account)
    owner = form.fields["owner"]
    offer(owner, owner.queryset)  # the people read once: the form's drawing read them twice
    context = {
        "tasks": account_tasks(account, today=today),
        "task_form": form,
        **row_context(today),
    }
    return panels.render_section(request, SECTION, account, context, status=status)


@require_GET
@cached_page(account="pk")
def account_tasks_section(request, pk):
    """The account page's Tasks section: its open tasks and a form for a new one."""
    return _section(request, panels.section_account(request, pk))


@require_POST
def task_new(request, pk):
    account = get_account_for_user(request.user, pk)
    form = TaskForm(request.POST, account=account)
    if form.is_valid():
        try:
            task = task_create(account=account, created_by=request.user, **form.cleaned_data)
        except AlreadySubmitted:  # a double submit: the first one made the task
            pass
        except ValidationError as error:
            refused(form, error)
        else:
            messages.success(request, f"Task “{task.title}” added.")
    if form.is_valid():  # and not refused
        return _section(request, account) if request.htmx else redirect(account)
    return _section(request, account, form=form, status=422)


# --- actions on a task ------------------------------------------------------------------------


def _row(request, task, *, errors=None, status=200):
    if not request.htmx:
        if status == 200:
            return redirect("task_list")
        return _task_page(request, status=status, failed=task.pk, errors=errors)
    context = {
        "task": task,
        "errors": errors,
        "failed": task.pk,
        **row_context(timezone.localdate()),
    }
    return render(request, f"{TASKS}#task_row", context, status=status)


def _act(request, subject, row, service, form=None):
    """Work a task or an alert (`subject`) in place: `service` called with the form's cleaned
    data, then its `row` drawn again; bad input or the service's refusal answers the row with
    the errors (422), and nothing is changed."""
    if form is not None and not form.is_valid():
        return row(request, subject, errors=form.errors, status=422)
    try:
        service(**(form.cleaned_data if form else {}))
    except ValidationError as error:
        return row(request, subject, errors=error.message_dict, status=422)
    return row(request, subject)


@require_POST
def task_complete_view(request, pk):
    task = get_task_for_user(request.user, pk)
    return _act(request, task, _row, partial(task_complete, task=task, by=request.user))


@require_POST
def task_snooze_view(request, pk):
    task = get_task_for_user(request.user, pk)
    service = partial(task_snooze, task=task, by=request.user)
    return _act(request, task, _row, service, SnoozeForm(request.POST))


@require_POST
def task_dismiss_view(request, pk):
    task = get_task_for_user(request.user, pk)
    service = partial(task_dismiss, task=task, by=request.user)
    return _act(request, task, _row, service, DismissForm(request.POST))


@require_POST
def task_reopen_view(request, pk):
    task = get_task_for_user(request.user, pk)
    return _act(request, task, _row, partial(task_reopen, task=task, by=request.user))


# --- "Needs attention" -------------------------------------------------------------------------


def _attention(request, *, status=200, failed=None, errors=None):
    today = timezone.localdate()
    kind = request.GET.get("kind")
    kind = kind if kind in Alert.Kind.values else None
    worked = request.GET.get("show") == "worked"
    alerts = alerts_for_attention(user=request.user, kind=kind, today=today, worked=worked)
    page = Paginator(alerts, 30).get_page(page_number(request))
    teams = assignable_by_team({alert.account.team_id for alert in page.object_list})
    for alert in page.object_list:
        alert.assignable = teams.get(alert.account.team_id, [])
    context = {
        "page": page,
        "kinds": Alert.Kind.choices,
        "kind": kind,
        "worked": worked,
        "failed": failed,
        "errors": errors,
        **row_context(today),
    }
    return render(request, ATTENTION, context, status=status)


@require_GET
@cached_page
def attention(request):
    """Alerts over the accounts the user may see, each worked in place: assigned, snoozed,
    dismissed with a reason, or turned into a task. `show=worked`: the snoozed and dismissed."""
    return _attention(request)


def _alert_row(request, alert, *, errors=None, status=200):
    if not request.htmx:
        if status == 200:
            return redirect("attention")
        return _attention(request, status=status, failed=alert.pk, errors=errors)
    alert.assignable = assignable_by_team({alert.account.team_id}).get(alert.account.team_id, [])
    context = {
        "alert": alert,
        "errors": errors,
        "failed": alert.pk,
        **row_context(timezone.localdate()),
    }
    return render(request, f"{ATTENTION}#alert_row", context, status=status)


@require_POST
def alert_assign_view(request, pk):
    alert = get_alert_for_user(request.user, pk)
    form = AssignForm(request.POST, account=alert.account)
    return _act(request, alert, _alert_row, partial(alert_assign, alert=alert), form)


@require_POST
def alert_snooze_view(request, pk):
    alert = get_alert_for_user(request.user, pk)
    service = partial(alert_snooze, alert=alert)
    return _act(request, alert, _alert_row, service, SnoozeForm(request.POST))


@require_POST
def alert_dismiss_view(request, pk):
    alert = get_alert_for_user(request.user, pk)
    service = partial(alert_dismiss, alert=alert)
    return _act(request, alert, _alert_row, service, DismissForm(request.POST))


@require_POST
def alert_restore_view(request, pk):
    alert = get_alert_for_user(request.user, pk)
    return _act(request, alert, _alert_row, partial(alert_restore, alert=alert))


@require_POST
def alert_task_view(request, pk):
    """A task about the alert, from its row: the row comes back saying so."""
    alert = get_alert_for_user(request.user, pk)
    form = AlertTaskForm(request.POST)
    if form.is_valid():
        try:
            task = alert_task_create(
                alert=alert,
                owner=alert.assigned_to or alert.account.owner,
                created_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            refused(form, error)
        else:
            messages.success(request, f"Task “{task.title}” added for {task.owner}.")
            return _alert_row(request, alert)
    return _alert_row(request, alert, errors=form.errors, status=422)
