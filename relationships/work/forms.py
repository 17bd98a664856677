"""Forms of tasks and of the alerts of "Needs attention": each calls a service with its
cleaned data (relationships.work.services), whose refusals come back as field errors."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, User
from core.idempotency import SubmissionKeyForm
from core.limits import date_inputs_bounded
from relationships.models import Task
from relationships.work import rules
from relationships.work.selectors import STATES, owners_for


def account_users(account: Account):
    """Who may own a task of the account: its team's members and manager, and the admins."""
    team = account.team_id
    return (
        User.objects.filter(
            Q(teams=team) | Q(managed_teams=team) | Q(is_superuser=True) | Q(role=User.Role.ADMIN),
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


class TaskForm(SubmissionKeyForm):
    """A task about an account: a title, the day it is due (the day after tomorrow unless
    changed), a priority and an owner (the account's owner unless changed); made once per
    render of the form."""

    title = forms.CharField(max_length=200, widget=forms.TextInput({"autocomplete": "off"}))
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(choices=Task.Priority.choices, initial=Task.Priority.NORMAL)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args, account: Account, **kwargs):
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["owner"].queryset = account_users(account)
        self.fields["owner"].initial = account.owner_id
        self.fields["due_on"].initial = rules.due_on(timezone.localdate(), rules.DEFAULT_DUE_DAYS)
        date_inputs_bounded(self, Task)


class AlertTaskForm(forms.Form):
    """A task made of an alert of "Needs attention", for whoever the alert is assigned to (the
    account's owner if nobody)."""

    title = forms.CharField(max_length=200)
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(choices=Task.Priority.choices, initial=Task.Priority.NORMAL)


class SnoozeForm(forms.Form):
    until = forms.DateField(label="Snooze until", widget=forms.DateInput(attrs={"type": "date"}))


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.TextInput({"autocomplete": "off"}))


class AssignForm(forms.Form):
    """Who works an alert: someone of its account's team, or nobody (left empty)."""

    to = forms.ModelChoiceField(label="Assign to", queryset=User.objects.none(), required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = account_users(account)


class TaskListFilterForm(forms.Form):
    """The My tasks page's filters: which tasks, and (for a manager) whose. Invalid values are
    ignored, not errors."""

    state = forms.ChoiceField(choices=list(STATES.items()), required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = owners_for(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def cleaned_filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"state": data.get("state") or "open", "owner": data.get("owner") or self.user}


def snooze_choices(today: dt.date) -> list[tuple[dt.date, str]]:
    """The snooze buttons' days: tomorrow, in three days, in a week."""
    labels = {1: "Tomorrow", 3: "3 days", 7: "A week"}
    return [(rules.due_on(today, days), labels[days]) for days in rules.SNOOZE_DAYS]
