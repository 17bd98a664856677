"""Plumbing tables and fields with no domain knowledge: a row's version, a form's one-time key,
the email outbox's messages (core.mail.models)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.mail.models import OutboundEmail

__all__ = ["OutboundEmail", "SubmissionKey", "Versioned"]


class Versioned(models.Model):
    """A row people edit in forms; `version` counts its saves (optimistic locking: see
    core.versions). Columns only computed code writes (scores, flags) do not count."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class SubmissionKey(models.Model):
    """A form render already submitted: the random key the form carried, who sent it, and the
    address its first submission led to, so that a second submission is answered the same way
    (see core.idempotency)."""

    key = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_used_once")
        ]

    def __str__(self):
        return str(self.key)

    def answer_with(self, url: str) -> None:
        """Keep where the first submission led (call in the same transaction)."""
        self.answer = url
        self.save(update_fields=["answer"])
