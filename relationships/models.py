"""The people at each customer, and the scales our relationship with them is measured on."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Account
from core.limits import DayRange, bounded_text, day_text
from core.models import Versioned
from relationships import gaps
from relationships.orgchart import creates_cycle


class Scale(models.Model):
    """An admin-configured scale with labelled points, such as the 1-5 relationship scale."""

    RELATIONSHIP = "relationship"
    HAPPINESS = "happiness"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ScalePoint(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="points")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="scale_point_unique_value")
        ]

    def __str__(self):
        return f"{self.value} – {self.label}"


class Stakeholder(Versioned):
    """A person at a customer account, with their influence and our relationship with them."""

    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", "Decision maker"
        ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
        EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
        CHAMPION = "champion", "Champion"
        USER = "user", "User"
        INFLUENCER = "influencer", "Influencer"
        BLOCKER = "blocker", "Blocker"

    class Influence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Rating(models.TextChoices):
        HIGH = "high", "High"
        LOW = "low", "Low"
        UNKNOWN = "", "Unknown"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEFT = "left", "Left the company"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stakeholders")
    external_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.USER)
    buying_influence = models.CharField(
        max_length=6, choices=Influence.choices, default=Influence.MEDIUM
    )
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="stakeholders_owned",
        verbose_name="our relationship owners",
    )
    relationship_since = models.DateField(null=True, blank=True, validators=[DayRange("today")])
    trust = models.CharField(max_length=4, choices=Rating.choices, blank=True, default="")
    respect = models.CharField(max_length=4, choices=Rating.choices, blank=True, default="")
    strength = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="The CSM's read of the relationship on the 1-5 relationship scale.",
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ACTIVE)
    reference_willing = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Willing to speak for us to prospects (a reference).",
    )

    # History rows carry no database constraint: simple-history makes every reference in them
    # a plain column, and the user who made the change is one too (the ORM still clears it when
    # a user is deleted). No index on the manager, nor on the person and user in the history of
    # owners: nothing looks history up by them. Each constraint and index costs every write of
    # the history, and an import of 100,000 people writes 100,000 of each.
    history = HistoricalRecords(
        m2m_fields=[owners],
        no_db_index=["reports_to", "stakeholder", "user"],
        user_db_constraint=False,
    )

    class Meta:
        ordering = ["account", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="stakeholder_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=1, strength__lte=5) | Q(strength__isnull=True),
                name="stakeholder_strength_1_5",
            ),
            models.UniqueConstraint(
                "account",
                Lower("email"),
                condition=~Q(email=""),
                name="stakeholder_email_unique_per_account",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self):
        """An email no one else at the account has (in any case); a manager at the same
        account, with no reporting cycle."""
        errors = {}
        if self.email and self.account_id:
            namesake = (
                Stakeholder.objects.filter(account_id=self.account_id, email__iexact=self.email)
                .exclude(pk=self.pk)
                .values_list("name", flat=True)
                .first()
            )
            if namesake is not None:
                errors["email"] = (
                    f"{namesake} at this account has this email already: each person needs an "
                    "email of their own, or none."
                )
        if self.reports_to_id is not None:
            errors.update(self._reporting_errors())
        if errors:
            raise ValidationError(errors)

    def _reporting_errors(self) -> dict[str, str]:
        if self.reports_to.account_id != self.account_id:
            return {"reports_to": "Must be a stakeholder of the same account."}
        managers = dict(
            Stakeholder.objects.filter(account_id=self.account_id).values_list(
                "pk", "reports_to_id"
            )
        )
        if creates_cycle(managers, node=self.pk, new_manager=self.reports_to_id):
            return {"reports_to": "This would make a reporting cycle in the org chart."}
        return {}


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


class ImportKeyed(models.Model):
    """Rows that CSV imports may write: `import_key` identifies the source row, so that
    re-importing a file updates in place instead of duplicating. Empty for rows from the UI."""

    import_key = models.CharField(max_length=64, blank=True, editable=False)

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


def _weight(default: str, help_text: str = ""):
    return models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=help_text,
    )


class ScoringConfiguration(models.Model):
    """One version of the scoring model's numbers (docs/scoring.md explains each).

    Versions are never edited: saving in the admin writes a new version, which becomes the one
    in use, and a full recompute follows. Every score says which version produced it.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=200, blank=True, help_text="What changed, and why.")
    weight_sentiment = _weight("0.25", "How interactions, moments and answers felt.")
    weight_channels = _weight("0.10", "Intimacy of the channels used (set per channel).")
    weight_engagement = _weight("0.20", "Recent contact against the person's own baseline.")
    weight_responsiveness = _weight("0.10", "How quickly they reply.")
    weight_open_items = _weight("0.10", "Open items, and how overdue they are.")
    weight_trust_respect = _weight("0.15", "Both high = 1, one = 0.5, none = 0.")
    weight_tenure = _weight("0.05", "How long the relationship has lasted.")
    weight_csm_rating = _weight("0.05", "The CSM's own 1-5 read.")
    half_life_days = models.PositiveIntegerField(
        default=90,
        validators=[MinValueValidator(1)],
        help_text="Age at which an event counts half.",
    )
    recent_days = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1)], help_text="The recent window."
    )
    baseline_days = models.PositiveIntegerField(
        default=180,
        validators=[MinValueValidator(1)],
        help_text="The window before the recent one that sets each person's baseline.",
    )
    response_target_hours = models.DecimalField(
        max_digits=6, decimal_places=1, default=Decimal("24"), validators=[MinValueValidator(1)]
    )
    open_item_grace_days = models.PositiveIntegerField(
        default=14, help_text="An open item without a due date is overdue after this many days."
    )
    tenure_full_years = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("3"), validators=[MinValueValidator(0.1)]
    )
    influence_high = _weight("0.60", "How much a high-influence person counts in the account.")
    influence_medium = _weight("0.35")
    influence_low = _weight("0.15")
    key_coverage_share = _weight(
        "0.40", "Share of the account score that is the best key-stakeholder relationship."
    )
    strong_at = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="A relationship scoring this or more counts as strong.",
    )
    single_threaded_penalty = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.50"), validators=[MinValueValidator(0)]
    )
    champion_left_penalty = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.30"), validators=[MinValueValidator(0)]
    )
    engagement_drop_ratio = _weight(
        "0.50", "Alert when recent contact falls below this share of the person's usual rate."
    )
    sentiment_drop = _weight("0.25", "Alert when recent feeling falls this much (0..1 scale).")
    score_drop = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0)],
        help_text="Alert when an account's score falls this much in 30 days.",
    )
    gap_threshold = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(2)],
        help_text="A gap is detected when the factors spread this much (on -1..+1).",
    )
    gap_side = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="A factor at or above +this is happy, at or below -this unhappy.",
    )
    voice_days = models.PositiveIntegerField(
        default=180,
        validators=[MinValueValidator(1)],
        help_text="What the customer said counts for this many days.",
    )
    pulse_max_age_days = models.PositiveIntegerField(
        default=180,
        validators=[MinValueValidator(1)],
        help_text="An older pulse check no longer tells the CSM's read.",
    )
    gap_close_margin = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(2)],
        help_text="The factors agree again (a case's gap has closed) only once their spread is "
        "this far below the threshold, so a gap near the threshold does not flicker.",
    )
    gap_reopen_days = models.PositiveIntegerField(
        default=60,
        help_text="A gap that comes back this soon after its case was resolved reopens it.",
    )

    class Meta:
        ordering = ["-pk"]
        get_latest_by = "pk"
        constraints = [
            models.CheckConstraint(
                condition=Q(gap_close_margin__lt=F("gap_threshold")),
                name="scoring_gap_close_margin_below_threshold",
                violation_error_message="The closing margin must be smaller than the gap "
                "threshold, or a gap could never close.",
            )
        ]

    def __str__(self):
        return f"Version {self.pk}" + (f": {self.note}" if self.note else "")

    @property
    def version(self) -> int:
        return self.pk or 0


