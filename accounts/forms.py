"""Forms of the accounts app: the account list's filters, a new account and the account
profile. Account.clean checks what both account forms share (the owner is in the team, the
renewal is not before "customer since"), as the CSV import does."""

from django import forms
from django.http import QueryDict

from accounts.models import Account, Competitor, SavedView, User
from accounts.saved_views import ALL_ACCOUNTS, saved_views_for, view_query
from accounts.selectors import FLAGS, SORTS, reader, teams_visible_to, users_of_teams
from core.db.kept import kept_rows
from core.forms import offer
from core.limits import date_inputs_bounded
from core.versions import VersionedModelForm

RENEWAL_WINDOWS = [("30", "Next 30 days"), ("90", "Next 90 days"), ("180", "Next 180 days")]


class AccountFilterForm(forms.Form):
    """Search, filters and sort of the account list. Invalid values are ignored, not errors."""

    q = forms.CharField(required=False, label="Search", max_length=100)
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="All owners")
    segment = forms.ChoiceField(required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", "Open (not archived)"), *Account.Status.choices]
    )
    renewal_within = forms.ChoiceField(
        required=False, label="Renewal", choices=[("", "Any renewal date"), *RENEWAL_WINDOWS]
    )
    flag = forms.ChoiceField(
        required=False, label="Coverage", choices=[("", "Any coverage"), *FLAGS.items()]
    )
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, *args, user, segments, **kwargs):
        super().__init__(*args, **kwargs)
        teams = teams_visible_to(user)
        self.fields["team"].queryset = teams
        self.fields["owner"].queryset = users_of_teams(teams)
        self.fields["segment"].choices = [("", "All segments")] + [(s, s) for s in segments]
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select"

    def cleaned_filters(self) -> dict:
        """The valid filters; a bad value (say, a team the user cannot see) is left out."""
        self.is_valid()
        return self.cleaned_data


ACCOUNT_WIDGETS = {
    "name": forms.TextInput(attrs={"autofocus": True}),
    "customer_since": forms.DateInput(attrs={"type": "date"}),
    "renewal_date": forms.DateInput(attrs={"type": "date"}),
}


def choose_team_and_owner(form, user) -> None:
    """Offer the teams `user` may put accounts in (a manager: their own teams) and the people of
    those teams as owners."""
    teams = teams_visible_to(user)
    form.fields["team"].queryset = teams
    form.fields["owner"].queryset = users_of_teams(teams)


NEW_ACCOUNT_FIELDS = [
    "name",
    "domain",
    "segment",
    "team",
    "owner",
    "customer_since",
    "renewal_date",
    "arr",
    "cost_to_serve",
    "seats_purchased",
    "status",
]


def account_filter_form(request, data=None) -> AccountFilterForm:
    """The account list's filters, bound to the query string (or to `data`: a saved view's);
    the quadrant board shares them."""
    return filter_form_for(request.user, request.GET if data is None else data)


def _segments(sees_all: bool, user_pk: int):
    """The segments of the accounts the reader `user_pk` may see, in order."""
    accounts = Account.objects.visible_to(reader(user_pk, sees_all))
    segments = accounts.exclude(segment="").order_by("segment").values_list("segment")
    return segments.distinct()


def filter_form_for(user, data) -> AccountFilterForm:
    """The filters, their segments read by a statement built once (core.db.kept)."""
    segments = []
    if user.is_authenticated and user.is_active:
        rows = kept_rows(_segments, (user.sees_all_accounts,), [user.pk])
        segments = [segment for (segment,) in rows]
    return AccountFilterForm(data, user=user, segments=segments)


def filters_readable(user, query: QueryDict) -> tuple[QueryDict, list[str]]:
    """The filters and sort of `query` that the filter form reads for `user`, and the labels of
    those it cannot read (a team they no longer see, an owner who left: left out)."""
    form = filter_form_for(user, query)
    form.is_valid()
    kept = QueryDict(mutable=True)
    for name, value in query.items():
        if name not in form.errors:
            kept[name] = value
    gone = [
        str(form.fields[name].label or name.title()) for name in form.errors if name in form.fields
    ]
    return kept, gone


class SavedViewForm(forms.Form):
    """Save the account list's current filters and sort under a name. `query` is the list's
    query string, as the page draws it; what the filter form cannot read of it is left out."""

    name = forms.CharField(max_length=80, widget=forms.TextInput(attrs={"placeholder": "Name"}))
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
    shared = forms.BooleanField(required=False, label="Share with my team")
    default = forms.BooleanField(required=False, label="Open the list with it")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_query(self) -> str:
        kept, _gone = filters_readable(self.user, view_query(QueryDict(self.cleaned_data["query"])))
        return kept.urlencode()


