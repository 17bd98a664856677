"""The stakeholder form used inline on the account page."""

from django import forms

from accounts.models import Team
from accounts.selectors import users_of_teams
from relationships.models import Stakeholder


class StakeholderForm(forms.ModelForm):
    strength = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Relationship strength"
    )

    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "title",
            "email",
            "role",
            "buying_influence",
            "reports_to",
            "owners",
            "relationship_since",
            "trust",
            "respect",
            "strength",
            "status",
        ]
        widgets = {
            "relationship_since": forms.DateInput(attrs={"type": "date"}),
            "owners": forms.SelectMultiple(attrs={"size": 3}),
        }

    def __init__(self, *args, account, colleagues, scale: dict[int, str], **kwargs):
        """`colleagues`: the account's stakeholders, already loaded (reports_to choices)."""
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["reports_to"].queryset = Stakeholder.objects.filter(account=account).exclude(
            pk=self.instance.pk
        )
        self.fields["reports_to"].choices = [("", "Nobody on file")] + [
            (s.pk, s.name) for s in colleagues if s.pk != self.instance.pk
        ]
        self.fields["owners"].queryset = users_of_teams(Team.objects.filter(pk=account.team_id))
        self.fields["strength"].choices = [("", "Not rated")] + [
            (value, f"{value} – {label}") for value, label in scale.items()
        ]
        self.fields["trust"].choices = Stakeholder.Rating.choices
        self.fields["respect"].choices = Stakeholder.Rating.choices
