"""Every form, and the public survey, fed random and hostile input: never a server error; the
input is either refused (422, nothing written) or accepted (2xx or 3xx, written), and a GET
filter ignores what it cannot read. The forms are discovered: test_every_form_is_fuzzed fails
for a form of the project that is neither in FUZZED nor, with its reason, in NOT_FUZZED."""

import csv
import importlib
import io
import itertools
import os
import pkgutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Account, UsageSnapshot, User
from relationships.models import (
    Channel,
    CompetitorRating,
    FeedbackItem,
    GapCase,
    GapTransition,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Stakeholder,
    Touchpoint,
)
from surveys.models import Answer, Campaign, Invitation, OutboundEmail, Question
from tests.factories import (
    PASSWORD,
    FeedbackItemFactory,
    GapCaseFactory,
    InvitationFactory,
    StakeholderFactory,
    campaign_form_data,
    catalog,
    invitation_token,
)
from tests.fuzz import FUZZ, post_judged

TRICKY = st.sampled_from(
    [
        "", " ", "0", "-1", "3", "5", "6", "99999999999", "1.5", "1e3", "NaN", "２",
        "2026-02-30", "2026-11-29", "2999-01-01", "2026-11-29T10:30", "25/12/2026",
        "high", "low", "user", "champion", "inbound", "csm", "customer", "delighted",
        "dismissed", "resolved", "investigating", "detected", "x" * 3000,
        "<script>alert(1)</script>", "\x00", "' OR 1=1 --", "🙂",
    ]
)  # fmt: skip
VALUE = st.one_of(TRICKY, st.text(max_size=40), st.integers(-10, 10_000).map(str))


def fields(names: list[str]):
    """Some of these fields, each with a random value (a list for a multiple choice)."""
    return st.dictionaries(st.sampled_from(names), st.one_of(VALUE, st.lists(VALUE, max_size=3)))


def without(known: dict):
    """Some of the `known` good values left out: mostly few, so that many posts can succeed."""
    return st.sets(st.sampled_from(sorted(known))).map(
        lambda drop: {name: value for name, value in known.items() if name not in drop}
    )


def counts(*models):
    """The state a create form changes: how many rows each model has."""
    return lambda: tuple(model.objects.count() for model in models)


@pytest.fixture
def signed_in(client, org):
    client.force_login(org.csm)
    return client


def _ids(model, slug):
    return str(catalog(model, slug).pk)


