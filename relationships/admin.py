from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relationships.models import (
    Channel,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Scale,
    ScalePoint,
    Stakeholder,
    Touchpoint,
)


class ScalePointInline(admin.TabularInline):
    model = ScalePoint
    extra = 0


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [ScalePointInline]


@admin.register(Stakeholder)
class StakeholderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "account", "role", "buying_influence", "strength", "status"]
    list_filter = ["role", "buying_influence", "status", "trust", "respect"]
    search_fields = ["name", "email", "external_id", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account", "reports_to"]
    filter_horizontal = ["owners"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "intimacy"]
    list_editable = ["intimacy"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MomentType)
class MomentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "touchpoint"]
    list_filter = ["touchpoint"]
    prepopulated_fields = {"slug": ["name"]}


class AccountActivityAdmin(admin.ModelAdmin):
    """Activity rows are kept by CSMs in the app; the admin is for looking and fixing."""

    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    search_fields = ["account__name"]


@admin.register(Interaction)
class InteractionAdmin(AccountActivityAdmin):
    list_display = ["occurred_at", "account", "channel", "touchpoint", "direction", "sentiment"]
    list_filter = ["channel", "touchpoint", "direction", "sentiment"]
    date_hierarchy = "occurred_at"
    autocomplete_fields = ["account", "stakeholders", "our_person"]


@admin.register(OpenItem)
class OpenItemAdmin(AccountActivityAdmin):
    list_display = ["title", "account", "kind", "opened_on", "due_on", "closed_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["account", "stakeholder"]


@admin.register(Moment)
class MomentAdmin(AccountActivityAdmin):
    list_display = ["occurred_on", "account", "moment_type", "emotion", "value_impact"]
    list_filter = ["moment_type", "emotion", "value_impact", "identified_by"]
    autocomplete_fields = ["account", "stakeholder"]


@admin.register(PulseCheck)
class PulseCheckAdmin(AccountActivityAdmin):
    list_display = ["checked_on", "account", "csm", "happiness"]
    list_filter = ["happiness"]
    autocomplete_fields = ["account", "csm"]
