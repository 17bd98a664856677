"""The stakeholder form."""

from django import forms

from accounts.models import Team
from accounts.selectors import users_of_teams
from core.forms import offer
from core.limits import date_inputs_bounded
from core.versions import VersionedModelForm
from relationships.models import (
    Stakeholder,
)


class StakeholderForm(VersionedModelForm):
    strength = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Relationship strength (the CSM's rating)",
        help_text="Your own read, 1 to 5. The relationship score is computed apart, from what "
        "is logged; with trust and respect, this rating only adjusts it, a little.",
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
            "reference_willing",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autofocus": True}),
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
        offer(
            self.fields["reports_to"],
            [s for s in colleagues if s.pk != self.instance.pk],
            "Nobody on file",
        )
        self.fields["owners"].queryset = users_of_teams(Team.objects.filter(pk=account.team_id))
        self.fields["strength"].choices = [("", "Not rated")] + [
            (value, f"{value} – {label}") for value, label in scale.items()
        ]
        self.fields["trust"].choices = Stakeholder.Rating.choices
        self.fields["respect"].choices = Stakeholder.Rating.choices
        date_inputs_bounded(self, Stakeholder)