FORMS = {
    "interaction": (
        ["occurred_at", "channel", "touchpoint", "direction", "sentiment", "verbosity",
         "response_hours", "summary", "stakeholders", "submission_key"],
        (Interaction,),
    ),
    "moment": (
        ["moment_type", "occurred_on", "emotion", "intensity", "value_impact", "value_amount",
         "identified_by", "note", "stakeholder", "submission_key"],
        (Moment,),
    ),
    "open_item": (
        ["kind", "title", "opened_on", "due_on", "stakeholder", "submission_key"], (OpenItem,)
    ),
    "pulse": (["happiness", "checked_on", "note", "submission_key"], (PulseCheck,)),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_quick_log_forms_never_fail_and_refusals_write_nothing(signed_in, org, kind):
    names, watched = FORMS[kind]
    person = StakeholderFactory(account=org.account)
    known = {
        "channel": _ids(Channel, "call"),
        "touchpoint": _ids(Touchpoint, "service"),
        "moment_type": _ids(MomentType, "outage"),
        "stakeholders": str(person.pk),
        "stakeholder": str(person.pk),
    }

    @FUZZ
    @given(data=fields(names), keep=st.sets(st.sampled_from(sorted(known))))
    def check(data, keep):
        data = {**{name: known[name] for name in keep}, **data}
        post_judged(
            signed_in,
            f"/accounts/{org.account.pk}/log/{kind}/",
            {f"{kind}-{name}": value for name, value in data.items()},
            counts(*watched),
        )

    check()


def test_stakeholder_form_never_fails_and_refusals_write_nothing(signed_in, org):
    names = ["name", "title", "email", "role", "buying_influence", "reports_to", "owners",
             "relationship_since", "trust", "respect", "strength", "status",
             "reference_willing"]  # fmt: skip

    @FUZZ
    @given(data=fields(names))
    def check(data):
        post_judged(
            signed_in, f"/accounts/{org.account.pk}/stakeholders/new/", data, counts(Stakeholder)
        )

    check()


def test_account_profile_form_never_fails_and_refusals_change_nothing(signed_in, org):
    names = ["name", "external_id", "domain", "segment", "status", "team", "owner",
             "customer_since", "renewal_date", "arr", "cost_to_serve", "seats_purchased",
             "share_of_wallet", "competitors", "leading_competitor", "notes",
             "version"]  # fmt: skip

    def row():
        return Account.objects.filter(pk=org.account.pk).values().get()

    @FUZZ
    @given(data=fields(names))
    def check(data):
        data = {"version": row()["version"], **data}
        post_judged(signed_in, f"/accounts/{org.account.pk}/edit/", data, row, refusals=(409, 422))

    check()


def test_new_account_form_never_fails_and_refusals_write_nothing(client, org):
    names = ["name", "domain", "segment", "team", "owner", "customer_since", "renewal_date",
             "arr", "cost_to_serve", "seats_purchased", "status"]  # fmt: skip
    known = {"name": "Initech", "team": str(org.team.pk), "owner": str(org.csm.pk)}
    client.force_login(org.manager)

    @FUZZ
    @given(data=fields(names), keep=st.sets(st.sampled_from(sorted(known))))
    def check(data, keep):
        data = {**{name: known[name] for name in keep}, **data}
        post_judged(client, "/accounts/new/", data, counts(Account))

    check()


def test_gap_forms_never_fail_and_refusals_change_nothing(signed_in, org):
    case = GapCaseFactory(account=org.account)

    def state():
        return GapCase.objects.filter(pk=case.pk).values().get(), GapTransition.objects.count()

    @FUZZ
    @given(
        move=fields(["to", "note", "reason", "from"]),
        edit=fields(["owner", "due_on", "notes", "version"]),
    )
    def check(move, edit):
        post_judged(signed_in, f"/gaps/{case.pk}/move/", move, state)
        edit = {"version": state()[0]["version"], **edit}
        post_judged(signed_in, f"/gaps/{case.pk}/edit/", edit, state, refusals=(409, 422))

    check()


def test_competitor_rating_form_never_fails_and_refusals_write_nothing(signed_in, org):
    names = ["stakeholder", "competitor", "dimension", "our_rating", "their_rating", "rated_on"]
    StakeholderFactory(account=org.account)

    @FUZZ
    @given(data=fields(names))
    def check(data):
        post_judged(
            signed_in,
            f"/accounts/{org.account.pk}/competitor-ratings/",
            data,
            counts(CompetitorRating),
        )

    check()


def test_survey_post_never_fails_and_refusals_write_nothing(client, org, settings):
    settings.SURVEY_RATE_PER_IP = settings.SURVEY_RATE_PER_TOKEN = 10**9
    questions = Question.objects.filter(template__slug="relationship-check")
    names = [f"q{q.pk}" for q in questions] + [f"q{q.pk}_1" for q in questions]

    @FUZZ
    @given(data=fields(names))
    def check(data):
        invitation = InvitationFactory(account=org.account, stakeholder__account=org.account)
        url = f"/s/{invitation_token(invitation)}/"
        written = counts(Answer, FeedbackItem, Moment, CompetitorRating)

        def state():
            invitation.refresh_from_db()
            return invitation.answered_at, written()

        post_judged(client, url, data, state)

    check()


@pytest.fixture
def logins_work(monkeypatch):
    """Every login the mailbox form tries works (no network in these tests)."""
    from capture import services

    monkeypatch.setattr(services, "mailbox_connect_check", lambda **connection: "")


def test_mailbox_forms_never_fail_and_refusals_write_nothing(signed_in, org, logins_work):
    from capture.models import Mailbox
    from tests.capture.factories import MailboxFactory

    names = ["name", "host", "port", "use_tls", "username", "auth", "secret", "excluded",
             "is_bcc_log"]  # fmt: skip
    known = {"name": "Work", "host": "imap.example.com", "port": "993", "auth": "password",
             "secret": "app-password"}  # fmt: skip
    mailbox = MailboxFactory(owner=org.csm)

    def row():
        return Mailbox.objects.filter(pk=mailbox.pk).values().get(), Mailbox.objects.count()

    stored = row()[0]

    @FUZZ
    @given(data=fields(names), keep=st.sets(st.sampled_from(sorted(known))))
    def check(data, keep):
        data = {**{name: known[name] for name in keep}, **data}
        Mailbox.objects.filter(pk=mailbox.pk).update(**stored)  # an edit changes it
        post_judged(signed_in, "/capture/mailboxes/new/", data, counts(Mailbox))
        post_judged(signed_in, f"/capture/mailboxes/{mailbox.pk}/edit/", data, row)

    check()


def test_calendar_forms_never_fail_and_refusals_write_nothing(signed_in, org):
    from capture.models import CalendarFeed
    from tests.capture.factories import CalendarFeedFactory

    feed = CalendarFeedFactory(owner=org.csm)
    url = st.one_of(
        VALUE, st.sampled_from(["https://calendar.example/a.ics", "webcal://x.example/b"])
    )

    def row():
        return CalendarFeed.objects.filter(pk=feed.pk).values().get(), CalendarFeed.objects.count()

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional={"name": VALUE, "url": url}))
    def check(data):
        CalendarFeed.objects.filter(pk=feed.pk).update(name="As it was")  # an edit changes it
        post_judged(signed_in, "/capture/calendars/new/", data, counts(CalendarFeed))
        post_judged(signed_in, f"/capture/calendars/{feed.pk}/edit/", data, row)

    check()


