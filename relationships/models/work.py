"""Work to do about an account: tasks, and the rules that turn alerts and events into tasks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Account
from core.limits import DayRange
from relationships.models.gaps import GapCase, PlaybookStep
from relationships.models.people import Stakeholder
from relationships.work import rules


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"


class TaskRule(models.Model):
    """When an alert of a kind is raised or an event of a kind happens at an account, a task for
    the account's owner (relationships.work.services.task_rules_apply). Configured in the admin."""

    name = models.CharField(max_length=100, unique=True)
    trigger = models.CharField(
        max_length=40,
        choices=rules.TRIGGER_CHOICES,
        help_text="The alert raised by the recompute, or the event, that makes the task.",
    )
    title_template = models.CharField(
        "title",
        max_length=200,
        help_text="The task's title; {account} and {stakeholder} are replaced by their names.",
    )
    due_in_days = models.PositiveSmallIntegerField(
        default=7, help_text="The task is due this many days after the alert or event."
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_in_days__lte=rules.MAX_DUE_IN_DAYS), name="task_rule_due_bounded"
            ),
        ]

    def __str__(self):
        return self.name


class Task(models.Model):
    """One thing to do about an account, by one person, by a day.

    Open until done or dismissed (with a reason); a snoozed task is out of the lists until its
    day (and back in them on it). Written only by relationships.work.services.
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        SNOOZED = "snoozed", "Snoozed"
        DISMISSED = "dismissed", "Dismissed"

    class Source(models.TextChoices):
        MANUAL = "manual", "Created by hand"
        PLAYBOOK = "playbook", "A playbook step of a gap case"
        RULE = "rule", "A task rule"

    Priority = Priority

    title = models.CharField(max_length=200)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tasks")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    gap_case = models.ForeignKey(
        GapCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    alert_key = models.CharField(
        max_length=60,
        blank=True,
        help_text="The alert of the account it is about, by its key (alerts are rewritten by "
        "every recompute; their keys stay).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(validators=[DayRange("planned")])
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    snoozed_until = models.DateField(null=True, blank=True, validators=[DayRange("planned")])
    dismissed_reason = models.CharField(max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    rule = models.ForeignKey(
        TaskRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    playbook_step = models.ForeignKey(
        PlaybookStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_key = models.CharField(
        max_length=80, blank=True, help_text="What a rule made it of: event:<id>."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="snoozed", snoozed_until__isnull=False)
                | (~Q(state="snoozed") & Q(snoozed_until__isnull=True)),
                name="task_snoozed_until_iff_snoozed",
            ),
            models.CheckConstraint(
                condition=~Q(state="dismissed") | ~Q(dismissed_reason=""),
                name="task_dismissed_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="done", completed_at__isnull=False)
                | (~Q(state="done") & Q(completed_at__isnull=True)),
                name="task_completed_at_iff_done",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_has_title"),
            models.UniqueConstraint(
                fields=["rule", "source_key"],
                condition=Q(rule__isnull=False),
                name="task_one_per_rule_and_source",
            ),
            models.UniqueConstraint(
                fields=["gap_case", "playbook_step"],
                condition=Q(gap_case__isnull=False, playbook_step__isnull=False),
                name="task_one_per_case_and_step",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "state", "due_on"]),
            models.Index(fields=["account", "state", "due_on"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.state in (self.State.DONE, self.State.DISMISSED)
