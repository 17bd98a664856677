"""The form that creates a personal API token on the preferences page."""

import datetime as dt

from django import forms
from django.utils import timezone

from core.limits import EARLIEST_DAY, LATEST_PLANNED_DAY


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for: the CRM sync, the warehouse, …"
    )
    read_only = forms.BooleanField(
        required=False, label="Read only", help_text="It may read, never write."
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires after",
        help_text="The last day it works; empty: until you revoke it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "api-token-%s")  # the preferences page has other forms
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].widget.attrs.update(
            min=today.isoformat(), max=LATEST_PLANNED_DAY.isoformat()
        )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and not (
            max(EARLIEST_DAY, timezone.localdate()) <= day <= LATEST_PLANNED_DAY
        ):
            raise forms.ValidationError("Between today and 31 Dec 2099.")
        return day

    def token_fields(self) -> dict:
        """What api_token_create takes: the expiry is the end of the last day, local time."""
        data = self.cleaned_data
        expires_at = None
        if data["expires_on"] is not None:
            next_day = data["expires_on"] + dt.timedelta(days=1)
            expires_at = timezone.make_aware(dt.datetime.combine(next_day, dt.time()))
        return {"name": data["name"], "read_only": data["read_only"], "expires_at": expires_at}
