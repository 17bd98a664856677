"""Personal API tokens in the admin: to see who has which and when each was last used, and to
revoke them (their users create them on their preferences page; the secret is nowhere here)."""

from django.contrib import admin

from api.models import ApiToken
from api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name", "user", "prefix", "read_only", "expires_at", "revoked_at", "last_used_at",
        "created_at",
    ]  # fmt: skip
    list_filter = ["read_only"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = [
        "user", "name", "prefix", "read_only", "expires_at", "revoked_at", "last_used_at",
        "created_at",
    ]  # fmt: skip
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