def test_sentiment_correction_never_fails_and_refusals_change_nothing(signed_in, org):
    from capture.models import CapturedMessage
    from tests.capture.factories import captured_interaction

    message = captured_interaction(org.account)

    def row():
        return CapturedMessage.objects.filter(pk=message.pk).values().get()

    @FUZZ
    @given(data=fields(["sentiment"]))
    def check(data):
        CapturedMessage.objects.filter(pk=message.pk).update(sentiment=0, corrected=False)
        url = f"/capture/interactions/{message.interaction_id}/sentiment/"
        post_judged(signed_in, url, data, row)

    check()


def test_api_token_form_never_fails_and_refusals_write_nothing(signed_in, org):
    from api.models import ApiToken

    @FUZZ
    @given(data=fields(["name", "read_only", "expires_on"]))
    def check(data):
        response = post_judged(signed_in, "/preferences/tokens/", data, counts(ApiToken))
        if response.status_code < 400:
            assert b"rpt_" in response.content  # the secret, shown once

    check()


def test_chat_hook_form_never_fails_and_refusals_write_nothing(signed_in, org):
    from core.models import ChatHook

    url = st.one_of(
        VALUE,
        st.sampled_from(
            [
                "https://hooks.slack.com/services/T0/B0/x",
                "https://acme.webhook.office.com/webhookb2/x",
                "http://127.0.0.1:8000/",
                "https://hooks.slack.com.evil.example/x",
            ]
        ),
    )
    kinds = st.one_of(VALUE, st.sampled_from(["slack", "teams"]))
    chosen = st.lists(st.one_of(VALUE, st.sampled_from(["gap.opened", "alert.raised"])))

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {}, optional={"kind": kinds, "name": VALUE, "url": url, "events": chosen}
        )
    )
    def check(data):
        post_judged(signed_in, "/preferences/chat/new/", data, counts(ChatHook))

    check()


def test_campaign_form_never_fails_and_refusals_write_nothing(signed_in, org):
    names = ["name", "template", "sender_name", "send_at", "reminder_days", "expiry_days",
             "quiet_days", "accounts", "roles", "stakeholders", "submission_key"]  # fmt: skip
    person = StakeholderFactory(account=org.account, email="pat@example.com")
    known = campaign_form_data(accounts=str(org.account.pk), stakeholders=str(person.pk))
    written = counts(Campaign, Invitation, OutboundEmail)

    @FUZZ
    @given(data=fields(names), typed=without(known), create=st.booleans())
    def check(data, typed, create):
        Campaign.objects.all().delete()  # so that the person may be invited again
        data = {**typed, **data}
        if create:
            post_judged(signed_in, "/campaigns/new/", {**data, "action": "create"}, written)
        else:  # a preview shows whom it would invite and the email, and writes nothing
            before = written()
            preview = signed_in.post("/campaigns/new/", data)
            assert (preview.status_code, written()) in ((200, before), (422, before)), data

    check()


