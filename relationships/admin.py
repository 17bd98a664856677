from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relationships.models import Scale, ScalePoint, Stakeholder


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
