"""Who we serve and who serves them: users, teams and customer accounts.

`Account.objects.visible_to(user)` is the single access gate: every view that shows or changes
an account, or anything that belongs to one, starts from it.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


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

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CSM)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the configuration admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

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


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Accounts `user` may see: admins all, others those of the teams they are in or manage."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_accounts:
            return self.all()
        teams = Team.objects.filter(Q(members=user) | Q(manager=user)).values("pk")
        return self.filter(team__in=teams)


class Account(models.Model):
    """A customer account, owned by a CSM within a team."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_accounts")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="accounts")

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("account_detail", args=[self.pk])


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the periodic heartbeat task; shown by /healthz."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