def test_preferences_form_never_fails_and_refusals_change_nothing(signed_in, org):
    user = User.objects.filter(pk=org.csm.pk)

    def row():
        return user.values().get()

    choices = st.sampled_from(User.GapEmails.values)

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {}, optional={"gap_emails": st.one_of(choices, VALUE), "task_digest": VALUE}
        )
    )
    def check(data):
        user.update(gap_emails="")  # none of the choices: a saved choice changes it
        post_judged(signed_in, "/preferences/", data, row)

    check()


def test_feedback_action_form_never_fails_and_refusals_change_nothing(signed_in, org):
    item = FeedbackItemFactory(account=org.account)

    def row():
        return FeedbackItem.objects.filter(pk=item.pk).values().get()

    stored = row()

    @FUZZ
    @given(data=fields(["note"]), htmx=st.booleans())
    def check(data, htmx):
        FeedbackItem.objects.filter(pk=item.pk).update(**stored)  # not acted on yet
        headers = {"HX-Request": "true"} if htmx else {}
        post_judged(signed_in, f"/feedback/{item.pk}/acted/", data, row, headers=headers)

    check()


def test_sign_in_form_never_fails_and_refusals_write_nothing(client, org, settings):
    """A refused sign-in writes nothing to the database (its failure is counted in the cache, and
    the limits are raised so that no lockout refuses the right password); one that signs in
    writes the user's last_login."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = settings.LOGIN_FAILURES_PER_ADDRESS = 10**9
    known = {"username": org.csm.email, "password": PASSWORD}

    def logins():
        return list(User.objects.order_by("pk").values_list("pk", "last_login"))

    @FUZZ
    @given(data=fields(["username", "password", "next"]), typed=without(known))
    def check(data, typed):
        data = {**typed, **data}
        response = post_judged(client, "/login/", data, logins, refusals=(422, 429))
        assert response.status_code != 429, "locked out with the limits raised"
        if response.status_code < 400:
            client.logout()

    check()


def test_saved_view_forms_never_fail_and_refusals_write_nothing(signed_in, org):
    """Saving a view (a name, the list's query string, shared, default), renaming or sharing
    one's own, and choosing the default view."""
    from accounts.models import SavedView

    mine = SavedView.objects.create(owner=org.csm, name="Mine", query="status=active")
    theirs = SavedView.objects.create(owner=org.outsider, name="Theirs", query="", shared=True)
    queries = st.one_of(
        VALUE,
        st.sampled_from(
            ["status=at_risk&sort=-arr", f"team={org.team.pk}", f"team={org.other_team.pk}"]
        ),
    )
    serial = itertools.count()

    def views():
        return list(SavedView.objects.order_by("pk").values())

    def default():
        return User.objects.filter(pk=org.csm.pk).values_list("default_view", flat=True).get()

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={"name": VALUE, "query": queries, "shared": VALUE, "default": VALUE},
        ),
        fresh=st.booleans(),
    )
    def check(data, fresh):
        if fresh and "name" in data:  # a new name each time, so that a save can succeed
            data = {**data, "name": f"{data['name'][:60]} {next(serial)}"}
        post_judged(signed_in, "/views/", data, views)

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional={"name": VALUE, "shared": VALUE}))
    def check_edit(data):
        SavedView.objects.filter(pk=mine.pk).update(name="Mine", shared=False)
        response = signed_in.post(f"/views/{mine.pk}/edit/", data)
        after = SavedView.objects.filter(pk=mine.pk).values("name", "shared").get()
        if response.status_code == 422:
            assert after == {"name": "Mine", "shared": False}, data
        else:
            assert response.status_code == 302, data

    choices = st.one_of(VALUE, st.sampled_from([str(mine.pk), str(theirs.pk), "all"]))

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional={"view": choices}))
    def check_default(data):
        User.objects.filter(pk=org.csm.pk).update(default_view=theirs)  # none it may choose
        post_judged(signed_in, "/views/default/", data, default)

    check()
    check_edit()
    check_default()


