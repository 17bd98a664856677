"""Configuration of surveys in the admin: templates and their ordered questions; campaigns are
shown for inspection."""

from django.contrib import admin

from surveys.models import Campaign, Question, SurveyTemplate


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["position", "kind", "text", "help_text", "required", "scale"]
    ordering = ["position"]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuestionInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "template", "send_at", "created_by", "cancelled_at"]
    # Cancelling goes through the campaign page, which also stops the invitations.
    readonly_fields = [
        "created_by",
        "created_at",
        "chosen_accounts",
        "chosen_roles",
        "picked_stakeholders",
        "cancelled_at",
        "cancelled_by",
    ]
    search_fields = ["name"]

    def has_add_permission(self, request):
        return False  # created on the campaign page, which also invites the audience
