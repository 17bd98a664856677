"""Where an account stands: quadrant thresholds, competitor dimensions, ratings and
standings."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Account
from core.limits import DayRange
from relationships.models.activity import ImportKeyed
from relationships.models.people import Stakeholder


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
    Rewritten only by relationships.positioning.services; the competitor view sums it by ARR."""

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