def test_task_forms_never_fail_and_refusals_write_nothing(signed_in, org):
    """A new task from the account page; snoozing and dismissing a task; an alert assigned,
    snoozed, dismissed and turned into a task."""
    import datetime as dt

    from django.utils import timezone

    from relationships.models import Alert, Task
    from tests.factories import TaskFactory

    task = TaskFactory(account=org.account)
    alert = Alert.objects.create(
        account=org.account, kind="score_drop", key="score_drop", reason="-",
        first_seen=timezone.now(),
    )  # fmt: skip
    soon = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    known = {
        "task-title": "Send the quote", "task-due_on": soon, "task-priority": "high",
        "task-owner": str(org.teammate.pk),
    }  # fmt: skip

    def task_state():
        return Task.objects.filter(pk=task.pk).values().get()

    def alert_state():
        return Alert.objects.filter(pk=alert.pk).values().get()

    @FUZZ
    @given(
        new=st.tuples(without(known), fields(list(known))),
        action=st.sampled_from(["snooze", "dismiss"]),
        data=fields(["until", "reason"]),
        alert_action=st.sampled_from(["assign", "snooze", "dismiss", "task"]),
        alert_data=fields(["to", "until", "reason", "title", "due_on", "priority"]),
    )
    def check(new, action, data, alert_action, alert_data):
        post_judged(
            signed_in, f"/accounts/{org.account.pk}/tasks/new/", {**new[0], **new[1]},
            counts(Task),
        )  # fmt: skip
        Task.objects.filter(pk=task.pk).update(
            state="open", snoozed_until=None, dismissed_reason="", completed_at=None
        )
        post_judged(signed_in, f"/tasks/{task.pk}/{action}/", data, task_state)
        Alert.objects.filter(pk=alert.pk).update(
            assigned_to=None, snoozed_until=None, dismissed_reason="", dismissed_at=None
        )
        state = counts(Task) if alert_action == "task" else alert_state
        post_judged(signed_in, f"/attention/{alert.pk}/{alert_action}/", alert_data, state)

    check()


def test_bulk_action_forms_never_fail_and_refusals_change_nothing(signed_in, org):
    """The account list's action bar: random accounts (one of another team among them),
    actions, owners, statuses and tasks."""
    from tests.factories import AccountFactory

    mine = [org.account, AccountFactory(team=org.team, owner=org.teammate)]
    ids = st.one_of(VALUE, st.sampled_from([str(a.pk) for a in mine] + [str(org.other_account.pk)]))
    actions = st.one_of(VALUE, st.sampled_from(["reassign", "status", "task"]))
    days = st.one_of(VALUE, st.dates().map(str))
    owners = st.one_of(
        VALUE, st.sampled_from([str(org.csm.pk), str(org.teammate.pk), str(org.outsider.pk)])
    )
    statuses = st.one_of(VALUE, st.sampled_from(Account.Status.values))

    def state():
        from relationships.models import Task

        accounts = Account.objects.order_by("pk").values_list("owner", "status", "version")
        return list(accounts), Task.objects.count()

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "accounts": st.lists(ids, max_size=3),
                "action": actions,
                "owner": owners,
                "status": statuses,
                "title": VALUE,
                "due_on": days,
                "priority": VALUE,
                "list_query": VALUE,
            },
        ),
        htmx=st.booleans(),
    )
    def check(data, htmx):
        Account.objects.filter(pk=mine[0].pk).update(owner=org.csm, status="active")
        Account.objects.filter(pk=mine[1].pk).update(owner=org.teammate, status="active")
        headers = {"HX-Request": "true", "HX-Target": "account-results"} if htmx else {}
        before = state()
        response = signed_in.post("/accounts/bulk/", data, headers=headers)
        if response.status_code == 422:
            assert state() == before, data
        else:
            assert response.status_code in (200, 302), data  # done, or nothing left to do

    check()


