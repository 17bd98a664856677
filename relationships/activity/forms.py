"""The quick-log forms (interaction, moment, open item, pulse check, competitor rating),
the timeline's filters and the moments report's."""

import contextlib
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from accounts.selectors import teams_visible_to
from core.forms import ListedChoiceField, ListedMultipleChoiceField, offer
from core.idempotency import AlreadySubmitted, SubmissionKeyForm
from core.limits import date_inputs_bounded
from relationships.activity.moments_report import PERIODS
from relationships.activity.services import activity_record
from relationships.activity.timeline import KINDS as TIMELINE_KINDS
from relationships.models import (
    Channel,
    CompetitorRating,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Stakeholder,
    Touchpoint,
)

SENTIMENTS = [
    (-2, "−2 Very negative"),
    (-1, "−1 Negative"),
    (0, "0 Neutral"),
    (1, "+1 Positive"),
    (2, "+2 Very positive"),
]


@dataclass(frozen=True)
class ActivityChoices:
    """The options of the quick-log forms, loaded once per page (a query each) and shared."""

    stakeholders: list
    channels: list
    touchpoints: list
    moment_types: list


RATINGS = [("", "—"), *((n, str(n)) for n in range(1, 6))]


CHOICE_SOURCES = {
    "stakeholder": "stakeholders",
    "stakeholders": "stakeholders",
    "channel": "channels",
    "touchpoint": "touchpoints",
    "moment_type": "moment_types",
}


class AccountActivityForm(SubmissionKeyForm, forms.ModelForm):
    """Base of the quick-log forms: choices limited to the account's people, and the chosen
    rows taken from them; dates in the range their model fields allow (core.limits: nothing
    before 2000 or in the future). The form cleans its fields; the service checks the row, and
    `record` puts what it refuses on the form's fields."""

    prefix_name = ""

    def __init__(self, *args, account, choices: "ActivityChoices", **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.account = account
        for name, field in self.fields.items():
            options = getattr(choices, CHOICE_SOURCES.get(name, ""), None)
            if options is not None:
                field.list_rows(options)
                field.choices = [(obj.pk, str(obj)) for obj in options]
                if not isinstance(field, forms.ModelMultipleChoiceField):
                    field.choices = [("", "—")] + field.choices
        date_inputs_bounded(self, self._meta.model)

    def _post_clean(self):
        """Each field's value checked by its model field's validators, which need no query
        (a day in range, a number not below 0); the row as a whole, its people and its
        constraints are checked by the service that writes it."""
        for name, value in list(self.cleaned_data.items()):
            field = self._meta.model._meta.get_field(name) if name in self._meta.fields else None
            if field is None or field.is_relation or self.has_error(name):
                continue
            try:
                field.run_validators(value)
            except ValidationError as refusal:
                self.add_error(name, refusal)

    def record(self, *, user) -> bool:
        """Write the entry (activity_record), once per render: a double submit counts as the
        first. False if it is refused, with the reasons on the fields they name (on the form
        if it has no such field)."""
        if not self.is_valid():
            return False
        try:
            with contextlib.suppress(AlreadySubmitted):
                activity_record(
                    self.prefix_name, account=self.account, user=user, **self.cleaned_data
                )
        except ValidationError as refusal:
            for name, errors in refusal.update_error_dict({}).items():
                self.add_error(name if name in self.fields else None, errors)
            return False
        return True


class InteractionForm(AccountActivityForm):
    prefix_name = "interaction"
    sentiment = forms.TypedChoiceField(coerce=int, choices=SENTIMENTS, initial=0)

    class Meta:
        model = Interaction
        fields = [
            "occurred_at",
            "stakeholders",
            "channel",
            "touchpoint",
            "direction",
            "sentiment",
            "verbosity",
            "response_hours",
            "summary",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "stakeholders": forms.SelectMultiple(attrs={"size": 3}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"occurred_at": "When", "response_hours": "Response time (hours)"}
        field_classes = {
            "stakeholders": ListedMultipleChoiceField,
            "channel": ListedChoiceField,
            "touchpoint": ListedChoiceField,
        }


class MomentForm(AccountActivityForm):
    prefix_name = "moment"

    class Meta:
        model = Moment
        fields = [
            "moment_type",
            "occurred_on",
            "stakeholder",
            "emotion",
            "intensity",
            "value_impact",
            "value_amount",
            "identified_by",
            "note",
        ]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "intensity": forms.Select(choices=[(1, "1 Mild"), (2, "2 Clear"), (3, "3 Strong")]),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"occurred_on": "When", "value_amount": "Amount (optional)"}
        field_classes = {"moment_type": ListedChoiceField, "stakeholder": ListedChoiceField}


class OpenItemForm(AccountActivityForm):
    prefix_name = "open_item"

    class Meta:
        model = OpenItem
        fields = ["kind", "title", "stakeholder", "opened_on", "due_on"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"opened_on": "Opened", "due_on": "Due"}
        field_classes = {"stakeholder": ListedChoiceField}


class PulseCheckForm(AccountActivityForm):
    prefix_name = "pulse"
    happiness = forms.TypedChoiceField(coerce=int, label="How happy is the customer?")

    class Meta:
        model = PulseCheck
        fields = ["happiness", "checked_on", "note"]
        widgets = {
            "checked_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"checked_on": "Date"}

    def __init__(self, *args, happiness_scale: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happiness"].choices = [("", "Choose…")] + [
            (value, f"{value} – {label}") for value, label in happiness_scale.items()
        ]


class CompetitorRatingForm(AccountActivityForm):
    """One person's view of us against a competitor on one dimension, from the account page."""

    prefix_name = "rating"
    our_rating = forms.TypedChoiceField(coerce=int, choices=RATINGS, label="Us (1-5)")
    their_rating = forms.TypedChoiceField(coerce=int, choices=RATINGS, label="Them (1-5)")

    class Meta:
        model = CompetitorRating
        fields = [
            "stakeholder", "competitor", "dimension", "our_rating", "their_rating", "rated_on",
            "source",
        ]  # fmt: skip
        widgets = {"rated_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"stakeholder": "Person", "rated_on": "Date"}
        field_classes = {"stakeholder": ListedChoiceField}


class TimelineFilterForm(forms.Form):
    """Filters of the account timeline. A value that is not valid is ignored."""

    stakeholder = forms.ModelChoiceField(queryset=None, required=False, label="Person")
    channel = forms.ModelChoiceField(queryset=Channel.objects.all(), required=False)
    touchpoint = forms.ModelChoiceField(queryset=Touchpoint.objects.all(), required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Everything"), *TIMELINE_KINDS.items()])

    def __init__(self, *args, account, choices: ActivityChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.filter(account=account)
        for name, source, everything in (
            ("stakeholder", "stakeholders", "Everyone"),
            ("channel", "channels", "Any channel"),
            ("touchpoint", "touchpoints", "Any touchpoint"),
        ):
            offer(self.fields[name], getattr(choices, source), everything)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def cleaned_filters(self) -> dict:
        self.is_valid()
        return self.cleaned_data


class MomentsReportForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All my teams")
    period = forms.ChoiceField(choices=list(PERIODS.items()), required=False, initial="365")
    moment_type = forms.ModelChoiceField(
        queryset=MomentType.objects.all(), to_field_name="slug", required=False,
        empty_label="All moment types", label="Moment type",
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_visible_to(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def cleaned_filters(self) -> dict:
        self.is_valid()
        return {"period": "", **self.cleaned_data}
