from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.template.defaultfilters import pluralize
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Account, Competitor, Team, UsageSnapshot, User, WorkerHeartbeat
from accounts.services import status_changes_record
from accounts.signals import account_changed
from accounts.signin import signin_lockout_lift, signin_lockout_minutes
from core.versions import version_next


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "teams"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Sign-in", {"fields": ["signin_lockout"]}),
    ]
    readonly_fields = ["signin_lockout"]
    actions = ["lift_signin_lockout"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        )
    ]
    filter_horizontal = ["groups"]

    @admin.display(description="Sign-in lockout")
    def signin_lockout(self, user: User) -> str:
        minutes = signin_lockout_minutes(email=user.email)
        if minutes is None:
            return "Not locked"
        return (
            f"Locked after too many failed sign-ins, for {minutes} more minute{pluralize(minutes)}"
        )

    @admin.action(description="Lift the sign-in lockout", permissions=["change"])
    def lift_signin_lockout(self, request, queryset):
        users = list(queryset)
        for user in users:
            signin_lockout_lift(email=user.email)
        self.message_user(
            request, f"Sign-in lockout lifted for {len(users)} user{pluralize(users)}."
        )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["members"]


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class UsageInline(admin.TabularInline):
    model = UsageSnapshot
    extra = 0
    ordering = ["-period_start"]


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    """An edit is saved as a profile edit in the app is: it counts a version (a profile form
    drawn before it is refused) and sends `account_changed` (the scores are recomputed)."""

    list_display = ["name", "external_id", "owner", "team", "status", "renewal_date", "arr"]
    list_filter = ["team", "status", "segment", "single_threaded", "champion_left"]
    search_fields = ["name", "external_id", "domain"]
    list_select_related = ["owner", "team"]
    autocomplete_fields = ["owner", "team", "leading_competitor"]
    filter_horizontal = ["competitors"]
    readonly_fields = [
        "strong_relationships",
        "single_threaded",
        "no_decision_maker_coverage",
        "champion_left",
    ]
    inlines = [UsageInline]

    def save_model(self, request, obj, form, change):
        if change:
            version_next(obj)
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            status_changes_record({obj.pk: (form.initial["status"], obj.status)})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the usage rows among them
        if change:
            account_changed.send(sender=Account, account_ids=[form.instance.pk])


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at"]
    readonly_fields = ["worker", "seen_at"]

    def has_add_permission(self, request):
        return False  # written by the workers' heartbeat task
