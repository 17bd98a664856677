"""The plumbing in the admin: the outbox, for inspection (what was sent, what waits, what failed
and why); webhook endpoints and chat hooks, registered here with their delivery log and a
"send test event" button (an endpoint's also a "rotate the signing secret" one); events and
notifications, for inspection."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from core.events import KIND_CHOICES, event_test_send
from core.mail.models import OutboundEmail
from core.models import ChatHook, Delivery, Event, Notification, WebhookEndpoint
from core.secrets import SecretUnreadable, encrypt
from core.webhooks import SECRET_OVERLAP, webhook_secret_rotate


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "message_id"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False


# --- events, webhooks, chat hooks and notifications (core.events, core.webhooks) ---------------


class EventsField(forms.MultipleChoiceField):
    """The kinds of event wanted, as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **options):
        super().__init__(choices=KIND_CHOICES, **options)


class WebhookEndpointForm(forms.ModelForm):
    events = EventsField(help_text="The kinds of event sent to this address.")

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "active"]


class DeliveryInline(admin.TabularInline):
    """The latest deliveries to this endpoint: the delivery log."""

    model = Delivery
    fk_name = "endpoint"
    fields = [
        "event",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "delivery log (latest 50)"

    def get_queryset(self, request):
        latest = Delivery.objects.filter(endpoint=OuterRef("endpoint")).order_by("-pk")[:50]
        return (
            super().get_queryset(request).filter(pk__in=latest.values("pk")).select_related("event")
        )


@admin.action(description="Send a test event")
def send_test_event(modeladmin, request, queryset):
    for target in queryset:
        if isinstance(target, WebhookEndpoint):
            event_test_send(endpoint=target)
        else:
            event_test_send(hook=target)
    modeladmin.message_user(
        request, f"A test event is on its way to {queryset.count()}: see the delivery log."
    )


class TestEventButton:
    """A "Send a test event" button on the change page (a POST to test/)."""

    change_form_template = "admin/core/change_form_test_event.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:pk>/test/",
                self.admin_site.admin_view(self.test_event_view),
                name=f"{name}_test",
            ),
            *super().get_urls(),
        ]

    def test_event_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        target = get_object_or_404(self.model, pk=pk)
        if not self.has_change_permission(request, target):
            raise PermissionDenied
        send_test_event(self, request, self.model.objects.filter(pk=pk))
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(reverse(name, args=[pk]))


@admin.action(description="Rotate the signing secret")
def rotate_signing_secret(modeladmin, request, queryset):
    endpoints = list(queryset)
    for endpoint in endpoints:
        webhook_secret_rotate(endpoint=endpoint)
    hours = int(SECRET_OVERLAP.total_seconds() // 3600)
    modeladmin.message_user(
        request,
        f"A new signing secret for {', '.join(map(str, endpoints))}, shown on the endpoint's "
        f"page for its receiver. For {hours} hours deliveries are signed with the old one too.",
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(TestEventButton, admin.ModelAdmin):
    form = WebhookEndpointForm
    change_form_template = "admin/core/webhookendpoint_change_form.html"
    list_display = ["__str__", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    readonly_fields = ["signing_secret_shown", "previous_secret_until", "created_at"]
    inlines = [DeliveryInline]
    actions = [send_test_event, rotate_signing_secret]

    def get_urls(self):
        return [
            path(
                "<int:pk>/rotate/",
                self.admin_site.admin_view(self.rotate_view),
                name="core_webhookendpoint_rotate",
            ),
            *super().get_urls(),
        ]

    def rotate_view(self, request, pk):
        """The change page's "Rotate the signing secret" button: back to the page, which shows
        the new secret."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        if not self.has_change_permission(request, endpoint):
            raise PermissionDenied
        rotate_signing_secret(self, request, WebhookEndpoint.objects.filter(pk=pk))
        return redirect(reverse("admin:core_webhookendpoint_change", args=[pk]))

    @admin.display(description="signing secret")
    def signing_secret_shown(self, endpoint) -> str:
        """What the receiver verifies signatures with (Standard Webhooks: whsec_...)."""
        if not endpoint.pk:
            return "Made when the endpoint is saved."
        try:
            return endpoint.signing_secret()
        except SecretUnreadable as error:
            return str(error)


class ChatHookForm(forms.ModelForm):
    """A team's (or a user's) chat hook: the incoming-webhook address is typed, stored
    encrypted and never shown; blank on a change keeps it."""

    address = forms.URLField(
        label="Incoming webhook address",
        max_length=500,
        assume_scheme="https",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Stored encrypted.",
    )
    events = EventsField(help_text="The kinds of event posted to this channel.")

    class Meta:
        model = ChatHook
        fields = ["kind", "name", "team", "user", "address", "events", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            field = self.fields["address"]
            field.required = False
            field.label = "Replace the incoming webhook address"
            field.help_text = "Leave blank to keep the stored one (it is never shown)."

    def save(self, commit=True):
        if address := self.cleaned_data.get("address"):
            self.instance.url = encrypt(address)
        return super().save(commit)


@admin.register(ChatHook)
class ChatHookAdmin(TestEventButton, admin.ModelAdmin):
    form = ChatHookForm
    list_display = ["__str__", "kind", "team", "user", "active", "created_at"]
    list_filter = ["kind", "active"]
    list_select_related = ["team", "user"]
    search_fields = ["name", "team__name", "user__email"]
    actions = [send_test_event]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("url")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log of every endpoint and chat hook."""

    list_display = [
        "event", "endpoint", "chat_hook", "state", "attempts", "last_status", "created_at",
        "delivered_at",
    ]  # fmt: skip
    list_filter = ["state", "endpoint"]
    list_select_related = ["event", "endpoint", "chat_hook"]
    search_fields = ["event__public_id", "event__kind"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["kind", "summary", "account_id", "occurred_at"]
    list_filter = ["kind"]
    search_fields = ["public_id", "summary"]
    readonly_fields = [field.name for field in Event._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "read_at"]
    list_select_related = ["event", "user"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