def test_gap_bulk_form_never_fails_and_refusals_change_nothing(signed_in, org):
    """The gap board's bulk bar: random cases (one of another team among them), actions,
    states, reasons and owners."""
    mine = GapCaseFactory(account=org.account)
    theirs = GapCaseFactory(account=org.other_account)
    ids = st.one_of(VALUE, st.sampled_from([str(mine.pk), str(theirs.pk)]))
    owners = st.one_of(VALUE, st.sampled_from([str(org.teammate.pk), str(org.outsider.pk)]))

    def state():
        cases = GapCase.objects.order_by("pk").values_list("state", "owner", "version")
        return list(cases), GapTransition.objects.count()

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {},
            optional={
                "cases": st.lists(ids, max_size=2),
                "action": st.one_of(VALUE, st.sampled_from(["move", "assign"])),
                "to": st.one_of(VALUE, st.sampled_from(GapCase.State.values)),
                "reason": VALUE,
                "owner": owners,
            },
        ),
        htmx=st.booleans(),
    )
    def check(data, htmx):
        GapCase.objects.filter(pk=mine.pk).update(state="detected", owner=org.csm)
        headers = {"HX-Request": "true", "HX-Target": "gap-board"} if htmx else {}
        before = state()
        response = signed_in.post("/gaps/bulk/", data, headers=headers)
        if response.status_code == 422:
            assert state() == before, data
        else:
            assert response.status_code in (200, 302), data

    check()


ACCOUNT_COLUMNS = ["external_id", "name", "owner_email", "team", "status", "arr", "renewal_date"]
IMPORT_NAMES = st.one_of(
    st.sampled_from(["accounts.csv", "stakeholders.csv", "interactions.csv", "usage.csv"]),
    # a name a file can have: the test client refuses to upload one such as "/" or ".."
    st.text(min_size=1, max_size=20).filter(
        lambda name: os.path.basename(name) not in {"", ".", ".."}
    ),
)


def test_import_form_never_fails_and_refusals_write_nothing(client, org):
    """Random bytes under random names, and an accounts.csv of one row of random cells (a new
    external id each time, so an accepted import creates an account)."""
    known = {"name": "Initech", "owner_email": org.csm.email, "team": org.team.name}
    serial = itertools.count()
    written = counts(Account, Stakeholder, Interaction, Moment, OpenItem, UsageSnapshot)
    client.force_login(org.manager)

    def accounts_csv(cells: dict) -> bytes:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(ACCOUNT_COLUMNS)
        writer.writerow([cells.get(column, "") for column in ACCOUNT_COLUMNS])
        return text.getvalue().encode()

    @FUZZ
    @given(
        cells=st.dictionaries(st.sampled_from(ACCOUNT_COLUMNS[1:]), VALUE, max_size=3),
        typed=without(known),
        others=st.lists(st.tuples(IMPORT_NAMES, st.binary(max_size=300)), max_size=1),
        with_accounts=st.sampled_from([True, True, False]),
    )
    def check(cells, typed, others, with_accounts):
        cells = {**typed, **cells, "external_id": f"F{next(serial)}"}
        files = [SimpleUploadedFile(name, content) for name, content in others]
        if with_accounts:
            files.append(SimpleUploadedFile("accounts.csv", accounts_csv(cells)))
        post_judged(client, "/data/import/", {"files": files}, written)

    check()


SEARCH_TEXT = st.one_of(
    VALUE,
    st.text(max_size=200),
    st.sampled_from(
        [
            "a & | ! :*",
            "omar:* & pet",
            "!(a|b)",
            "a <-> b",
            "'x':A",
            "\\",
            "((",
            "x" * 100_000,
            "élan 🙂 東京",
            "' OR 1=1 --",
            "%",
            "_",
            "*",
            ":*",
        ]
    ),
    st.lists(
        st.sampled_from(["&", "|", "!", ":", "*", "(", ")", "<->", "'", "a", "ab"]), max_size=12
    ).map(" ".join),
)


def test_search_never_fails_whatever_is_typed(signed_in, org):
    """The search box, as a page and as the navigation bar's dropdown: random text, huge text,
    unicode and tsquery syntax (& | ! :* ...) answer 200 with the box drawn again."""
    StakeholderFactory(account=org.account, name="Omar Petrov")

    @FUZZ
    @given(q=SEARCH_TEXT, kind=VALUE, dropdown=st.booleans())
    def check(q, kind, dropdown):
        headers = {"HX-Request": "true", "HX-Target": "search-suggestions"} if dropdown else {}
        response = signed_in.get("/search/", {"q": q, "kind": kind}, headers=headers)
        assert response.status_code == 200, (q, kind)
        if not dropdown:
            assert 'name="q"' in response.text

    check()


