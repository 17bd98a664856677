"""The capture pipeline on the database: who a message is about, what it becomes, the signals,
privacy and idempotence (docs/capture.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from capture import decisions
from capture.models import (
    CapturedMessage,
    Decision,
    Mailbox,
    PersonSignal,
    SuggestedStakeholder,
    TouchpointKeyword,
)
from capture.pipeline import Origin, capture_mail
from core.models import Event
from core.secrets import encrypt
from relationships.models import (
    Interaction,
    OpenItem,
    RecomputeRequest,
    Stakeholder,
    StakeholderScore,
    Touchpoint,
)
from relationships.scoring.recompute import scores_recompute
from tests.capture.mail import NOW, inbound, mail, outbound
from tests.factories import AccountFactory, InteractionFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


def capture(org, *raws, kind=CapturedMessage.Origin.FILE, owner="csm", **origin):
    """Capture `raws` as the mail of `owner` (the org's CSM unless told; None for the BCC-to-log
    mailbox)."""
    owner = org.csm if owner == "csm" else owner
    return capture_mail(list(raws), origin=Origin(kind, owner, **origin))


def test_a_customers_message_becomes_an_inbound_email_interaction_with_the_stakeholder(org, acme):
    account, jane = acme

    result = capture(
        org, inbound("Thanks, this is great, the team loves it!", subject="Rollout", hours_ago=3)
    )

    interaction = Interaction.objects.get()
    assert (result.captured, result.accounts) == (1, {account.pk})
    assert interaction.account == account
    assert list(interaction.stakeholders.all()) == [jane]
    assert (interaction.direction, interaction.channel.slug) == ("inbound", "email")
    assert interaction.sentiment == 2  # read from her own words
    assert interaction.our_person == org.csm
    assert interaction.summary == "Rollout"
    assert interaction.source == Interaction.Source.EMAIL
    assert interaction.occurred_at == NOW - dt.timedelta(hours=3)
    assert interaction.captured_from.snippet.startswith("Thanks, this is great")


def test_a_message_with_no_one_at_a_customer_is_not_stored(org, acme):
    result = capture(
        org,
        mail(sender="friend@elsewhere.example", to="csm@example.com"),
        mail(sender="csm@example.com", to="teammate@example.com", message_id="<2@x>"),
    )

    assert (result.read, result.ignored, result.captured) == (2, 2, 0)
    assert not CapturedMessage.objects.exists()
    assert not Interaction.objects.exists()


def test_newsletters_auto_replies_and_no_reply_senders_are_skipped(org, acme):
    result = capture(
        org,
        inbound("News!", List_Unsubscribe="<mailto:x@acme.example>", message_id="<n@x>"),
        inbound("I am away.", subject="Out of office", Auto_Submitted="auto-replied"),
        inbound("Receipt", sender="no-reply@acme.example", message_id="<r@x>"),
    )

    assert (result.skipped, result.captured) == (3, 0)
    assert not CapturedMessage.objects.exists()


def test_a_message_read_through_three_mailboxes_is_stored_once(org, acme):
    sent = outbound(message_id="<plan@example.com>")
    bcc = Mailbox.objects.create(
        name="Log", host="imap.example.com", username="log", secret=encrypt("x"), is_bcc_log=True
    )

    first = capture(org, sent, kind=CapturedMessage.Origin.BCC, owner=None, mailbox=bcc)
    again = [capture(org, sent), capture(org, sent, owner=org.teammate)]

    assert first.captured == 1
    assert [result.duplicates for result in again] == [1, 1]
    assert CapturedMessage.objects.count() == Interaction.objects.count() == 1
    stored = CapturedMessage.objects.get()
    assert stored.origin == CapturedMessage.Origin.BCC  # where it came from first
    assert stored.interaction.our_person == org.csm  # the BCC address logs it for its sender


def test_the_bcc_mailbox_logs_a_customers_message_without_a_user_on_it_for_no_one(org, acme):
    bcc = Mailbox.objects.create(
        name="Log", host="imap.example.com", username="log", secret=encrypt("x"), is_bcc_log=True
    )
    to_the_team = inbound(to="Support <support@example.com>", message_id="<t@acme.example>")
    to_casey = inbound(message_id="<c@acme.example>")

    capture(org, to_the_team, to_casey, kind=CapturedMessage.Origin.BCC, owner=None, mailbox=bcc)

    ours = dict(Interaction.objects.values_list("captured_from__message_id", "our_person"))
    assert ours == {"t@acme.example": None, "c@acme.example": org.csm.pk}


def test_replies_carry_the_response_time_of_whoever_answered(org, acme):
    capture(
        org,
        outbound(message_id="<q@example.com>", hours_ago=30),
        inbound(message_id="<a@acme.example>", In_Reply_To="<q@example.com>", hours_ago=6),
        outbound(message_id="<b@example.com>", In_Reply_To="<a@acme.example>", hours_ago=5.5),
    )

    hours = dict(Interaction.objects.values_list("direction", "response_hours"))
    first = Interaction.objects.get(response_hours__isnull=True)
    assert first.direction == "outbound"  # the first message answers nothing
    replies = Interaction.objects.exclude(pk=first.pk)
    assert {(i.direction, i.response_hours) for i in replies} == {
        ("inbound", Decimal("24.00")),  # the customer took a day
        ("outbound", Decimal("0.50")),  # we took half an hour
    }
    assert hours  # both directions stored


def test_running_a_capture_again_changes_nothing(org, acme):
    raws = [inbound(message_id=f"<{n}@acme.example>", hours_ago=n + 1) for n in range(5)]
    capture(org, *raws)
    before = list(CapturedMessage.objects.values_list("pk", "message_id", "interaction_id"))

    again = capture(org, *raws)

    assert (again.captured, again.duplicates) == (0, 5)
    assert list(CapturedMessage.objects.values_list("pk", "message_id", "interaction_id")) == (
        before
    )
    assert Interaction.objects.count() == 5


def test_a_corrected_sentiment_sticks_when_the_mailbox_is_read_again(org, acme):
    raw = inbound("This outage is unacceptable, we are very angry.", message_id="<o@acme.example>")
    capture(org, raw)
    captured = CapturedMessage.objects.get()
    assert captured.interaction.sentiment < 0

    decisions.captured_sentiment_correct(message=captured, sentiment=1)
    capture(org, raw)

    captured.refresh_from_db()
    assert (captured.sentiment, captured.corrected, captured.interaction.sentiment) == (1, True, 1)


def test_a_correction_outside_the_scale_is_refused(org, acme):
    capture(org, inbound())
    captured = CapturedMessage.objects.get()

    with pytest.raises(ValidationError):
        decisions.captured_sentiment_correct(message=captured, sentiment=3)

    assert Interaction.objects.get().sentiment == captured.sentiment


def test_by_default_only_a_snippet_is_kept_and_bodies_only_when_asked(org, acme, settings):
    body = "word " * 400
    capture(org, inbound(body, message_id="<long@acme.example>"))
    settings.CAPTURE_STORE_BODIES = True
    capture(org, inbound(body, message_id="<kept@acme.example>"))

    stored = dict(CapturedMessage.objects.values_list("message_id", "body"))
    assert stored["long@acme.example"] == ""
    assert stored["kept@acme.example"].split() == body.split()
    assert {len(s) for s in CapturedMessage.objects.values_list("snippet", flat=True)} == {280}


def test_hiding_a_message_removes_its_text_and_keeps_its_counts(org, acme):
    capture(org, inbound("Great news, thanks!", subject="Secret plans"))
    captured = CapturedMessage.objects.get()

    decisions.captured_hide(message=captured)

    captured.refresh_from_db()
    interaction = captured.interaction
    assert (captured.subject, captured.snippet, interaction.summary) == ("", "", "")
    assert captured.hidden
    assert (interaction.sentiment, interaction.direction) == (2, "inbound")


def test_a_mailboxs_exclusion_list_keeps_those_addresses_and_domains_out(org, acme):
    capture(
        org,
        inbound(message_id="<1@acme.example>"),
        inbound(message_id="<2@acme.example>", cc="lawyer@counsel.example"),
        excluded=frozenset({"jane.doe@acme.example", "counsel.example"}),
    )

    assert not CapturedMessage.objects.exists()


def test_someone_new_at_the_customers_domain_is_suggested_and_accepting_logs_their_mail(org, acme):
    account, _ = acme
    raws = [
        inbound(f"Question {n}\n\nThanks,\nOmar Petrov\nVP Finance\n", hours_ago=n + 1,
                sender="Omar Petrov <omar@acme.example>", message_id=f"<omar{n}@acme.example>")
        for n in range(2)
    ]  # fmt: skip
    capture(org, *raws)

    suggestion = SuggestedStakeholder.objects.get()
    assert (suggestion.email, suggestion.name, suggestion.title, suggestion.messages) == (
        "omar@acme.example",
        "Omar Petrov",
        "VP Finance",
        2,
    )
    assert not Interaction.objects.exists()  # nobody known yet: the messages wait

    person = decisions.suggestion_accept(suggestion=suggestion)

    assert (person.account, person.name, person.title) == (account, "Omar Petrov", "VP Finance")
    assert Interaction.objects.filter(stakeholders=person).count() == 2
    assert not CapturedMessage.objects.filter(interaction__isnull=True).exists()


def test_a_dismissed_suggestion_is_not_suggested_again(org, acme):
    capture(org, inbound(sender="omar@acme.example", message_id="<1@acme.example>"))
    decisions.suggestion_dismiss(suggestion=SuggestedStakeholder.objects.get())

    capture(org, inbound(sender="omar@acme.example", message_id="<2@acme.example>"))

    suggestion = SuggestedStakeholder.objects.get()
    assert (suggestion.state, suggestion.messages) == (Decision.DISMISSED, 1)


def test_an_auto_reply_saying_someone_left_flags_them_and_confirming_marks_them_left(org, acme):
    account, jane = acme
    jane.role = Stakeholder.Role.CHAMPION
    jane.save()

    capture(
        org,
        inbound(
            "Jane Doe is no longer with Acme. Please write to ops@acme.example.",
            subject="Automatic reply: Renewal",
            Auto_Submitted="auto-replied",
        ),
    )

    signal = PersonSignal.objects.get()
    assert (signal.stakeholder, signal.kind) == (jane, PersonSignal.Kind.MAY_HAVE_LEFT)
    jane.refresh_from_db()
    assert jane.status == Stakeholder.Status.ACTIVE  # a CSM decides

    decisions.signal_confirm(signal=signal)

    jane.refresh_from_db()
    account.refresh_from_db()
    assert jane.status == Stakeholder.Status.LEFT
    assert account.champion_left


def test_an_auto_reply_saying_someone_left_is_announced_once_as_an_event(org, acme):
    _, jane = acme
    auto_reply = inbound(
        "Jane Doe is no longer with Acme.",
        subject="Automatic reply: Renewal",
        Auto_Submitted="auto-replied",
    )

    capture(org, auto_reply)
    capture(org, inbound("Jane Doe is no longer with Acme.", Auto_Submitted="auto-replied"))

    events = Event.objects.filter(kind="stakeholder.may_have_left")
    assert [event.payload["stakeholder"]["id"] for event in events] == [jane.pk]


def test_a_person_who_stops_answering_goes_dark_and_clears_when_they_answer(org, acme, settings):
    settings.CAPTURE_GOING_DARK_AFTER = 3
    _, jane = acme
    capture(org, inbound(message_id="<hi@acme.example>", hours_ago=100))
    capture(org, *[outbound(message_id=f"<{n}@example.com>", hours_ago=50 - n) for n in range(2)])
    assert not PersonSignal.objects.exists()  # two unanswered: not yet

    capture(org, outbound(message_id="<3@example.com>", hours_ago=40))

    signal = PersonSignal.objects.get(state=PersonSignal.State.OPEN)
    assert (signal.stakeholder, signal.kind) == (jane, PersonSignal.Kind.GOING_DARK)

    capture(org, inbound(message_id="<back@acme.example>", hours_ago=1))

    assert PersonSignal.objects.get().state == PersonSignal.State.CLEARED


def test_someone_who_never_answered_is_not_going_dark(org, acme):
    capture(org, *[outbound(message_id=f"<{n}@example.com>", hours_ago=n + 1) for n in range(5)])

    assert not PersonSignal.objects.exists()


def test_asking_the_same_thing_again_in_a_thread_opens_one_open_item(org, acme):
    _, jane = acme
    ask = "Could you send us the SOC 2 report for our security review?"
    capture(
        org,
        inbound(ask, subject="SOC 2", message_id="<q1@acme.example>", hours_ago=72),
        outbound("Will do.", message_id="<a1@example.com>", In_Reply_To="<q1@acme.example>",
                 References="<q1@acme.example>", hours_ago=70),
        inbound("Following up: still waiting for the SOC 2 report.", subject="Re: SOC 2",
                message_id="<q2@acme.example>", In_Reply_To="<a1@example.com>",
                References="<q1@acme.example> <a1@example.com>", hours_ago=24),
        inbound("Any update on the SOC 2 report?", subject="Re: SOC 2",
                message_id="<q3@acme.example>", References="<q1@acme.example>", hours_ago=2),
    )  # fmt: skip

    item = OpenItem.objects.get()
    assert item.kind == OpenItem.Kind.REPEATED_REQUEST
    assert item.stakeholder == jane
    assert item.title == "Asked again: Re: SOC 2"


def test_a_first_question_is_not_a_repeated_request(org, acme):
    capture(org, inbound("Any update on the roadmap?", message_id="<only@acme.example>"))

    assert not OpenItem.objects.exists()


def test_touchpoints_come_from_the_admins_keyword_map(org, acme):
    TouchpointKeyword.objects.create(
        keyword="invoice", touchpoint=Touchpoint.objects.get(slug="billing")
    )

    capture(
        org,
        inbound(subject="Your INVOICE for March", message_id="<1@acme.example>"),
        inbound(subject="Hello", message_id="<2@acme.example>"),
    )

    touchpoints = dict(Interaction.objects.values_list("summary", "touchpoint__slug"))
    assert touchpoints == {"Your INVOICE for March": "billing", "Hello": "service"}


def test_one_run_asks_once_for_each_accounts_recompute(
    org, acme, django_capture_on_commit_callbacks
):
    account, _ = acme
    other = AccountFactory(domain="globex.example", team=org.team, owner=org.csm)
    StakeholderFactory(account=other, email="hank@globex.example")
    raws = [inbound(message_id=f"<{n}@acme.example>", hours_ago=n + 1) for n in range(20)]
    raws += [inbound(sender="hank@globex.example", message_id=f"<{n}@globex.example>")
             for n in range(20)]  # fmt: skip

    with django_capture_on_commit_callbacks() as callbacks:
        capture(org, *raws)

    assert set(RecomputeRequest.objects.values_list("account_id", flat=True)) == {
        account.pk,
        other.pk,
    }
    assert len(callbacks) == 1  # one batch, one request for both accounts


@pytest.mark.parametrize(
    ("words", "direction"),
    [
        ("We are considering termination of the contract after this outage.", -1),
        ("Thank you, the new release is excellent and the team loves it.", +1),
    ],
)
def test_what_the_customer_writes_moves_the_score_its_way(org, acme, words, direction):
    """Against the same message in neutral words: a cold email lowers the writer's score, a
    warm one raises it (an email never earns credit against its own feeling)."""
    account, jane = acme
    for days in (3, 10, 20):  # a relationship with some warmth already, so it can move both ways
        InteractionFactory(
            account=account,
            stakeholders=[jane],
            sentiment=1,
            occurred_at=NOW - dt.timedelta(days=days),
        )

    def score_after(body: str) -> Decimal:
        Interaction.objects.filter(source=Interaction.Source.EMAIL).delete()
        CapturedMessage.objects.all().delete()
        capture(org, inbound(body, message_id="<m@acme.example>"))
        scores_recompute(account_ids=[account.pk])
        return StakeholderScore.objects.get(stakeholder=jane).value

    neutral = score_after("Here is the file with the numbers for the meeting.")
    felt = score_after(words)

    assert (felt - neutral) * direction > 0


def test_a_large_batch_is_written_whole_with_every_link(org, acme):
    """More messages than the bulk writer sends row by row (COPY on PostgreSQL)."""
    account, jane = acme
    raws = [inbound(message_id=f"<{n}@acme.example>", hours_ago=n + 1) for n in range(150)]

    result = capture(org, *raws)

    assert result.captured == 150
    captured = CapturedMessage.objects.select_related("interaction")
    assert {message.interaction.account_id for message in captured} == {account.pk}
    assert Interaction.stakeholders.through.objects.filter(stakeholder=jane).count() == 150
    assert set(captured.values_list("message_id", flat=True)) == {
        f"{n}@acme.example" for n in range(150)
    }


def test_ids_and_addresses_longer_than_their_columns_are_stored_without_failing(org, acme):
    long_id = "<" + "x" * 300 + "@acme.example>"
    long_address = "y" * 260 + "@acme.example"
    first = inbound(message_id=long_id, cc=long_address, hours_ago=5)
    reply = outbound(message_id="<r@example.com>", In_Reply_To=long_id, hours_ago=3)

    capture(org, first, reply)
    capture(org, first)  # again: the same id

    stored = CapturedMessage.objects.get(message_id__startswith="sha256:")
    assert CapturedMessage.objects.count() == 2
    assert CapturedMessage.objects.get(message_id="r@example.com").in_reply_to == stored.message_id
    assert Interaction.objects.get(direction="outbound").response_hours == Decimal("2.00")
    assert not SuggestedStakeholder.objects.exists()
