from django import forms

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
