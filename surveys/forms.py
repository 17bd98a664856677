"""Forms: a new campaign, the public survey (built from the template's questions), feedback."""

import datetime as dt

from django import forms
from django.utils import timezone

from accounts.models import Account
from core.idempotency import SubmissionKeyForm
from relationships.models import Stakeholder
from surveys.models import Campaign
from surveys.questions import QUESTION_TYPES, Spec, reminder_days
from surveys.selectors import stakeholders_for_picking, templates_for_campaigns


class CampaignForm(SubmissionKeyForm, forms.ModelForm):
    accounts = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        help_text="Everyone at these accounts (narrowed by role if you pick roles). "
        "Ctrl or ⌘ to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    roles = forms.MultipleChoiceField(
        choices=Stakeholder.Role.choices,
        required=False,
        help_text="Leave empty for every role: ask every person, not only the top decision maker.",
        widget=forms.CheckboxSelectMultiple,
    )
    stakeholders = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Hand-picked stakeholders",
        help_text="Invited whatever their role. Ctrl or ⌘ to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "template",
            "sender_name",
            "send_at",
            "reminder_days",
            "expiry_days",
            "quiet_days",
        ]
        labels = {
            "name": "Campaign name",
            "send_at": "Send at",
            "expiry_days": "Links expire after (days)",
            "quiet_days": "Quiet period (days)",
        }
        help_texts = {
            "sender_name": "The name the email comes from and the survey page shows.",
            "quiet_days": "Skip people surveyed less than this many days before or after.",
            "reminder_days": "Days after sending to remind those who have not answered, e.g. 4,9.",
        }
        widgets = {"send_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, user, accounts=(), **kwargs):
        """`accounts`: ids to preselect (the account page's "New campaign" link)."""
        kwargs["initial"] = {
            "send_at": timezone.localtime().replace(second=0, microsecond=0),
            "reminder_days": "4,9",
            "expiry_days": 30,
            "quiet_days": 60,
            "sender_name": user.get_full_name(),
            "accounts": list(accounts),
        }
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates_for_campaigns()
        self.fields["template"].empty_label = None
        self.fields["accounts"].queryset = Account.objects.visible_to(user).exclude(
            status=Account.Status.ARCHIVED
        )
        self.fields["stakeholders"].queryset = stakeholders_for_picking(user)
        self.fields["stakeholders"].label_from_instance = lambda s: f"{s.name} · {s.account.name}"

    def clean_reminder_days(self):
        text = self.cleaned_data["reminder_days"]
        try:
            days = reminder_days(text)
        except ValueError:
            raise forms.ValidationError(
                "Write whole days after sending, separated by commas, e.g. 4,9."
            ) from None
        return ",".join(str(day) for day in days)

    def clean_send_at(self):
        send_at = self.cleaned_data["send_at"]
        if send_at < timezone.now() - dt.timedelta(hours=1):
            raise forms.ValidationError("The send time is in the past.")
        return send_at

    def clean(self):
        data = super().clean()
        if not data.get("accounts") and not data.get("stakeholders"):
            raise forms.ValidationError("Choose accounts or hand-pick stakeholders.")
        reminders = data.get("reminder_days")
        expiry = data.get("expiry_days")
        if reminders and expiry and max(int(day) for day in reminders.split(",")) >= expiry:
            self.add_error("reminder_days", "Reminders must go out before the links expire.")
        return data

    def campaign_data(self) -> dict:
        """The campaign's own fields (the chosen accounts and people are passed apart)."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return fields | {"chosen_roles": self.cleaned_data["roles"]}


WIDGET_CLASSES = {
    forms.RadioSelect: "btn-check",
    forms.Select: "form-select",
    forms.Textarea: "form-control",
}


class SurveyForm(forms.Form):
    """The public survey: one field per question (a group of fields for moments)."""

    def __init__(self, *args, questions: list[tuple[int, Spec]], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for _question_id, spec in questions:
            fields = QUESTION_TYPES[spec.kind].fields(spec)
            for field in fields.values():
                field.widget.attrs["class"] = WIDGET_CLASSES.get(type(field.widget), "")
            self.fields.update(fields)
            self.groups.append((spec, list(fields)))

    def clean(self):
        cleaned = super().clean()
        for spec, _names in self.groups:
            for name, message in QUESTION_TYPES[spec.kind].errors(spec, cleaned).items():
                self.add_error(name, message)
        return cleaned

    def grouped(self):
        """(spec, bound fields) per question, for the template."""
        return [(spec, [self[name] for name in names]) for spec, names in self.groups]


class FeedbackActionForm(forms.Form):
    note = forms.CharField(
        label="What we did", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
