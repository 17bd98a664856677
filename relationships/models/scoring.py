"""Relationship scores: the scoring configuration, daily snapshots, alerts and the
recompute requests."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account
from relationships.models.people import Stakeholder


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

    A version is in use once adopted (`adopted_at`); the newest adopted one is the one in use.
    A version is adopted when it is written, except one that `fit_scoring` proposes (written
    with `adopted_at=None`), which waits for an admin to adopt it in the admin.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    adopted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        default=timezone.now,
        help_text="When it was put in use; empty while it is only proposed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=200, blank=True, help_text="What changed, and why.")
    weight_sentiment = _weight("0.15", "Observed: how interactions, moments and answers felt.")
    weight_channels = _weight("0.15", "Observed: contact weighted by its channel's intimacy.")
    weight_engagement = _weight("0.15", "Observed: recent contact, warm counts more, cold against.")
    weight_responsiveness = _weight("0.20", "Observed: contact they start, replies by speed.")
    weight_open_items = _weight("0.10", "Observed: open items take away up to this share.")
    weight_trust_respect = _weight("0.15", "Reported: both high = 1, one = 0.5, none = 0.")
    weight_tenure = _weight("0.05", "Observed: how long the relationship has lasted.")
    weight_csm_rating = _weight("0.05", "Reported: the CSM's own 1-5 read.")
    half_life_days = models.PositiveIntegerField(
        default=180,
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
    reported_cap = _weight(
        "0.25",
        "The most the CSM's read (trust, respect, rating, pulse checks) can move a score, "
        "half of it either way.",
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

    @property
    def proposed(self) -> bool:
        return self.adopted_at is None


class ScoringEvaluation(models.Model):
    """How well a configuration version's score told strong from weak relationships, against
    the labels the organisation had then (`relationships.scoring.evaluation` writes it)."""

    class Kind(models.TextChoices):
        CURRENT = "current", "Weights as configured"
        FITTED = "fitted", "Weights fitted to the labels"

    configuration = models.ForeignKey(
        ScoringConfiguration, on_delete=models.CASCADE, related_name="evaluations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    folds = models.PositiveSmallIntegerField()
    strong_labels = models.PositiveIntegerField()
    weak_labels = models.PositiveIntegerField()
    accuracy = models.FloatField(help_text="Share told apart right at the best cut, k-fold.")
    roc_auc = models.FloatField(help_text="Chance a strong person scores above a weak one.")
    calibration = models.JSONField(
        default=list, help_text="Per score band: labelled people and the share of strong ones."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.configuration}: {self.accuracy:.1%}"


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
    # No index of their own: the unique (stakeholder, day) and the (account, day) index lead
    # with them, and each index costs every snapshot written.
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)

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
    # No index of its own: the unique (account, day) leads with it.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    parts = models.JSONField(
        default=dict, help_text="Breadth, key coverage, penalties and flags behind the value."
    )
    customer_voice = _factor("What the customer says, -1..+1.")
    product_usage = _factor("Usage against its baseline and entitlement, -1..+1.")
    csm_perception = _factor("The CSM's latest pulse, fading with age, -1..+1.")
    gap_size = _factor("The spread between the known factors.")
    gap_class = models.CharField(max_length=30, blank=True)
    # The account's position, written only by relationships.positioning.services.
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
    # How people work it (relationships.work.services): kept by the recompute, which rewrites
    # only the reason of an alert that still holds and deletes one that no longer does.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts_assigned",
    )
    snoozed_until = models.DateField(null=True, blank=True)
    dismissed_reason = models.CharField(max_length=500, blank=True, default="")
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_seen"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="alert_unique_key"),
            models.CheckConstraint(
                condition=Q(dismissed_at__isnull=True) | ~Q(dismissed_reason=""),
                name="alert_dismissed_with_reason",
            ),
        ]

    def __str__(self):
        return self.reason


class RecomputeRequest(models.Model):
    """An account whose scores must be recomputed: written in the transaction that changed its
    data, deleted in the transaction that wrote its new scores. Bursts collapse into one row."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True)
    requested_at = models.DateTimeField()

    def __str__(self):
        return f"Recompute account {self.account_id}"
