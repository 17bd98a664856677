"""What happens with the customer: catalogs (channels, touchpoints, moment types),
interactions, open items, moments and pulse checks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Account
from core.limits import DayRange, bounded_text, day_text
from core.models import CheckedInOneQuery
from relationships.models.people import Stakeholder


class Channel(models.Model):
    """How we communicate (admin catalog). Intimacy: how much using it says about closeness."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=50)
    intimacy = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 (says nothing about closeness) to 1 (only close relationships use it).",
    )

    class Meta:
        ordering = ["intimacy", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intimacy__gte=0, intimacy__lte=1), name="channel_intimacy_0_1"
            )
        ]

    def __str__(self):
        return self.name


class Touchpoint(models.Model):
    """Where in the customer's journey we meet them: sales, service, delivery, billing, ..."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MomentType(models.Model):
    """A kind of moment with emotion attached (go-live, outage, first invoice, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="moment_types"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportKeyed(CheckedInOneQuery):
    """Rows that CSV imports may write: `import_key` identifies the source row, so that
    re-importing a file updates in place instead of duplicating. Empty for rows from the UI.
    `updated_at` is when the row was last written (the API's `updated_since`): every writer
    sets it, the bulk ones (core.db.bulk) and an `.update()` too."""

    import_key = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Interaction(ImportKeyed):
    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound (they reached out)"
        OUTBOUND = "outbound", "Outbound (we reached out)"

    class Verbosity(models.TextChoices):
        SHORT = "short", "Short"
        NORMAL = "normal", "Normal"
        LONG = "long", "Long"

    class Source(models.TextChoices):
        LOGGED = "", "Logged"
        EMAIL = "email", "Captured from email"
        MEETING = "meeting", "Captured from a calendar"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="interactions")
    occurred_at = models.DateTimeField(validators=[DayRange("now")])
    stakeholders = models.ManyToManyField(Stakeholder, related_name="interactions")
    our_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="interactions")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="interactions"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    sentiment = models.SmallIntegerField(
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
        help_text="-2 very negative … +2 very positive.",
    )
    verbosity = models.CharField(max_length=6, choices=Verbosity.choices, default=Verbosity.NORMAL)
    response_hours = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="For a reply: hours it took.",
    )
    summary = bounded_text()
    source = models.CharField(
        max_length=7,
        choices=Source.choices,
        blank=True,
        default=Source.LOGGED,
        db_default=Source.LOGGED,
        editable=False,
        help_text="Logged by a person, or captured from mail or a calendar (capture app).",
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["account", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentiment__gte=-2, sentiment__lte=2), name="interaction_sentiment_range"
            ),
            models.CheckConstraint(
                condition=Q(response_hours__gte=0) | Q(response_hours__isnull=True),
                name="interaction_response_hours_not_negative",
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="interaction_import_key"
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.channel} on {self.occurred_at:%Y-%m-%d}"


class OpenItem(ImportKeyed):
    class Kind(models.TextChoices):
        UNANSWERED_EMAIL = "unanswered_email", "Unanswered email"
        TICKET = "ticket", "Ticket"
        FEATURE_REQUEST = "feature_request", "Feature request"
        PROMISE = "promise", "Promise"
        REPEATED_REQUEST = "repeated_request", "Repeated request"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="open_items")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="open_items"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    opened_on = models.DateField(validators=[DayRange("today")])
    due_on = models.DateField(null=True, blank=True, validators=[DayRange("planned")])
    closed_on = models.DateField(null=True, blank=True, validators=[DayRange("today")])

    class Meta:
        ordering = ["-opened_on"]
        indexes = [models.Index(fields=["account", "-opened_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__gte=F("opened_on")) | Q(closed_on__isnull=True),
                name="open_item_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opened_on")) | Q(due_on__isnull=True),
                name="open_item_due_after_opened",
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="open_item_import_key"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self):
        """Due and closed on or after the day the item was opened."""
        if self.opened_on is None:
            return
        rule = f"On or after the day it was opened, {day_text(self.opened_on)}."
        errors = {
            name: rule
            for name in ("due_on", "closed_on")
            if getattr(self, name) is not None and getattr(self, name) < self.opened_on
        }
        if errors:
            raise ValidationError(errors)


