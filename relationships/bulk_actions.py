"""The account list's bulk action that relationships adds (accounts.bulk keeps the registry,
since accounts imports nothing of relationships): a task for each account chosen."""

import datetime as dt

from django import forms

from accounts.bulk import BulkAction, BulkOutcome, register_bulk_action
from accounts.models import Account, User
from core.limits import date_inputs_bounded
from relationships.models import Task
from relationships.work.services import tasks_create


class BulkTaskForm(forms.Form):
    """A task for each account chosen: what, by when, how urgent. Each goes to the account's
    owner."""

    use_required_attribute = False  # the action bar's other buttons post without it
    title = forms.CharField(max_length=200, label="Task")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(choices=Task.Priority.choices, initial=Task.Priority.NORMAL)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        date_inputs_bounded(self, Task)
        self.fields["title"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": "Call about the renewal"}
        )
        self.fields["due_on"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["priority"].widget.attrs["class"] = "form-select form-select-sm"


def tasks_create_each(
    *, accounts: list[Account], title: str, due_on: dt.date, priority: str, by: User
) -> BulkOutcome:
    """A task `title`, due on `due_on`, for the owner of each of these accounts, made by `by`
    through relationships.work.services.tasks_create, as a task made by hand: every account
    one `by` may see, every owner one who may see their account, else ValidationError by field
    and nothing is written. An account whose owner has left is skipped. The same queries for
    any number of accounts: the owners, the checks, the tasks and their history."""
    title = " ".join((title or "").split())
    outcome = BulkOutcome(done=f"“{title}” created, due {due_on:%-d %b %Y}", noun=("task", "tasks"))
    tasks = []
    chosen = Account.objects.filter(pk__in=[account.pk for account in accounts])
    for account in chosen.select_related("owner").order_by("name", "pk"):
        if not account.owner.is_active:
            outcome.skipped.setdefault("its owner has left", []).append(account)
            continue
        tasks.append(
            Task(
                account=account, owner=account.owner, title=title, due_on=due_on, priority=priority
            )
        )
    outcome.changed = tasks_create(tasks=tasks, by=by)
    return outcome


def _task_each(*, user, accounts, title, due_on, priority):
    return tasks_create_each(
        accounts=accounts, title=title, due_on=due_on, priority=priority, by=user
    )


register_bulk_action(
    BulkAction("task", "Create a task for each", run=_task_each, form=BulkTaskForm, order=30)
)