class Snapshot(models.Model):
    """A score on one day, with everything needed to explain it. One row per subject and day:
    recomputing on the same day replaces it, so a recompute run twice leaves the same rows."""

    day = models.DateField()
    value = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    label = models.CharField(max_length=100, blank=True)
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    components = models.JSONField(
        default=dict, help_text="Per component: its value (0..1), weight and input count."
    )
    config_version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True


class StakeholderScore(Snapshot):
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="scores")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["stakeholder", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["stakeholder", "day"], name="stakeholder_score_day")
        ]
        indexes = [models.Index(fields=["account", "day"])]

    def __str__(self):
        return f"{self.stakeholder_id}: {self.value} on {self.day}"


def _factor(help_text: str):
    return models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True, help_text=help_text
    )


class AccountScore(Snapshot):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="scores")
    parts = models.JSONField(
        default=dict, help_text="Breadth, key coverage, penalties and flags behind the value."
    )
    customer_voice = _factor("What the customer says, -1..+1.")
    product_usage = _factor("Usage against its baseline and entitlement, -1..+1.")
    csm_perception = _factor("The CSM's latest pulse, fading with age, -1..+1.")
    gap_size = _factor("The spread between the known factors.")
    gap_class = models.CharField(max_length=30, blank=True)
    # The account's position, written only by relationships.positioning.
    customer_happiness = models.DecimalField(max_digits=4, decimal_places=3, null=True)
    company_happiness = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    quadrant = models.CharField(max_length=30, blank=True)
    quadrant_strength = models.DecimalField(max_digits=4, decimal_places=3, null=True)
    competitor_index = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    weakest_dimension = models.SlugField(blank=True)
    competitor_leads = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["account", "-day"]
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="account_score_day")]

    def __str__(self):
        return f"{self.account_id}: {self.value} on {self.day}"


