"""Relationship gaps: playbooks, gap cases, their actions and transitions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Account
from core.limits import DayRange, bounded_text, day_text
from core.models import Versioned
from relationships.gaps import model as gaps


class GapClass(models.TextChoices):
    """The kinds of relationship gap (relationships.gaps.model); the values are export codes."""

    SAYS_HAPPY_USAGE_DOWN = (
        gaps.SAYS_HAPPY_USAGE_DOWN,
        gaps.CLASS_LABELS[gaps.SAYS_HAPPY_USAGE_DOWN],
    )
    USES_NEEDS_UNMET = gaps.USES_NEEDS_UNMET, gaps.CLASS_LABELS[gaps.USES_NEEDS_UNMET]
    CSM_FINE_CUSTOMER_NOT = (
        gaps.CSM_FINE_CUSTOMER_NOT,
        gaps.CLASS_LABELS[gaps.CSM_FINE_CUSTOMER_NOT],
    )
    CSM_WORRIED_CUSTOMER_HAPPY = (
        gaps.CSM_WORRIED_CUSTOMER_HAPPY,
        gaps.CLASS_LABELS[gaps.CSM_WORRIED_CUSTOMER_HAPPY],
    )
    GENERIC = gaps.GENERIC, gaps.CLASS_LABELS[gaps.GENERIC]


class Playbook(models.Model):
    """The next actions for one class of gap, copied as a checklist into each new case."""

    gap_class = models.CharField(max_length=30, choices=GapClass.choices, unique=True)
    summary = models.CharField(max_length=300, help_text="The aim, in one sentence.")

    class Meta:
        ordering = ["gap_class"]

    def __str__(self):
        return self.get_gap_class_display()


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    due_in_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="The step's task is due this many days after the case opens.",
    )

    class Meta:
        ordering = ["playbook", "position", "pk"]

    def __str__(self):
        return self.text


class GapCase(Versioned):
    """One relationship gap at one account, worked from detection to resolution.

    At most one open case per account (a database constraint); detection creates, follows,
    reclassifies and reopens cases (relationships.gaps.services), people move them through the
    states.
    """

    class State(models.TextChoices):
        DETECTED = gaps.DETECTED, "Detected"
        ACKNOWLEDGED = gaps.ACKNOWLEDGED, "Acknowledged"
        INVESTIGATING = gaps.INVESTIGATING, "Investigating"
        ACTION_PLANNED = gaps.ACTION_PLANNED, "Action planned"
        RESOLVED = gaps.RESOLVED, "Resolved"
        DISMISSED = gaps.DISMISSED, "Dismissed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="gap_cases")
    gap_class = models.CharField(max_length=30, choices=GapClass.choices)
    state = models.CharField(max_length=15, choices=State.choices, default=State.DETECTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="gap_cases",
        help_text="Who works the case: the account's CSM unless reassigned.",
    )
    due_on = models.DateField(null=True, blank=True, validators=[DayRange("planned")])
    notes = bounded_text()
    dismissed_reason = models.TextField(blank=True)
    converged = models.BooleanField(
        default=False,
        help_text="The factors agree again (their spread fell below the threshold less the "
        "closing margin) and have not disagreed since: confirm the resolution.",
    )
    opened_at = models.DateTimeField()
    state_changed_at = models.DateTimeField()
    closed_on = models.DateField(null=True, blank=True)

    # Who changed a case, and what: what an edit refused for a conflict shows (core.versions).
    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(state__in=gaps.OPEN_STATES),
                name="gap_case_one_open_per_account",
            ),
            models.CheckConstraint(
                condition=Q(state__in=gaps.OPEN_STATES, closed_on__isnull=True)
                | Q(state__in=gaps.CLOSED_STATES, closed_on__isnull=False),
                name="gap_case_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(state=gaps.DISMISSED) | ~Q(dismissed_reason=""),
                name="gap_case_dismissed_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "opened_at"])]

    def __str__(self):
        return f"{self.get_gap_class_display()} at {self.account}"

    def get_absolute_url(self):
        return reverse("gap_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in gaps.OPEN_STATES

    def clean(self):
        """Due on or after the day the case was opened."""
        if self.due_on and self.opened_at:
            opened = timezone.localdate(self.opened_at)
            if self.due_on < opened:
                rule = f"On or after the day the case was opened, {day_text(opened)}."
                raise ValidationError({"due_on": rule})


class GapAction(models.Model):
    """One next action of a case's checklist, from its playbook."""

    case = models.ForeignKey(GapCase, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["case", "position", "pk"]

    def __str__(self):
        return self.text


class GapTransition(models.Model):
    """The audit trail of a case: every state change, by whom (nobody: detection) and why, and
    every reclassification by detection (from a state to the same state)."""

    case = models.ForeignKey(GapCase, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=15, blank=True)
    to_state = models.CharField(max_length=15)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]

    def __str__(self):
        return f"{self.from_state or 'new'} -> {self.to_state}"

    def get_from_state_display(self) -> str:
        return GapCase.State(self.from_state).label if self.from_state else ""

    def get_to_state_display(self) -> str:
        return GapCase.State(self.to_state).label