class SavedViewEditForm(forms.Form):
    """Rename one's own view, share it or stop sharing it."""

    name = forms.CharField(max_length=80)
    shared = forms.BooleanField(required=False, label="Shared with my team")


class DefaultViewForm(forms.Form):
    """The view the account list opens with: one the user may open (its id), or every account
    ("all")."""

    view = forms.CharField(max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_view(self) -> SavedView | None:
        value = self.cleaned_data["view"]
        if value == ALL_ACCOUNTS:
            return None
        view = saved_views_for(self.user).filter(pk=value).first() if value.isdigit() else None
        if view is None:
            raise forms.ValidationError("Choose a view you may open, or all accounts.")
        return view


class AccountBulkForm(forms.Form):
    """The accounts chosen on the list (only accounts the user may see: any other id refuses
    the whole post), the action to take, and the list's query string to return to."""

    accounts = forms.ModelMultipleChoiceField(queryset=None, error_messages={
        "invalid_choice": "An account you may not see, or that is gone, was chosen: nothing was"
        " done.",
        "required": "Choose at least one account.",
    })  # fmt: skip
    action = forms.ChoiceField()
    list_query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, user, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = Account.objects.visible_to(user)
        self.fields["action"].choices = [(key, action.label) for key, action in actions.items()]


class BulkReassignForm(forms.Form):
    """Reassign: the new owner, one of the people of the user's teams (the service checks that
    they are in the team of each account)."""

    use_required_attribute = False  # the action bar's other buttons post without it
    owner = forms.ModelChoiceField(queryset=None, label="New owner", empty_label="Choose…")

    def __init__(self, *args, user, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        if owners is None:
            field.queryset = users_of_teams(teams_visible_to(user))
        else:  # drawn only: the people already read, no statement built for them
            offer(field, owners, field.empty_label)
        field.widget.attrs["class"] = "form-select form-select-sm"


class BulkStatusForm(forms.Form):
    """Change the lifecycle status; archiving and restoring are actions of their own."""

    use_required_attribute = False
    status = forms.ChoiceField(label="New status")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Choose…")] + [
            (value, label)
            for value, label in Account.Status.choices
            if value != Account.Status.ARCHIVED
        ]
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"


class AccountCreateForm(forms.Form):
    """The fields of a new account, for a manager or an admin (Account's form fields, the
    teams and owners they may choose). accounts.services.account_create checks the account as
    a whole, once, and saves it; its refusal becomes this form's field errors."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Account,
                fields=NEW_ACCOUNT_FIELDS,
                widgets=ACCOUNT_WIDGETS,
                labels={"status": "Lifecycle status", "seats_purchased": "Seats"},
            )
        )
        choose_team_and_owner(self, user)
        self.fields["status"].choices = [
            (value, label)
            for value, label in Account.Status.choices
            if value != Account.Status.ARCHIVED
        ]
        date_inputs_bounded(self, Account)


def status_choices_for(account: Account) -> list[tuple[str, str]]:
    """The statuses a profile edit may choose: archiving and restoring are actions of their own
    (managers and admins), so an archived account keeps its status and an open one cannot take
    it."""
    archived = account.status == Account.Status.ARCHIVED
    return [
        (value, label)
        for value, label in Account.Status.choices
        if (value == Account.Status.ARCHIVED) == archived
    ]


class AccountProfileForm(VersionedModelForm):
    class Meta:
        model = Account
        fields = [
            "name",
            "external_id",
            "domain",
            "segment",
            "status",
            "team",
            "owner",
            "customer_since",
            "renewal_date",
            "arr",
            "cost_to_serve",
            "seats_purchased",
            "share_of_wallet",
            "competitors",
            "leading_competitor",
            "notes",
        ]
        widgets = {
            **ACCOUNT_WIDGETS,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "competitors": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choose_team_and_owner(self, user)
        date_inputs_bounded(self, Account)
        self.fields["status"].choices = status_choices_for(self.instance)
        competitors = list(Competitor.objects.all())  # one read for both fields' options
        for name in ("competitors", "leading_competitor"):
            field = self.fields[name]
            field.queryset = Competitor.objects.all()
            offer(field, competitors, getattr(field, "empty_label", None))

    def clean(self):
        cleaned = super().clean()
        leader, competitors = cleaned.get("leading_competitor"), cleaned.get("competitors")
        if leader and competitors is not None and leader not in competitors:
            cleaned["competitors"] = [*competitors, leader]
        return cleaned


class PreferencesForm(forms.ModelForm):
    """What a user chooses for themselves: how they hear about gaps on their accounts, and
    whether they get the daily digest of their tasks due."""

    class Meta:
        model = User
        fields = ["gap_emails", "task_digest"]
        widgets = {"gap_emails": forms.RadioSelect}
