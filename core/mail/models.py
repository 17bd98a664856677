"""The email outbox's message row (see core.mail.outbox)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmail(models.Model):
    """A message in the outbox: written in the transaction that causes it, then sent by a task.

    queued -> sending -> sent, or -> retry (transient failure, with backoff) -> sending ...,
    or -> failed (permanent failure or too many attempts, with the reason).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRY = "retry", "Waiting to retry"
        FAILED = "failed", "Failed"

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField()
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    sensitive = models.BooleanField(
        default=False, help_text="The body carries a personal link: cleared once sent."
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "surveys_outboundemail"  # the table it was created with
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"
            )
        ]

    def __str__(self):
        return f"{self.subject} to {self.to} ({self.get_state_display()})"
