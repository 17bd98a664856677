"""People at the customer: rating scales and stakeholders."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from accounts.models import Account
from core.limits import DayRange
from core.models import CheckedInOneQuery, ExternallyKnown, Versioned
from relationships.people.orgchart import creates_cycle


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


class Stakeholder(ExternallyKnown, Versioned, CheckedInOneQuery):
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
    external_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The person's id in your CRM; imports match on it. Left empty, Rapport gives"
        " one (rapport-…).",
    )
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
