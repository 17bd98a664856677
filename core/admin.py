"""The outbox in the admin, for inspection: what was sent, what waits, what failed and why."""

from django.contrib import admin

from core.mail.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "message_id"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False
