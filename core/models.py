"""Plumbing tables and fields with no domain knowledge: a row's version, a form's one-time key,
the email outbox's messages (core.mail.models), and events with where they go (webhook
endpoints, chat hooks, their deliveries, in-app notifications: core.events)."""

import base64
import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.db.checks import constraints_validate, read_already
from core.mail.models import OutboundEmail
from core.secrets import decrypt, encrypt

__all__ = [
    "ChatHook",
    "CheckedInOneQuery",
    "Delivery",
    "Event",
    "Notification",
    "OutboundEmail",
    "SubmissionKey",
    "Versioned",
    "WebhookEndpoint",
]


class CheckedInOneQuery(models.Model):
    """A row whose full_clean checks all its constraints in one query and does not look up
    again a foreign key given as a row read from the database (core.db.checks)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=set(exclude or ()) | read_already(self))

    def validate_constraints(self, exclude=None):
        constraints_validate(self, exclude=exclude or ())


class Versioned(models.Model):
    """A row people edit in forms; `version` counts its saves (optimistic locking: see
    core.versions). Columns only computed code writes (scores, flags) do not count."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


def external_id_new() -> str:
    """An external id Rapport gives a row that has none: `rapport-` and 12 random hex digits."""
    return f"rapport-{secrets.token_hex(6)}"


class ExternallyKnown(models.Model):
    """A row imports and exports know by its `external_id` (a CharField of the model's own).
    Every one has one: saved without, it keeps the one stored or gets one from Rapport
    (external_id_new), so it is the same in every export and a re-import finds the row."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.external_id:  # emptied in an edit: the stored one stays
            stored = self.pk and type(self)._default_manager.filter(pk=self.pk)
            self.external_id = (
                stored and stored.values_list("external_id", flat=True).first()
            ) or external_id_new()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "external_id"}
        super().save(*args, **kwargs)


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


# --- events and where they go (core.events, core.webhooks) --------------------------------------


class Event(models.Model):
    """Something that happened, written in the transaction that made it happen (the outbox of
    webhooks, chat messages and notifications). `kind` is one of core.events.KINDS; `summary`
    says it in words and `path` is the page it is about. The subject is an account, by id (core
    knows nothing of accounts): `team_id` and `audience` (the ids of the users who follow it)
    say who hears of it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    path = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    account_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    audience = models.JSONField(default=list, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return f"{self.kind}: {self.summary}"

    @property
    def url(self) -> str:
        """The absolute address of the page the event is about (the site's home without one)."""
        return f"{settings.SITE_URL}{self.path or '/'}"


def webhook_secret_new() -> str:
    """A new signing secret (Standard Webhooks: whsec_ and 24 random bytes in base64), encrypted
    for its column."""
    return encrypt("whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())


class WebhookEndpoint(models.Model):
    """An address an admin registered to receive the events it wants, signed with its secret."""

    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, blank=True, help_text="The kinds of event sent here.")
    secret = models.TextField(default=webhook_secret_new, editable=False)
    # After a rotation the replaced secret, encrypted, still signs deliveries alongside the
    # new one until `previous_secret_until`, while the receiver switches.
    previous_secret = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(
        "old secret also signs until", null=True, blank=True, editable=False
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["url"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.description or self.url

    def signing_secret(self) -> str:
        """The secret the receiver verifies signatures with (whsec_...)."""
        return decrypt(self.secret)

    def signing_secrets(self, now: dt.datetime) -> list[str]:
        """The secrets a delivery is signed with at `now`: the current one, then the one it
        replaced while that is still accepted."""
        if self.previous_secret_until and now < self.previous_secret_until:
            return [self.signing_secret(), decrypt(self.previous_secret)]
        return [self.signing_secret()]


class ChatHook(models.Model):
    """A Slack or Microsoft Teams incoming-webhook address (stored encrypted) that hears of the
    chosen events: a user's (the events about accounts they follow) or a team's (the events
    about the team's accounts)."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True, help_text="The channel, say.")
    url = models.TextField(editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_hooks",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_hooks",
    )
    events = models.JSONField(default=list, blank=True, help_text="The kinds of event sent here.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = "chat hook"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, team__isnull=False)
                | Q(user__isnull=False, team__isnull=True),
                name="chat_hook_user_or_team",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}".strip()

    def address(self) -> str:
        return decrypt(self.url)


class Delivery(models.Model):
    """One event on its way to one webhook endpoint or chat hook, at most once (the unique
    constraints): queued -> sending -> delivered, or -> retry (network error, timeout, 5xx,
    429: with backoff) -> sending ..., or -> failed (any other answer, or too many attempts)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        RETRY = "retry", "Waiting to retry"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    chat_hook = models.ForeignKey(
        ChatHook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    state = models.CharField(max_length=9, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(
        "last status code", null=True, blank=True, help_text="The receiver's last HTTP status."
    )
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="delivery_once_per_endpoint"
            ),
            models.UniqueConstraint(fields=["chat_hook", "event"], name="delivery_once_per_chat"),
            models.CheckConstraint(
                condition=Q(endpoint__isnull=True, chat_hook__isnull=False)
                | Q(endpoint__isnull=False, chat_hook__isnull=True),
                name="delivery_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            ),
        ]

    def __str__(self):
        return (
            f"{self.event.kind} to {self.endpoint or self.chat_hook} ({self.get_state_display()})"
        )


class Notification(models.Model):
    """An event in a user's bell, unread until they open their notifications."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_user")
        ]

    def __str__(self):
        return f"{self.event.summary} ({self.user})"