class Alert(models.Model):
    """Something about an account that needs attention now, with the reason in words.

    Rewritten by every recompute of the account: a condition that no longer holds disappears;
    one that still holds keeps the time it was first seen.
    """

    class Kind(models.TextChoices):
        ENGAGEMENT_DROP = "engagement_drop", "Engagement dropped"
        SENTIMENT_DROP = "sentiment_drop", "Sentiment dropped"
        SCORE_DROP = "score_drop", "Score dropped"
        CHAMPION_LEFT = "champion_left", "Champion left"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="alerts")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=60, help_text="kind and stakeholder: one alert of each.")
    reason = models.TextField()
    first_seen = models.DateTimeField()

    class Meta:
        ordering = ["-first_seen"]
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="alert_unique_key")]

    def __str__(self):
        return self.reason


class RecomputeRequest(models.Model):
    """An account whose scores must be recomputed: written in the transaction that changed its
    data, deleted in the transaction that wrote its new scores. Bursts collapse into one row."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True)
    requested_at = models.DateTimeField()

    def __str__(self):
        return f"Recompute account {self.account_id}"


class GapClass(models.TextChoices):
    """The kinds of relationship gap (relationships.gaps); the values are export codes."""

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

    class Meta:
        ordering = ["playbook", "position", "pk"]

    def __str__(self):
        return self.text


class GapCase(Versioned):
    """One relationship gap at one account, worked from detection to resolution.

    At most one open case per account (a database constraint); detection creates, follows,
    reclassifies and reopens cases (relationships.gap_cases), people move them through the
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


class QuadrantSettings(models.Model):
    """The thresholds of the quadrant board (seed 004); one row, edited in the admin."""

    breakeven_margin = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text="Margin (ARR minus cost to serve, over ARR) at which an account breaks even.",
    )
    target_margin = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text="The margin we aim for: the top of the board.",
    )
    happiness_intersection = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text="Customer happiness (-1 walk-away angry … +1 gushing promoter) that divides "
        "happy from unhappy accounts.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "quadrant settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(target_margin__gt=F("breakeven_margin")),
                name="quadrant_target_above_breakeven",
            ),
            models.CheckConstraint(
                condition=Q(happiness_intersection__gte=-1, happiness_intersection__lte=1),
                name="quadrant_intersection_range",
            ),
        ]

    def __str__(self):
        return "Quadrant settings"

    def clean(self):
        if (
            self.target_margin is not None
            and self.breakeven_margin is not None
            and self.target_margin <= self.breakeven_margin
        ):
            raise ValidationError({"target_margin": "Must be above the breakeven margin."})

    @classmethod
    def current(cls) -> "QuadrantSettings":
        return cls.objects.order_by("pk").first() or cls()


class CompetitorDimension(models.Model):
    """A part of the relationship customers compare vendors on (sales, service, delivery, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CompetitorRating(ImportKeyed):
    """One stakeholder's view of us against a competitor on one dimension, on one day."""

    class Source(models.TextChoices):
        CSM = "csm", "CSM"
        SURVEY = "survey", "Survey"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="competitor_ratings"
    )
    competitor = models.ForeignKey(
        "accounts.Competitor", on_delete=models.PROTECT, related_name="ratings"
    )
    dimension = models.ForeignKey(
        CompetitorDimension, on_delete=models.PROTECT, related_name="ratings"
    )
    our_rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    their_rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_on = models.DateField(validators=[DayRange("today")])
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.CSM)

    class Meta:
        ordering = ["-rated_on", "-pk"]
        indexes = [models.Index(fields=["account", "rated_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(our_rating__gte=1, our_rating__lte=5), name="rating_ours_1_5"
            ),
            models.CheckConstraint(
                condition=Q(their_rating__gte=1, their_rating__lte=5), name="rating_theirs_1_5"
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="rating_import_key"
            ),
        ]

    def __str__(self):
        return f"{self.dimension}: us {self.our_rating}, {self.competitor} {self.their_rating}"


class CompetitorStanding(models.Model):
    """Per account, competitor and dimension: the influence-weighted index (ours - theirs).
    Rewritten only by relationships.positioning; the competitor view sums it by ARR."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="standings")
    competitor = models.ForeignKey(
        "accounts.Competitor", on_delete=models.CASCADE, related_name="standings"
    )
    dimension = models.ForeignKey(
        CompetitorDimension, on_delete=models.CASCADE, related_name="standings"
    )
    index = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "competitor", "dimension"], name="standing_unique"
            )
        ]

    def __str__(self):
        return f"{self.account_id} vs {self.competitor_id} on {self.dimension_id}: {self.index}"
