"""Who we serve and who serves them: users, teams and customer accounts.

`Account.objects.visible_to(user)` is the single access gate: every view that shows or changes
an account, or anything that belongs to one, starts from it.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from core.limits import DayRange, bounded_text, day_text
from core.models import CheckedInOneQuery, ExternallyKnown, Versioned


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Users log in by email: an email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on our side: a CSM, a manager or an admin. Logs in by email."""

    class Role(models.TextChoices):
        CSM = "csm", "CSM"
        MANAGER = "manager", "Manager"
        ADMIN = "admin", "Admin"

    class GapEmails(models.TextChoices):
        EACH = "each", "An email for each gap detected or reopened"
        DAILY = "daily", "One daily digest of them"
        OFF = "off", "No email"

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CSM)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the configuration admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    gap_emails = models.CharField(
        "gap emails",
        max_length=5,
        choices=GapEmails.choices,
        default=GapEmails.EACH,
        help_text="How to hear about relationship gaps on the accounts you own.",
    )
    gap_digest_on = models.DateField(
        null=True, blank=True, editable=False, help_text="When the last gap digest went out."
    )
    task_digest = models.BooleanField(
        "daily task digest",
        default=True,
        help_text="Email me each morning the tasks due today and overdue.",
    )
    task_digest_on = models.DateField(
        null=True, blank=True, editable=False, help_text="When the last task digest went out."
    )
    default_view = models.ForeignKey(
        "SavedView",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The saved view the account list opens with (its own or a teammate's shared).",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def sees_all_accounts(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def may_manage_accounts(self) -> bool:
        """Managers and admins create, archive and import accounts; CSMs do not."""
        return self.sees_all_accounts or self.role == self.Role.MANAGER

    @property
    def may_import(self) -> bool:
        """Managers and admins load CSV files; CSMs do not."""
        return self.may_manage_accounts


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    manager = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_teams"
    )
    members = models.ManyToManyField(User, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def includes(self, user) -> bool:
        return self.manager_id == user.pk or self.members.filter(pk=user.pk).exists()


def owner_rule(team_name: str) -> str:
    """Who may own an account of a team, as the account forms and the import say it."""
    return f"must be a member or the manager of team {team_name}"


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Accounts `user` may see: admins all, others those of the teams they are in or manage."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_accounts:
            return self.all()
        teams = Team.objects.filter(Q(members=user) | Q(manager=user)).values("pk")
        return self.filter(team__in=teams)


def derived_decimal(max_digits: int, decimal_places: int, **options) -> models.DecimalField:
    """A number the application computes and stores (never edited): unknown until computed."""
    return models.DecimalField(
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=True,
        blank=True,
        editable=False,
        **options,
    )


class Competitor(models.Model):
    """A vendor our customers also buy from or compare us with."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


POSITION_FIELDS = [
    "customer_happiness",
    "company_happiness",
    "quadrant",
    "quadrant_strength",
    "competitor_index",
    "weakest_dimension",
    "competitor_leads",
]
DERIVED_FIELDS = [
    "strong_relationships",
    "single_threaded",
    "no_decision_maker_coverage",
    "champion_left",
    "relationship_score",
    "relationship_label",
    "score_confidence",
    "score_trend_30d",
    "engagement_drop",
    "customer_voice",
    "product_usage",
    "csm_perception",
    "gap_size",
    "gap_class",
    *POSITION_FIELDS,
]


class Account(ExternallyKnown, Versioned, CheckedInOneQuery):
    """A customer account, owned by a CSM within a team. Archived instead of deleted."""

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        AT_RISK = "at_risk", "At risk"
        CHURNED = "churned", "Churned"
        ARCHIVED = "archived", "Archived"

    external_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The account's id in your CRM; imports match on it. Left empty, Rapport gives"
        " one (rapport-…).",
    )
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=200, blank=True)
    segment = models.CharField(max_length=50, blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_accounts")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="accounts")
    customer_since = models.DateField(null=True, blank=True, validators=[DayRange("today")])
    renewal_date = models.DateField(null=True, blank=True, validators=[DayRange("planned")])
    arr = models.DecimalField(
        "ARR",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Annual recurring revenue.",
    )
    cost_to_serve = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Yearly cost of serving this account.",
    )
    seats_purchased = models.PositiveIntegerField(null=True, blank=True)
    share_of_wallet = models.DecimalField(
        "share of wallet (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    notes = bounded_text()
    competitors = models.ManyToManyField(Competitor, blank=True, related_name="accounts")
    leading_competitor = models.ForeignKey(
        Competitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The competitor this customer sees as the leader of the category.",
    )
    # Stakeholder coverage, written only by relationships.people.services.coverage_refresh.
    strong_relationships = models.PositiveIntegerField(default=0, editable=False)
    single_threaded = models.BooleanField(default=True, editable=False)
    no_decision_maker_coverage = models.BooleanField(default=True, editable=False)
    champion_left = models.BooleanField(default=False, editable=False)
    # The current relationship score: written only by the recompute (from snapshots).
    relationship_score = derived_decimal(4, 2)
    relationship_label = models.CharField(max_length=100, blank=True, editable=False)
    score_confidence = derived_decimal(4, 3)
    score_trend_30d = derived_decimal(4, 2, help_text="Change of the score over the last 30 days.")
    engagement_drop = models.BooleanField(default=False, editable=False)
    # The relationship gap's factors (-1..+1) and class, also written only by the recompute.
    customer_voice = derived_decimal(4, 3)
    product_usage = derived_decimal(4, 3)
    csm_perception = derived_decimal(4, 3)
    gap_size = derived_decimal(4, 3)
    gap_class = models.CharField(max_length=30, blank=True, editable=False)
    # The current position (quadrant and competitors): written only by positioning services.
    customer_happiness = derived_decimal(4, 3)
    company_happiness = derived_decimal(8, 3, help_text="Margin of ARR over the cost to serve.")
    quadrant = models.CharField(
        max_length=30, blank=True, default="", db_default="", editable=False
    )
    quadrant_strength = derived_decimal(4, 3)
    competitor_index = derived_decimal(4, 2)
    weakest_dimension = models.SlugField(blank=True, default="", db_default="", editable=False)
    competitor_leads = models.CharField(
        max_length=300, blank=True, default="", db_default="", editable=False,
        help_text="Dimension slugs, ';'-separated.",
    )  # fmt: skip

    # Like every reference in a history row, the user who made the change is a plain column,
    # not a database constraint (see Stakeholder.history).
    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS, user_db_constraint=False)
    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="account_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(share_of_wallet__gte=0, share_of_wallet__lte=100)
                | Q(share_of_wallet__isnull=True),
                name="account_share_of_wallet_0_100",
            ),
            models.CheckConstraint(
                condition=Q(arr__gte=0) | Q(arr__isnull=True), name="account_arr_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cost_to_serve__gte=0) | Q(cost_to_serve__isnull=True),
                name="account_cost_to_serve_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(renewal_date__gte=F("customer_since"))
                | Q(renewal_date__isnull=True)
                | Q(customer_since__isnull=True),
                name="account_renewal_not_before_customer_since",
            ),
        ]
        indexes = [models.Index(fields=["team", "name"]), models.Index(fields=["renewal_date"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("account_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def clean(self):
        """The owner is in the account's team; the renewal is not before "customer since"."""
        errors = {}
        if self.team_id and self.owner_id and not self.team.includes(self.owner):
            errors["owner"] = f"{capfirst(owner_rule(self.team.name))}."
        since, renewal = self.customer_since, self.renewal_date
        if since and renewal and renewal < since:
            errors["renewal_date"] = f"On or after the customer-since date, {day_text(since)}."
        if errors:
            raise ValidationError(errors)


class UsageSnapshot(models.Model):
    """Product usage of an account over one period (a week or a month)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="usage")
    period_start = models.DateField()
    active_users = models.PositiveIntegerField(null=True, blank=True)
    usage_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    features_used = models.PositiveIntegerField(null=True, blank=True)
    features_available = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["account", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_start"], name="usage_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(features_used__lte=F("features_available"))
                | Q(features_used__isnull=True)
                | Q(features_available__isnull=True),
                name="usage_features_used_within_available",
            ),
        ]

    def __str__(self):
        return f"{self.account} usage from {self.period_start}"


class SavedView(models.Model):
    """A named set of the account list's filters and sort, kept as the query string the filter
    form reads (and reads again on each use: what it names may be gone by then). Its owner
    renames, shares or deletes it; a shared view shows in the picker of the owner's teammates,
    who may open it and make it their default, but not change it."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    query = models.CharField(
        max_length=1000, blank=True, help_text="The account list's query string: filters, sort."
    )
    shared = models.BooleanField(default=False, help_text="Teammates see it in their picker.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="saved_view_name_unique_per_owner"
            )
        ]

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the periodic heartbeat task; shown by /healthz."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