FILTERS = {
    "/": ["q", "team", "owner", "segment", "status", "renewal_within", "flag", "sort", "page"],
    "/accounts/{pk}/timeline/": ["kind", "stakeholder", "channel", "touchpoint", "page"],
    "/gaps/": ["gap_class", "team", "owner"],
    "/moments/": ["period", "team", "moment_type"],
    "/tasks/": ["state", "owner", "page"],
    "/search/": ["q", "kind", "page"],
}


@pytest.mark.parametrize("page", sorted(FILTERS))
def test_filter_forms_ignore_what_they_cannot_read(signed_in, org, page):
    """The GET filters of the account list, the timeline, the gap board and the moments report:
    a value they cannot read is ignored, the page shows."""
    url = page.format(pk=org.account.pk)

    @FUZZ
    @given(query=fields(FILTERS[page]))
    def check(query):
        response = signed_in.get(url, query)
        assert response.status_code == 200, query
        assert f'name="{FILTERS[page][0]}"' in response.text  # the filters, drawn again

    check()


def test_my_day_filter_ignores_what_it_cannot_read(client, org):
    """My day's CSM filter (?csm=), for a manager and for a CSM: any value answers the page; one
    that is not a CSM of the reader's teams shows the reader's own (or team's) day."""

    @FUZZ
    @given(query=fields(["csm"]), manager=st.booleans())
    def check(query, manager):
        client.force_login(org.manager if manager else org.csm)
        response = client.get("/day/", query)
        assert response.status_code == 200, query
        assert ('name="csm"' in response.text) == manager

    check()


# --- Which forms are fuzzed ---------------------------------------------------------------------

PROJECT_APPS = [
    "accounts",
    "relationships",
    "surveys",
    "capture",
    "desk",
    "api",
    "dataio",
    "core",
    "config",
]
ADMIN_PAGES = "admin only: tests/test_admin.py test_admin_changelist_add_and_change_pages_answer"
ADMIN_FORMS = f"{ADMIN_PAGES} and test_admin_add_form_saves_a_new_row"