class Moment(ImportKeyed):
    """An occurrence with emotion attached, where value was created or destroyed (seed 002)."""

    class Emotion(models.TextChoices):
        DELIGHTED = "delighted", "Delighted"
        MET = "met", "Met expectations"
        MISSED = "missed", "Missed expectations"
        ENRAGED = "enraged", "Enraged"

    class Impact(models.TextChoices):
        CREATED = "created", "Value created"
        DESTROYED = "destroyed", "Value destroyed"
        NONE = "", "Not known"

    class IdentifiedBy(models.TextChoices):
        CSM = "csm", "CSM"
        CUSTOMER = "customer", "Customer"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="moments")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="moments"
    )
    moment_type = models.ForeignKey(MomentType, on_delete=models.PROTECT, related_name="moments")
    occurred_on = models.DateField(validators=[DayRange("today")])
    emotion = models.CharField(max_length=10, choices=Emotion.choices)
    intensity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    value_impact = models.CharField(max_length=9, choices=Impact.choices, blank=True, default="")
    value_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Optional: how much value, in the account's currency.",
    )
    identified_by = models.CharField(
        max_length=8, choices=IdentifiedBy.choices, default=IdentifiedBy.CSM
    )
    note = bounded_text()

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["account", "-occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__gte=1, intensity__lte=3), name="moment_intensity_1_3"
            ),
            models.CheckConstraint(
                condition=Q(value_amount__gte=0) | Q(value_amount__isnull=True),
                name="moment_value_amount_not_negative",
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="moment_import_key"
            ),
        ]

    def __str__(self):
        return f"{self.moment_type} on {self.occurred_on}"

    def clean(self):
        """An amount says whether value was created or destroyed."""
        if self.value_amount is not None and not self.value_impact:
            raise ValidationError(
                {"value_impact": "Say whether the amount was created or destroyed."}
            )


class PulseCheck(ImportKeyed):
    """The CSM's own read of the customer's happiness, on the happiness scale (seed 004)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="pulse_checks")
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pulse_checks"
    )
    checked_on = models.DateField(validators=[DayRange("today")])
    happiness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = bounded_text()

    class Meta:
        ordering = ["-checked_on"]
        indexes = [models.Index(fields=["account", "-checked_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(happiness__gte=1, happiness__lte=5), name="pulse_happiness_1_5"
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="pulse_import_key"
            ),
        ]

    def __str__(self):
        return f"Pulse {self.happiness} on {self.checked_on}"


class StatedFeeling(models.Model):
    """How a stakeholder said they feel, in their own words, on 0 (unhappy) to 1 (happy): today
    a survey's scale or NPS answer. Written through `relationships.activity.voice`; counts in
    the sentiment component and in the gap model's customer voice."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="stated_feelings"
    )
    stated_on = models.DateField()
    feeling = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])

    class Meta:
        ordering = ["account", "stated_on", "pk"]
        indexes = [models.Index(fields=["account", "stated_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(feeling__gte=0, feeling__lte=1), name="stated_feeling_0_1"
            )
        ]

    def __str__(self):
        return f"{self.stakeholder} felt {self.feeling:.2f} on {self.stated_on}"


class FeedbackItem(models.Model):
    """What a customer told us in their own words: the feedback loop (seed 004) asks us to
    acknowledge it and act on it, and keeps the dates. Written through
    `relationships.activity.voice` (today from a survey's free-text answer, which the survey
    links in its own `FeedbackSource`); the table keeps its first app's name."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="feedback_items")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    text = models.TextField()
    received_on = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acted_on = models.DateField(null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_note = models.TextField(blank=True)

    class Meta:
        db_table = "surveys_feedbackitem"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_on__gte=F("received_on"))
                | Q(acknowledged_on__isnull=True),
                name="feedback_acknowledged_after_received",
            ),
            models.CheckConstraint(
                condition=Q(acted_on__isnull=True) | Q(acknowledged_on__isnull=False),
                name="feedback_acted_after_acknowledged",
            ),
        ]

    def __str__(self):
        return self.text[:60]
