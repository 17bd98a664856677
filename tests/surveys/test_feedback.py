"""The feedback loop on the account page: what customers wrote, acknowledged and acted on."""

import pytest
from django.utils import timezone

from relationships.models import FeedbackItem
from surveys.models import FeedbackSource
from surveys.selectors import question_specs
from surveys.services import response_submit
from tests.factories import FeedbackItemFactory, InvitationFactory
from tests.pages import account_section

pytestmark = pytest.mark.django_db


def test_account_page_shows_invitations_and_feedback(client, org):
    InvitationFactory(account=org.account, stakeholder__account=org.account,
                      stakeholder__name="Ada Lovelace")  # fmt: skip
    FeedbackItemFactory(account=org.account, text="Faster ticket answers, please.")
    client.force_login(org.teammate)
    page = account_section(client, org.account, "survey-section")
    assert "Surveys and feedback" in page
    assert "Ada Lovelace" in page
    assert "Faster ticket answers, please." in page
    assert "Acknowledge" in page


def test_a_free_text_answer_becomes_feedback_that_keeps_its_answer_while_the_answer_exists():
    invitation = InvitationFactory()
    questions = question_specs(invitation.campaign.template)
    [text] = [spec.key for _pk, spec in questions if spec.kind == "text"]
    response_submit(invitation=invitation, questions=questions, cleaned={text: "Keep the calls."})
    item = FeedbackItem.objects.get()
    assert (item.text, item.stakeholder, item.received_on) == (
        "Keep the calls.", invitation.stakeholder, timezone.localdate(),
    )  # fmt: skip
    assert FeedbackSource.objects.get(pk=item.pk).answer.value == "Keep the calls."
    invitation.campaign.delete()  # and with it the answers
    assert FeedbackItem.objects.get().text == "Keep the calls."
    assert FeedbackSource.objects.get(pk=item.pk).answer is None


def test_account_page_without_surveys_says_how_to_start(client, org):
    client.force_login(org.csm)
    assert "No surveys yet" in account_section(client, org.account, "survey-section")


def test_feedback_acknowledged_then_acted_on_keeps_dates_and_people(client, org):
    item = FeedbackItemFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(f"/feedback/{item.pk}/acknowledge/", follow=True)
    assert "Feedback acknowledged." in response.content.decode()
    client.force_login(org.teammate)
    client.post(f"/feedback/{item.pk}/acted/", {"note": "Added a second support shift."})
    item.refresh_from_db()
    assert (item.acknowledged_on, item.acknowledged_by) == (timezone.localdate(), org.csm)
    assert (item.acted_on, item.acted_by) == (timezone.localdate(), org.teammate)
    assert item.action_note == "Added a second support shift."


def test_feedback_acted_on_without_a_note_changes_nothing(client, org):
    item = FeedbackItemFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(f"/feedback/{item.pk}/acted/", {"note": " "})
    assert response.status_code == 422
    assert "Say what was done about the feedback." in response.content.decode()
    assert FeedbackItem.objects.get().acted_on is None


def test_feedback_action_without_a_note_over_htmx_keeps_the_card_and_says_why(client, org):
    item = FeedbackItemFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(
        f"/feedback/{item.pk}/acted/", {"note": " "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    fragment = response.content.decode()
    assert fragment.strip().startswith(
        f'<li class="border rounded p-2 mb-2" id="feedback-{item.pk}">'
    )
    assert "Say what was done about the feedback." in fragment
    assert "Mark acted on" in fragment
    assert FeedbackItem.objects.get().acted_on is None


def test_feedback_of_another_team_is_not_found(client, org):
    item = FeedbackItemFactory(account=org.other_account)
    client.force_login(org.csm)
    assert client.post(f"/feedback/{item.pk}/acknowledge/").status_code == 404
    assert FeedbackItem.objects.get().acknowledged_on is None


def test_seed_demo_has_a_campaign_with_answers_and_feedback(db, client):
    from io import StringIO

    from django.core.management import call_command

    from surveys.models import Campaign

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    campaign = Campaign.objects.get()
    answered = campaign.invitations.filter(answered_at__isnull=False).count()
    assert 0 < answered < campaign.invitations.count()
    assert FeedbackItem.objects.exists()
    assert client.login(username="csm@rapport.example", password="rapport-demo")
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "NPS" in page


def test_feedback_action_over_htmx_returns_only_the_updated_card(client, org):
    item = FeedbackItemFactory(account=org.account, text="More training, please.")
    client.force_login(org.csm)
    response = client.post(
        f"/feedback/{item.pk}/acted/",
        {"note": "Booked two sessions."},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert fragment.strip().startswith(
        f'<li class="border rounded p-2 mb-2" id="feedback-{item.pk}">'
    )
    assert "acted on" in fragment
    assert "Booked two sessions." in fragment
    assert "<html" not in fragment
    assert "Mark acted on" not in fragment
