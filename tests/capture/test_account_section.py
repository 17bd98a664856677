"""The account page's "Mail and calendar" section and a captured message's page, through HTTP:
adding or dismissing a suggested stakeholder, confirming that someone left or that they did not,
correcting a captured message's sentiment, hiding its text, and the captured badge in the
timeline. What capture stored from strangers' mail is shown as text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capture.models import CapturedMessage, Decision, PersonSignal
from relationships.models import Interaction, RecomputeRequest, Stakeholder
from tests.capture.factories import (
    CapturedMessageFactory,
    MailboxFactory,
    PersonSignalFactory,
    SuggestedStakeholderFactory,
    captured_interaction,
)
from tests.factories import InteractionFactory, StakeholderFactory
from tests.pages import account_page, section_text

HTMX = {"HX-Request": "true"}
SCRIPT = '<script>alert("x")</script>'


def section(client, account, **headers) -> str:
    response = client.get(f"/accounts/{account.pk}/captured/", headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_an_account_with_nothing_found_says_so_in_words(client, org):
    client.force_login(org.csm)

    text = section_text(section(client, org.account), "captured")

    assert "Nothing to decide" in text
    assert "In the last 90 days: 0 emails (0 from the customer) and 0 meetings captured" in text


def test_the_section_lists_suggestions_departures_people_going_dark_and_counts(client, org):
    rita = StakeholderFactory(account=org.account, name="Rita Alvarez")
    sam = StakeholderFactory(account=org.account, name="Sam Ortiz")
    SuggestedStakeholderFactory(account=org.account, name="Nora Quinn", messages=4)
    SuggestedStakeholderFactory(account=org.account, name="Old News", state=Decision.DISMISSED)
    PersonSignalFactory(stakeholder=rita, reason="An automatic answer said: no longer with us.")
    PersonSignalFactory(
        stakeholder=sam,
        kind=PersonSignal.Kind.GOING_DARK,
        reason="Has not answered our last 3 messages.",
    )
    captured_interaction(org.account, person=rita)
    CapturedMessageFactory(account=org.account, kind=CapturedMessage.Kind.MEETING)
    CapturedMessageFactory(account=org.other_account)  # another account's
    client.force_login(org.csm)

    text = section_text(section(client, org.account), "captured")

    assert "Nora Quinn · Head of Operations" in text
    assert "4 messages" in text
    assert "Old News" not in text
    assert "Rita Alvarez · Director An automatic answer said: no longer with us." in text
    assert "Confirm left" in text
    assert "Sam Ortiz Has not answered our last 3 messages." in text
    assert (
        "In the last 90 days: 1 email (1 from the customer) and 1 meeting captured; "
        "1 logged as interaction." in text
    )
    assert "Nothing to decide" not in text


def test_the_account_page_loads_the_section(client, org):
    SuggestedStakeholderFactory(account=org.account, name="Nora Quinn")
    client.force_login(org.csm)

    assert "Nora Quinn" in section_text(account_page(client, org.account), "captured")


def test_adding_a_suggestion_makes_them_a_stakeholder_logs_their_mail_and_refreshes_people(
    client, org
):
    suggestion = SuggestedStakeholderFactory(
        account=org.account, name="Nora Quinn", email="nora@acme.example", title="CFO"
    )
    waiting = CapturedMessageFactory(account=org.account, outside="nora@acme.example")
    client.force_login(org.csm)

    response = client.post(f"/capture/suggestions/{suggestion.pk}/add/", headers=HTMX)

    assert response.status_code == 200
    person = Stakeholder.objects.get(account=org.account, email="nora@acme.example")
    assert (person.name, person.title) == ("Nora Quinn", "CFO")
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.stakeholder) == (Decision.ACCEPTED, person)
    waiting.refresh_from_db()
    assert list(waiting.interaction.stakeholders.all()) == [person]
    assert f'id="suggestion-{suggestion.pk}"' not in response.text  # decided: gone from the list
    assert "Added Nora Quinn as a stakeholder" in response.text
    events = response.headers["HX-Trigger"]
    assert "people-changed" in events
    assert "timeline-changed" in events
    assert 'id="score"' in response.text  # the score card, out of band, follows the recompute
    assert 'hx-swap-oob="true"' in response.text
    assert RecomputeRequest.objects.filter(account=org.account).exists()


def test_dismissing_a_suggestion_adds_no_one_and_it_is_not_shown_again(client, org):
    suggestion = SuggestedStakeholderFactory(account=org.account, name="Nora Quinn")
    client.force_login(org.csm)

    response = client.post(f"/capture/suggestions/{suggestion.pk}/dismiss/", headers=HTMX)

    assert response.status_code == 200
    assert "Nora Quinn will not be suggested again." in response.text
    assert f'id="suggestion-{suggestion.pk}"' not in response.text
    suggestion.refresh_from_db()
    assert suggestion.state == Decision.DISMISSED
    assert not Stakeholder.objects.exists()


def test_a_suggestion_decided_already_is_refused_and_nothing_changes(client, org):
    suggestion = SuggestedStakeholderFactory(account=org.account, state=Decision.DISMISSED)
    client.force_login(org.csm)

    response = client.post(f"/capture/suggestions/{suggestion.pk}/add/", headers=HTMX)

    assert response.status_code == 409
    assert "This suggestion was decided already." in response.text
    assert not Stakeholder.objects.exists()


def test_confirming_someone_left_marks_them_left_and_refreshes_people(client, org):
    rita = StakeholderFactory(account=org.account, name="Rita Alvarez")
    signal = PersonSignalFactory(stakeholder=rita)
    client.force_login(org.csm)

    response = client.post(f"/capture/signals/{signal.pk}/confirm/", headers=HTMX)

    assert response.status_code == 200
    assert "Rita Alvarez is marked as having left the company." in response.text
    rita.refresh_from_db()
    signal.refresh_from_db()
    assert (rita.status, signal.state) == (Stakeholder.Status.LEFT, PersonSignal.State.CONFIRMED)
    assert "people-changed" in response.headers["HX-Trigger"]
    assert "Confirm left" not in response.text


def test_not_left_keeps_the_person_and_closes_the_signal(client, org):
    rita = StakeholderFactory(account=org.account, name="Rita Alvarez")
    signal = PersonSignalFactory(stakeholder=rita)
    client.force_login(org.csm)

    response = client.post(f"/capture/signals/{signal.pk}/not-left/", headers=HTMX)

    assert "Rita Alvarez has not left." in response.text
    rita.refresh_from_db()
    signal.refresh_from_db()
    assert (rita.status, signal.state) == (Stakeholder.Status.ACTIVE, PersonSignal.State.DISMISSED)


def test_a_going_dark_signal_is_only_information(client, org):
    signal = PersonSignalFactory(
        stakeholder__account=org.account, kind=PersonSignal.Kind.GOING_DARK
    )
    client.force_login(org.csm)

    response = client.post(f"/capture/signals/{signal.pk}/confirm/", headers=HTMX)

    assert response.status_code == 409
    assert "Only a may-have-left signal is confirmed." in response.text
    signal.refresh_from_db()
    assert signal.state == PersonSignal.State.OPEN


def test_without_htmx_a_decision_goes_back_to_the_account_page(client, org):
    suggestion = SuggestedStakeholderFactory(account=org.account, name="Nora Quinn")
    client.force_login(org.csm)

    response = client.post(f"/capture/suggestions/{suggestion.pk}/add/", follow=True)

    assert response.redirect_chain == [(org.account.get_absolute_url(), 302)]
    assert "Added Nora Quinn as a stakeholder" in response.text


@pytest.mark.parametrize("who", ["outsider"])
def test_outsiders_reach_neither_the_section_nor_its_decisions(client, org, who):
    suggestion = SuggestedStakeholderFactory(account=org.account)
    signal = PersonSignalFactory(stakeholder__account=org.account)
    message = captured_interaction(org.account)
    client.force_login(getattr(org, who))

    assert client.get(f"/accounts/{org.account.pk}/captured/").status_code == 404
    for url in (
        f"/capture/suggestions/{suggestion.pk}/add/",
        f"/capture/suggestions/{suggestion.pk}/dismiss/",
        f"/capture/signals/{signal.pk}/confirm/",
        f"/capture/signals/{signal.pk}/not-left/",
        f"/capture/interactions/{message.interaction_id}/sentiment/",
        f"/capture/interactions/{message.interaction_id}/hide/",
    ):
        assert client.post(url, {"sentiment": "2"}).status_code == 404
    assert client.get(f"/capture/interactions/{message.interaction_id}/").status_code == 404
    suggestion.refresh_from_db()
    signal.refresh_from_db()
    message.refresh_from_db()
    assert (suggestion.state, signal.state) == (Decision.OPEN, PersonSignal.State.OPEN)
    assert (message.sentiment, message.hidden) == (0, False)


def test_a_teammate_decides_for_the_account_too(client, org):
    suggestion = SuggestedStakeholderFactory(account=org.account)
    client.force_login(org.teammate)

    assert client.post(f"/capture/suggestions/{suggestion.pk}/dismiss/").status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == Decision.DISMISSED


def grow(org, count: int) -> None:
    for _ in range(count):
        person = StakeholderFactory(account=org.account)
        SuggestedStakeholderFactory(account=org.account)
        PersonSignalFactory(stakeholder=person)
        PersonSignalFactory(stakeholder=person, kind=PersonSignal.Kind.GOING_DARK)
        captured_interaction(org.account, person=person)


def test_the_section_and_its_decisions_cost_the_same_queries_whatever_the_data(client, org):
    client.force_login(org.csm)

    def counts() -> list[int]:
        measured = []
        for make, action in (
            (lambda: SuggestedStakeholderFactory(account=org.account), "suggestions/{}/add"),
            (lambda: SuggestedStakeholderFactory(account=org.account), "suggestions/{}/dismiss"),
            (lambda: PersonSignalFactory(stakeholder__account=org.account), "signals/{}/confirm"),
            (lambda: PersonSignalFactory(stakeholder__account=org.account), "signals/{}/not-left"),
        ):
            url = f"/capture/{action.format(make().pk)}/"
            with CaptureQueriesContext(connection) as captured:
                assert client.post(url, headers=HTMX).status_code == 200
            measured.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            section(client, org.account)
        return [*measured, len(captured)]

    grow(org, 1)
    counts()  # warm: the session and the catalogs come from the cache
    few = counts()
    grow(org, 6)
    assert counts() == few


# --- a captured message's page, and the timeline ------------------------------------------------


def test_the_timeline_marks_captured_interactions_and_links_their_page(client, org):
    message = captured_interaction(org.account, subject="Renewal questions")
    InteractionFactory(account=org.account, summary="Logged by hand")
    client.force_login(org.csm)

    timeline = client.get(f"/accounts/{org.account.pk}/timeline/", headers=HTMX).text

    link = f'href="/capture/interactions/{message.interaction_id}/"'
    assert timeline.count("Email, captured") == 1
    assert link in timeline
    assert timeline.index(link) < timeline.index("Renewal questions")


def test_a_captured_message_page_shows_its_headers_snippet_and_source(client, org):
    mailbox = MailboxFactory(owner=org.csm, name="Work mail")
    message = captured_interaction(
        org.account,
        mailbox=mailbox,
        subject="Renewal questions",
        snippet="Can we talk about the renewal next week?",
        sender="jane.doe@acme.example",
        in_reply_to="earlier@example.com",
    )
    client.force_login(org.teammate)

    page = client.get(f"/capture/interactions/{message.interaction_id}/").text

    assert "Renewal questions" in page
    assert "Can we talk about the renewal next week?" in page
    text = " ".join(page.split())
    assert 'From</dt><dd class="col-8">jane.doe@acme.example' in text
    assert 'Source</dt><dd class="col-8">Mailbox: Work mail' in text
    assert "earlier@example.com" in text


def test_correcting_the_sentiment_changes_the_message_and_its_interaction(client, org):
    message = captured_interaction(org.account)
    client.force_login(org.csm)
    url = f"/capture/interactions/{message.interaction_id}/"

    response = client.post(f"{url}sentiment/", {"sentiment": "-2"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "The sentiment is corrected; the score follows." in response.text
    message.refresh_from_db()
    assert (message.sentiment, message.corrected) == (-2, True)
    assert Interaction.objects.get(pk=message.interaction_id).sentiment == -2
    assert "Corrected by a CSM" in response.text


@pytest.mark.parametrize("value", ["3", "-3", "", "very", "1.5"])
def test_a_sentiment_outside_the_scale_is_refused_and_nothing_changes(client, org, value):
    message = captured_interaction(org.account)
    client.force_login(org.csm)

    response = client.post(
        f"/capture/interactions/{message.interaction_id}/sentiment/", {"sentiment": value}
    )

    assert response.status_code == 422
    assert "sentiment" in response.context["form"].errors
    message.refresh_from_db()
    assert (message.sentiment, message.corrected) == (0, False)


def test_hiding_removes_the_text_here_and_in_the_timeline(client, org):
    message = captured_interaction(org.account, subject="Private matter", snippet="Very private.")
    client.force_login(org.csm)
    url = f"/capture/interactions/{message.interaction_id}/"

    response = client.post(f"{url}hide/", follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "text is removed; only its counts are kept." in response.text
    assert "Private matter" not in response.text
    assert "Very private." not in response.text
    assert "Text hidden" in response.text
    timeline = client.get(f"/accounts/{org.account.pk}/timeline/", headers=HTMX).text
    assert "Private matter" not in timeline
    assert "Email, captured" in timeline


def test_strangers_markup_in_captured_mail_and_suggestions_is_shown_as_text(client, org):
    message = captured_interaction(
        org.account,
        subject=f"Hi {SCRIPT}",
        snippet=f"<img src=x onerror=alert(1)> {SCRIPT}",
        sender='"><svg onload=alert(1)>@acme.example',
        outside='"><b>bold</b>@acme.example',
    )
    SuggestedStakeholderFactory(
        account=org.account, name=f"Eve {SCRIPT}", title='"><i onmouseover=alert(1)>'
    )
    client.force_login(org.csm)

    pages = [
        client.get(f"/capture/interactions/{message.interaction_id}/").text,
        section(client, org.account),
        client.get(f"/accounts/{org.account.pk}/timeline/", headers=HTMX).text,
    ]

    for page in pages:
        assert SCRIPT not in page
        assert "<img src=x" not in page
        assert "<svg onload" not in page
        assert "<b>bold" not in page
        assert "<i onmouseover" not in page
    assert "&lt;script&gt;" in pages[0]
    assert "Eve &lt;script&gt;" in pages[1]
    assert "Hi &lt;script&gt;" in pages[2]
