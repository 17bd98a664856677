from django import forms

from accounts.models import User
from desk.day import csms_for
from desk.selectors import KIND_CHOICES


class SearchForm(forms.Form):
    """The search box and the kind filter of /search/: a GET form, so what it cannot read it
    ignores."""

    q = forms.CharField(required=False, label="Search", strip=True)
    kind = forms.ChoiceField(
        choices=[("", "Everything"), *KIND_CHOICES], required=False, label="Kind"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "type": "search", "autocomplete": "off"}
        )
        self.fields["kind"].widget.attrs["class"] = "form-select"

    def cleaned_query(self) -> dict:
        """The query and the kind, each empty when it cannot be read."""
        self.is_valid()
        return {"q": self.cleaned_data.get("q") or "", "kind": self.cleaned_data.get("kind") or ""}


class DayFilterForm(forms.Form):
    """My day's one filter, for a manager: whose day (a CSM of their teams), or the whole team's
    when empty. A GET form: a value it cannot read is ignored."""

    csm = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Whose day", empty_label="My team"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["csm"].queryset = csms_for(user)
        self.fields["csm"].widget.attrs["class"] = "form-select form-select-sm"

    def cleaned_csm(self) -> User | None:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("csm")
