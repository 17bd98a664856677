"""Connecting a chat hook: the service and the address its incoming webhook gave, and the
events to hear about."""

from urllib.parse import urlsplit

from django import forms

from core.events import KIND_CHOICES
from core.models import ChatHook

# Where Slack's and Teams' incoming webhooks live: an address elsewhere is refused, so that a
# typed address cannot make the server call inside its own network.
CHAT_HOSTS = {
    ChatHook.Kind.SLACK: ("hooks.slack.com",),
    ChatHook.Kind.TEAMS: (".webhook.office.com", ".logic.azure.com", "outlook.office.com"),
}


def host_allowed(kind: str, host: str) -> bool:
    return any(
        host == allowed.lstrip(".") or (allowed.startswith(".") and host.endswith(allowed))
        for allowed in CHAT_HOSTS.get(kind, ())
    )


class ChatHookForm(forms.Form):
    kind = forms.ChoiceField(label="Service", choices=ChatHook.Kind.choices)
    name = forms.CharField(
        label="Name", max_length=100, required=False, help_text="The channel, say."
    )
    url = forms.URLField(
        label="Incoming webhook address",
        max_length=500,
        assume_scheme="https",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Stored encrypted and never shown again.",
    )
    events = forms.MultipleChoiceField(
        label="Tell me when", choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "chat-hook-%s")  # the preferences page has other forms
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        kind, url = cleaned.get("kind"), cleaned.get("url")
        if kind and url:
            parts = urlsplit(url)
            if parts.scheme != "https" or not host_allowed(kind, (parts.hostname or "").lower()):
                label = dict(ChatHook.Kind.choices)[kind]
                self.add_error("url", f"Not an address of {label}'s incoming webhooks.")
        return cleaned
