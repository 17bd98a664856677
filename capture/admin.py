"""Capture in the configuration admin: every mailbox and calendar feed with how its reading goes
(health, last read, last error), the touchpoint keyword map, and what capture found (read-only:
captured messages and repeated requests; suggestions and signals can be decided here too).
A secret is never shown: a password field replaces it, encrypted on save."""

from django import forms
from django.contrib import admin
from django.core.validators import URLValidator
from django.template.defaultfilters import truncatechars

from capture.models import (
    CalendarFeed,
    CapturedMessage,
    Mailbox,
    MailboxFolder,
    PersonSignal,
    RepeatedRequest,
    SuggestedStakeholder,
    TouchpointKeyword,
)
from core.queue import enqueue_on_commit
from core.secrets import encrypt

SOURCE_STATE = ["health", "last_synced_at", "last_error", "progress_done", "progress_total"]


class SecretField(forms.CharField):
    """A secret typed into the admin: a password input, never filled in; on a change, blank
    keeps the stored secret."""

    def __init__(self, **options):
        options.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": "new-password"}))
        super().__init__(strip=False, **options)


class FeedAddressField(forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https", "webcal", "webcals"])]

    def __init__(self, **options):
        options.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": "new-password"}))
        super().__init__(assume_scheme="https", **options)


class SourceForm(forms.ModelForm):
    """A mailbox's or a feed's change form, with `new_secret`, the encrypted field it
    replaces (`secret_field`): required on add, kept when left blank on a change."""

    secret_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            field = self.fields["new_secret"]
            field.required = False
            field.label = f"Replace {field.label.lower()}"
            field.help_text = "Leave blank to keep the stored one (it is never shown)."

    def save(self, commit=True):
        if secret := self.cleaned_data.get("new_secret"):
            setattr(self.instance, self.secret_field, encrypt(secret))
        return super().save(commit)


class MailboxForm(SourceForm):
    secret_field = "secret"
    new_secret = SecretField(label="App password or token", help_text="Stored encrypted.")

    class Meta:
        model = Mailbox
        fields = [
            "name", "owner", "is_bcc_log", "host", "port", "use_tls", "username", "auth",
            "new_secret", "excluded", "paused",
        ]  # fmt: skip


class CalendarFeedForm(SourceForm):
    secret_field = "url"
    new_secret = FeedAddressField(
        label="Calendar address", help_text="The secret ICS address; stored encrypted."
    )

    class Meta:
        model = CalendarFeed
        fields = ["name", "owner", "new_secret", "paused"]


@admin.display(description="last error")
def last_error_short(source) -> str:
    return truncatechars(source.last_error, 80)


class MailboxFolderInline(admin.TabularInline):
    model = MailboxFolder
    fields = ["name", "uidvalidity", "last_uid"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "name", "owner", "is_bcc_log", "health", "paused", "last_synced_at", last_error_short,
    ]  # fmt: skip
    list_filter = ["health", "paused", "is_bcc_log"]
    search_fields = ["name", "username", "host", "owner__email"]
    list_select_related = ["owner"]
    readonly_fields = [*SOURCE_STATE, "created_at"]
    inlines = [MailboxFolderInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("secret")

    def save_model(self, request, obj, form, change):
        """A new mailbox, or a new secret, is read once saved."""
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("new_secret") and not obj.paused:
            enqueue_on_commit("capture.sync_mailbox", mailbox_id=obj.pk)


@admin.register(MailboxFolder)
class MailboxFolderAdmin(admin.ModelAdmin):
    """Where reading each folder stopped. Clearing its UIDVALIDITY has the folder read again
    from the backfill date (nothing is stored twice)."""

    list_display = ["name", "mailbox", "uidvalidity", "last_uid"]
    list_select_related = ["mailbox"]
    readonly_fields = ["mailbox", "name"]
    fields = ["mailbox", "name", "uidvalidity", "last_uid"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("mailbox__secret")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    form = CalendarFeedForm
    list_display = ["name", "owner", "health", "paused", "last_synced_at", last_error_short]
    list_filter = ["health", "paused"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    readonly_fields = [*SOURCE_STATE, "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("url")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("new_secret") and not obj.paused:
            enqueue_on_commit("capture.sync_calendar", feed_id=obj.pk)


@admin.register(TouchpointKeyword)
class TouchpointKeywordAdmin(admin.ModelAdmin):
    """The keyword map: a word in a captured subject gives the interaction its touchpoint."""

    list_display = ["keyword", "touchpoint"]
    list_select_related = ["touchpoint"]
    search_fields = ["keyword"]


class FoundByCapture(admin.ModelAdmin):
    """Rows capture writes from what it reads: not added by hand."""

    def has_add_permission(self, request):
        return False


@admin.register(CapturedMessage)
class CapturedMessageAdmin(FoundByCapture):
    list_display = ["sent_at", "account", "kind", "origin", "direction", "subject", "sentiment"]
    list_filter = ["kind", "origin", "direction", "hidden", "corrected"]
    search_fields = ["subject", "sender", "account__name", "message_id"]
    list_select_related = ["account"]
    date_hierarchy = "sent_at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RepeatedRequest)
class RepeatedRequestAdmin(FoundByCapture):
    list_display = ["account", "thread", "open_item", "found_at"]
    list_select_related = ["account", "open_item"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SuggestedStakeholder)
class SuggestedStakeholderAdmin(FoundByCapture):
    list_display = ["email", "name", "account", "messages", "last_seen", "state"]
    list_filter = ["state"]
    search_fields = ["email", "name", "account__name"]
    list_select_related = ["account"]
    raw_id_fields = ["account", "stakeholder"]


@admin.register(PersonSignal)
class PersonSignalAdmin(FoundByCapture):
    list_display = ["stakeholder", "account", "kind", "state", "reason", "raised_at"]
    list_filter = ["kind", "state"]
    search_fields = ["stakeholder__name", "account__name"]
    list_select_related = ["stakeholder", "account"]
    raw_id_fields = ["account", "stakeholder"]
