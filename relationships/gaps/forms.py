"""Forms of the gap workflow: the board's filters, moving a case, and its owner, due date and
notes."""

from django import forms
from django.db.models import Q

from accounts.models import Account, User
from accounts.selectors import teams_visible_to, users_of_teams
from core.forms import offer
from core.limits import date_inputs_bounded
from core.versions import VersionedModelForm
from relationships.gaps import model as gaps
from relationships.models import GapCase, GapClass


class GapBoardFilterForm(forms.Form):
    """Filters of the gap board. Invalid values are ignored, not errors."""

    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="All owners")
    gap_class = forms.ChoiceField(
        required=False, label="Kind of gap", choices=[("", "All kinds"), *GapClass.choices]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = teams_visible_to(user)
        self.fields["team"].queryset = teams
        self.fields["owner"].queryset = users_of_teams(teams)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def cleaned_filters(self) -> dict:
        self.is_valid()
        return self.cleaned_data


class GapMoveForm(forms.Form):
    """Move `case`; the workflow (relationships.gaps.model.can_move) says which moves are allowed,
    and `reason_needed` which need a reason."""

    to = forms.ChoiceField(
        label="Move to",
        choices=[(s, label) for s, label in GapCase.State.choices if s != gaps.DETECTED],
    )
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea({"rows": 2}))
    reason = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Needed to dismiss the case, or to resolve it while the gap is still open.",
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, case: GapCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        cleaned = super().clean()
        to = cleaned.get("to", "")
        needed = gaps.reason_needed(to, converged=self.case.converged)
        if gaps.can_move(self.case.state, to):
            needed = ""  # a move the workflow refuses: gap_case_move says why
        if needed and not cleaned.get("reason", "").strip():
            self.add_error("reason", needed)
        return cleaned


class GapCaseForm(VersionedModelForm):
    """A case's owner, due date (GapCase.clean: not before the case was opened) and notes."""

    class Meta:
        model = GapCase
        fields = ["owner", "due_on", "notes"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = self.instance.account.team_id
        self.fields["owner"].queryset = User.objects.filter(
            Q(teams=team) | Q(managed_teams=team) | Q(pk=self.instance.owner_id), is_active=True
        ).distinct()
        date_inputs_bounded(self, GapCase)


class GapBulkForm(forms.Form):
    """The cases ticked (only cases of accounts the user may see), and what to do with them:
    `move` to a state (with a reason where the move needs one) or `assign` an owner."""

    use_required_attribute = False  # the bar's two buttons post without each other's fields
    cases = forms.ModelMultipleChoiceField(queryset=None, error_messages={
        "invalid_choice": "A case you may not see, or that is gone, was chosen: nothing was"
        " done.",
        "required": "Choose at least one case.",
    })  # fmt: skip
    action = forms.ChoiceField(choices=[("move", "Move"), ("assign", "Assign")])
    to = forms.ChoiceField(label="Move to", required=False)
    reason = forms.CharField(label="Reason", required=False, max_length=500)
    owner = forms.ModelChoiceField(queryset=None, label="Owner", required=False)

    def __init__(self, *args, user, owners=None, **kwargs):
        """`owners`: the people to offer when the form is only drawn (the board read them for
        its filters); without them, the form reads the cases and owners it checks."""
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", "Choose…"), *GapCase.State.choices]
        self.fields["owner"].empty_label = "Choose…"
        if owners is None:
            visible = Account.objects.visible_to(user)
            self.fields["cases"].queryset = GapCase.objects.filter(account__in=visible)
            self.fields["owner"].queryset = users_of_teams(teams_visible_to(user))
        else:
            offer(self.fields["owner"], owners, "Choose…")
        for name in ("to", "owner"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["reason"].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "move" and not cleaned.get("to"):
            self.add_error("to", "Choose a state to move the cases to.")
        if cleaned.get("action") == "assign" and not cleaned.get("owner"):
            self.add_error("owner", "Choose who will own the cases.")
        return cleaned
