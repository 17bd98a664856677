"""The forms of capture's screens. They check the shape of what is typed; the services
(capture.services, capture.decisions) decide and write, and a refusal they raise comes back on
the form's fields (`refusal_add`)."""

from django import forms
from django.core.exceptions import ValidationError

from capture.models import CalendarFeed, Mailbox
from core.idempotency import SubmissionKeyForm


def _model_field(model, name: str, **options) -> forms.Field:
    return model._meta.get_field(name).formfield(**options)


class SecretInput(forms.PasswordInput):
    """A secret is typed, never shown again: the input is always blank."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})})


class MailboxForm(SubmissionKeyForm):
    """Connect a mailbox, or change one (`editing`: a blank secret keeps the stored one).
    Admins may make a new mailbox the team's BCC-to-log mailbox (`bcc_allowed`)."""

    name = _model_field(Mailbox, "name")
    host = _model_field(Mailbox, "host", help_text="The IMAP server, such as imap.example.com.")
    port = forms.IntegerField(min_value=1, max_value=65535, initial=993)
    use_tls = _model_field(Mailbox, "use_tls")
    username = _model_field(Mailbox, "username", label="User name")
    auth = _model_field(Mailbox, "auth", label="Sign in with")
    secret = forms.CharField(
        label="App password or token",
        max_length=4000,
        strip=False,
        widget=SecretInput,
        help_text="Stored encrypted and never shown again.",
    )
    excluded = _model_field(
        Mailbox, "excluded", label="Never capture", widget=forms.Textarea(attrs={"rows": 3})
    )
    is_bcc_log = forms.BooleanField(
        label="This is the team's BCC-to-log mailbox (no owner)",
        required=False,
        help_text="What anyone BCCs to it is logged for whoever sent it.",
    )

    def __init__(self, *args, editing: bool = False, bcc_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:  # an edit is the same whenever it is sent again: no one-time key
            del self.fields["submission_key"]
            self.fields["secret"].required = False
            self.fields["secret"].help_text = "Leave blank to keep the stored one."
        if editing or not bcc_allowed:
            del self.fields["is_bcc_log"]


class CalendarFeedForm(SubmissionKeyForm):
    """Add a calendar published as an ICS address, or change one (`editing`: a blank address
    keeps the stored one)."""

    name = _model_field(CalendarFeed, "name")
    url = forms.CharField(
        label="Calendar address (ICS)",
        max_length=2000,
        widget=SecretInput,
        help_text="The secret address your calendar publishes (https:// or webcal://); stored "
        "encrypted and never shown again.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["submission_key"]
            self.fields["url"].required = False
            self.fields["url"].help_text = "Leave blank to keep the stored address."


SENTIMENTS = [
    (2, "+2 very positive"),
    (1, "+1 positive"),
    (0, "0 neutral"),
    (-1, "−1 negative"),
    (-2, "−2 very negative"),
]


class SentimentForm(forms.Form):
    sentiment = forms.TypedChoiceField(label="Sentiment", choices=SENTIMENTS, coerce=int)


def refusal_add(form: forms.Form, refusal: ValidationError) -> None:
    """Put a service's refusal on the form: on the fields it names, the rest above the form."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for name, errors in refusal.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