FUZZED = {  # each form (module.QualName) and the test above that fuzzes it
    form: test
    for test, forms in {
        "test_quick_log_forms_never_fail_and_refusals_write_nothing": [
            "relationships.activity.forms.InteractionForm",
            "relationships.activity.forms.MomentForm",
            "relationships.activity.forms.OpenItemForm",
            "relationships.activity.forms.PulseCheckForm",
        ],
        "test_stakeholder_form_never_fails_and_refusals_write_nothing": [
            "relationships.people.forms.StakeholderForm"
        ],
        "test_account_profile_form_never_fails_and_refusals_change_nothing": [
            "accounts.forms.AccountProfileForm"
        ],
        "test_new_account_form_never_fails_and_refusals_write_nothing": [
            "accounts.forms.AccountCreateForm"
        ],
        "test_gap_forms_never_fail_and_refusals_change_nothing": [
            "relationships.gaps.forms.GapCaseForm",
            "relationships.gaps.forms.GapMoveForm",
        ],
        "test_gap_bulk_form_never_fails_and_refusals_change_nothing": [
            "relationships.gaps.forms.GapBulkForm"
        ],
        "test_competitor_rating_form_never_fails_and_refusals_write_nothing": [
            "relationships.activity.forms.CompetitorRatingForm"
        ],
        "test_survey_post_never_fails_and_refusals_write_nothing": ["surveys.forms.SurveyForm"],
        "test_mailbox_forms_never_fail_and_refusals_write_nothing": ["capture.forms.MailboxForm"],
        "test_calendar_forms_never_fail_and_refusals_write_nothing": [
            "capture.forms.CalendarFeedForm"
        ],
        "test_sentiment_correction_never_fails_and_refusals_change_nothing": [
            "capture.forms.SentimentForm"
        ],
        "test_api_token_form_never_fails_and_refusals_write_nothing": ["api.forms.ApiTokenForm"],
        "test_chat_hook_form_never_fails_and_refusals_write_nothing": [
            "accounts.notifications.forms.ChatHookForm"
        ],
        "test_campaign_form_never_fails_and_refusals_write_nothing": ["surveys.forms.CampaignForm"],
        "test_preferences_form_never_fails_and_refusals_change_nothing": [
            "accounts.forms.PreferencesForm"
        ],
        "test_feedback_action_form_never_fails_and_refusals_change_nothing": [
            "surveys.forms.FeedbackActionForm"
        ],
        "test_sign_in_form_never_fails_and_refusals_write_nothing": ["accounts.signin.SignInForm"],
        "test_import_form_never_fails_and_refusals_write_nothing": ["dataio.forms.ImportForm"],
        "test_bulk_action_forms_never_fail_and_refusals_change_nothing": [
            "accounts.forms.AccountBulkForm",
            "accounts.forms.BulkReassignForm",
            "accounts.forms.BulkStatusForm",
            "relationships.bulk_actions.BulkTaskForm",
        ],
        "test_saved_view_forms_never_fail_and_refusals_write_nothing": [
            "accounts.forms.SavedViewForm",
            "accounts.forms.SavedViewEditForm",
            "accounts.forms.DefaultViewForm",
        ],
        "test_filter_forms_ignore_what_they_cannot_read": [
            "accounts.forms.AccountFilterForm",
            "relationships.activity.forms.TimelineFilterForm",
            "relationships.activity.forms.MomentsReportForm",
            "relationships.gaps.forms.GapBoardFilterForm",
            "relationships.work.forms.TaskListFilterForm",
        ],
        "test_my_day_filter_ignores_what_it_cannot_read": ["desk.forms.DayFilterForm"],
        "test_search_never_fails_whatever_is_typed": ["desk.forms.SearchForm"],
        "test_task_forms_never_fail_and_refusals_write_nothing": [
            "relationships.work.forms.TaskForm",
            "relationships.work.forms.SnoozeForm",
            "relationships.work.forms.DismissForm",
            "relationships.work.forms.AssignForm",
            "relationships.work.forms.AlertTaskForm",
        ],
    }.items()
    for form in forms
}

NOT_FUZZED = {
    "core.idempotency.SubmissionKeyForm": "a mixin: fuzzed in each form that writes",
    "core.versions.VersionedModelForm": "a base: fuzzed in the account profile and gap edit forms",
    "relationships.activity.forms.AccountActivityForm": "a base: fuzzed in the quick-log forms",
    "accounts.signin.AdminSignInForm": (
        "admin only; Django's admin login answers 200 to a refusal (its lockout is tested in"
        " tests/accounts/test_signin_throttle.py test_the_admin_login_shares_the_lockout)"
    ),
    "accounts.admin.UserCreationForm": ADMIN_FORMS,
    "accounts.admin.UserEditForm": ADMIN_PAGES,
    "capture.admin.CalendarFeedForm": ADMIN_FORMS,
    "capture.admin.MailboxForm": ADMIN_FORMS,
    "capture.admin.SourceForm": ADMIN_FORMS,
    "core.admin.ChatHookForm": ADMIN_FORMS,
    "core.admin.WebhookEndpointForm": ADMIN_FORMS,
    "relationships.admin.TaskAdminForm": (
        f"{ADMIN_FORMS}; its refusals in tests/relationships/test_admin_saves.py"
    ),
}


def project_forms() -> set[str]:
    """Every form class defined in the project's apps, as `module.QualName`."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not {"migrations", "tests", "bench"} & set(module.name.split(".")):
                importlib.import_module(module.name)

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    return {
        f"{form.__module__}.{form.__qualname__}"
        for form in subclasses(BaseForm)
        if form.__module__.split(".")[0] in PROJECT_APPS
    }


def test_every_form_is_fuzzed():
    """A new form fails this test until it is fuzzed above (FUZZED) or said why not."""
    found = project_forms()
    assert sorted(found - FUZZED.keys() - NOT_FUZZED.keys()) == [], "neither fuzzed nor excused"
    assert sorted((FUZZED.keys() | NOT_FUZZED.keys()) - found) == [], "no such form"
    assert sorted(FUZZED.keys() & NOT_FUZZED.keys()) == []
    assert {form: test for form, test in FUZZED.items() if test not in globals()} == {}
