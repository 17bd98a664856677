"""Every form, and the public survey, fed random and hostile input: never a server error; the
input is either refused (422, nothing written) or accepted (2xx or 3xx, written)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Account
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
from surveys.models import Answer, Question
from tests.factories import (
    GapCaseFactory,
    InvitationFactory,
    StakeholderFactory,
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
