"""What capture keeps: the mailboxes and calendar feeds it reads (with their secrets encrypted),
where each mailbox folder stopped, the messages and meetings it captured for an account (headers,
a snippet and the numbers; the body only with CAPTURE_STORE_BODIES), and what it found for a
CSM to decide: suggested stakeholders and signals about people (may have left, going dark)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Account
from relationships.models import Channel, Interaction, OpenItem, Stakeholder, Touchpoint


class Health(models.TextChoices):
    NEW = "new", "Not read yet"
    SYNCING = "syncing", "Reading"
    OK = "ok", "Up to date"
    FAILED = "failed", "Failed"


class Source(models.Model):
    """What every source of mail or meetings shares: whose it is, whether it is paused, and how
    its last read went (an error in words, for the owner and the admin)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose mail or calendar this is; empty for the team's BCC-to-log mailbox.",
    )
    paused = models.BooleanField(default=False)
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.NEW)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class Mailbox(Source):
    """An IMAP mailbox Rapport reads (INBOX and Sent), with an app password or an OAuth2 bearer
    token (XOAUTH2), stored encrypted (core.secrets). The team's BCC-to-log mailbox has no
    owner: what is BCC'd to it is logged for whoever sent it."""

    class Auth(models.TextChoices):
        PASSWORD = "password", "App password"
        XOAUTH2 = "xoauth2", "OAuth2 bearer token (XOAUTH2)"

    name = models.CharField(max_length=100, help_text="A label, such as “Work mail”.")
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    use_tls = models.BooleanField("TLS", default=True, help_text="Connect with TLS (port 993).")
    username = models.CharField(max_length=254)
    auth = models.CharField(max_length=8, choices=Auth.choices, default=Auth.PASSWORD)
    secret = models.TextField(editable=False, help_text="Encrypted (core.secrets).")
    is_bcc_log = models.BooleanField(
        "BCC-to-log mailbox",
        default=False,
        help_text="The team's address to BCC: each message is logged for the user who sent it.",
    )
    excluded = models.TextField(
        blank=True,
        help_text="Addresses or domains never captured from this mailbox, one per line.",
    )

    class Meta:
        verbose_name_plural = "mailboxes"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(is_bcc_log=True),
                name="mailbox_owned_or_bcc_log",
            ),
            models.UniqueConstraint(
                Lower("host"), Lower("username"), name="mailbox_host_username_unique"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.username})"

    def excluded_set(self) -> frozenset[str]:
        return frozenset(
            line.strip().lower() for line in self.excluded.splitlines() if line.strip()
        )


class MailboxFolder(models.Model):
    """Where reading one folder of a mailbox stopped: the folder's UIDVALIDITY and the last UID
    read and committed. A new UIDVALIDITY means the folder was rebuilt: it is read again from the
    backfill date (Message-IDs keep that from storing anything twice)."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(max_length=200)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["mailbox", "name"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "name"], name="mailbox_folder_unique")
        ]

    def __str__(self):
        return self.name


class CalendarFeed(Source):
    """A user's calendar published as an ICS address (secret, so stored encrypted)."""

    name = models.CharField(max_length=100, default="Calendar")
    url = models.TextField(editable=False, help_text="Encrypted (core.secrets).")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class TouchpointKeyword(models.Model):
    """A word that, found in a meeting's or message's subject, gives the captured interaction
    its touchpoint (the admin's keyword map); without one it is CAPTURE_DEFAULT_TOUCHPOINT."""

    keyword = models.CharField(max_length=60, unique=True)
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["keyword"]

    def __str__(self):
        return f"{self.keyword} → {self.touchpoint}"


class CapturedMessage(models.Model):
    """One message or meeting captured for an account: stored once per account by its
    Message-ID (a meeting: its UID and start), however many mailboxes it arrives through."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        MEETING = "meeting", "Meeting"

    class Origin(models.TextChoices):
        MAILBOX = "mailbox", "Mailbox"
        BCC = "bcc", "BCC-to-log address"
        FILE = "file", "Mailbox file"
        CALENDAR = "calendar", "Calendar"

    # Indexes cost every captured row: the account is the first column of the composite
    # indexes below, and nothing looks captured rows up by mailbox, user, channel or
    # touchpoint (removing one of those, a rare admin act, scans the table once).
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="captured", db_index=False
    )
    message_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=7, choices=Kind.choices, default=Kind.EMAIL)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    interaction = models.OneToOneField(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="captured_from",
        help_text="Empty while none of the people is a stakeholder yet.",
    )
    our_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    direction = models.CharField(max_length=8, choices=Interaction.Direction.choices)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+", db_index=False)
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sender = models.CharField(max_length=254)
    outside = models.TextField(help_text="The outside addresses, one per line.")
    subject = models.CharField(max_length=255, blank=True)
    snippet = models.CharField(max_length=280, blank=True)
    body = models.TextField(blank=True, help_text="Kept only with CAPTURE_STORE_BODIES.")
    sent_at = models.DateTimeField()
    thread = models.CharField(max_length=255, help_text="The Message-ID that began the thread.")
    in_reply_to = models.CharField(max_length=255, blank=True)
    words = models.PositiveIntegerField(default=0)
    sentiment = models.SmallIntegerField(default=0, help_text="As read from the words.")
    corrected = models.BooleanField(default=False, help_text="A CSM corrected the sentiment.")
    response_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hidden = models.BooleanField(default=False, help_text="Text removed; only the counts kept.")
    captured_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["account", "thread"]),
            models.Index(fields=["account", "-sent_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "message_id"], name="captured_message_once_per_account"
            ),
            models.CheckConstraint(
                condition=Q(sentiment__gte=-2, sentiment__lte=2),
                name="captured_message_sentiment_range",
            ),
        ]

    def __str__(self):
        return self.subject or self.get_kind_display()

    def outside_addresses(self) -> list[str]:
        return self.outside.split()


class Decision(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class SuggestedStakeholder(models.Model):
    """Someone at a customer's domain who wrote or was written to, not yet a stakeholder: a CSM
    adds them (accepting) or dismisses them in one click."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="suggestions")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    messages = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    state = models.CharField(max_length=9, choices=Decision.choices, default=Decision.OPEN)
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-messages", "email"]
        constraints = [
            models.UniqueConstraint(
                "account", Lower("email"), name="suggested_stakeholder_once_per_account"
            )
        ]

    def __str__(self):
        return self.name or self.email


class PersonSignal(models.Model):
    """What the mail says about a stakeholder: may have left (an auto-reply or bounce said so;
    a CSM confirms, which marks them left, or dismisses) or going dark (used to answer, and has
    not answered our last CAPTURE_GOING_DARK_AFTER messages; it clears when they answer)."""

    class Kind(models.TextChoices):
        MAY_HAVE_LEFT = "may_have_left", "May have left"
        GOING_DARK = "going_dark", "Going dark"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"
        CLEARED = "cleared", "Cleared"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=13, choices=Kind.choices)
    state = models.CharField(max_length=9, choices=State.choices, default=State.OPEN)
    reason = models.CharField(max_length=200)
    raised_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["stakeholder", "kind"],
                condition=Q(state="open"),
                name="person_signal_one_open_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.stakeholder}: {self.get_kind_display()}"


class RepeatedRequest(models.Model):
    """A thread in which the customer asked the same thing again: once per thread, with the open
    item it opened."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    thread = models.CharField(max_length=255)
    open_item = models.ForeignKey(OpenItem, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "thread"], name="repeated_request_once")
        ]

    def __str__(self):
        return self.thread
