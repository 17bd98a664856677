"""A stakeholder answers through the emailed link: answers feed the relationship model; the
link is single use, expires, and never changes anything on GET."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from relationships.models import FeedbackItem, Moment, MomentType, RecomputeRequest, Stakeholder
from surveys.models import Answer, Invitation, Question, SurveyOptOut
from surveys.questions import QUESTION_TYPES
from tests.factories import StakeholderFactory
from tests.smtp import launch, token_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(org, smtp, settings, django_capture_on_commit_callbacks):
    """A campaign sent to Ada (trust and respect low) through the real SMTP server."""
    settings.SITE_URL = "http://testserver"
    ada = StakeholderFactory(
        account=org.account, name="Ada Lovelace", email="ada@customer.example",
        trust="low", respect="low",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        campaign = launch(org, [ada])
    [message] = smtp.wait_for(1)
    return campaign, ada, token_in(message), message


def answers(**overrides):
    questions = {q.kind: q for q in Question.objects.filter(template__slug="relationship-check")}
    go_live = MomentType.objects.get(slug="go_live")
    data = {
        f"q{questions['scale'].pk}": "5",
        f"q{questions['nps'].pk}": "9",
        f"q{questions['trust'].pk}": "high",
        f"q{questions['respect'].pk}": "high",
        f"q{questions['moments'].pk}_{go_live.pk}": "delighted",
        f"q{questions['text'].pk}": "Keep the weekly calls, please.",
    }
    return {**data, **overrides}


def _unsubscribe_token(message) -> str:
    """The token of the opt-out link in a received message's List-Unsubscribe header."""
    header = message["List-Unsubscribe"]
    return re.search(r"<http://testserver/s/(\S+)/opt-out/>", header).group(1)


def test_survey_link_in_the_email_opens_a_page_with_name_and_account_only(client, emailed, org):
    campaign, ada, token, message = emailed
    assert _unsubscribe_token(message) != token
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = client.get(f"/s/{token}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace · Acme" in page
    assert "Acme Customer Success" in page
    assert org.other_account.name not in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"


def test_survey_get_records_only_the_first_view(client, emailed):
    campaign, ada, token, _message = emailed
    client.get(f"/s/{token}/")
    invitation = Invitation.objects.get(stakeholder=ada)
    first_view = invitation.opened_at
    client.get(f"/s/{token}/")
    invitation.refresh_from_db()
    assert first_view is not None
    assert invitation.opened_at == first_view
    assert invitation.answered_at is None
    assert Answer.objects.count() == 0


def test_survey_answers_feed_the_relationship_model(
    client, emailed, django_capture_on_commit_callbacks
):
    campaign, ada, token, _message = emailed
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/s/{token}/", answers())
    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.trust, ada.respect) == ("high", "high")
    latest = ada.history.first()
    assert latest.history_change_reason == (
        "Ada Lovelace, answering the survey “Spring relationship check”"
    )
    assert latest.history_user is None
    moment = Moment.objects.get(stakeholder=ada)
    assert (moment.moment_type.slug, moment.emotion, moment.identified_by) == (
        "go_live", "delighted", "customer",
    )  # fmt: skip
    feedback = FeedbackItem.objects.get(stakeholder=ada)
    assert feedback.text == "Keep the weekly calls, please."
    assert feedback.received_on == timezone.localdate()
    feelings = dict(Answer.objects.filter(feeling__isnull=False).values_list("kind", "feeling"))
    assert feelings == {"scale": 1.0, "nps": 0.9}
    assert RecomputeRequest.objects.filter(account=ada.account).exists()


def test_survey_first_submit_thanks_without_saying_already_answered(client, emailed):
    campaign, ada, token, _message = emailed
    response = client.post(f"/s/{token}/", answers(), follow=True)
    page = response.content.decode()
    assert "Thank you, Ada Lovelace" in page
    assert "every answer is read" in page
    assert "already been answered" not in page


def test_survey_answer_is_credited_to_the_stakeholder_in_the_history(client, emailed, org):
    campaign, ada, token, _message = emailed
    client.post(f"/s/{token}/", answers())
    client.force_login(org.csm)
    history = client.get(f"/accounts/{org.account.pk}/history/").content.decode()
    assert "Ada Lovelace, answering the survey “Spring relationship check”" in history


def test_survey_replay_after_submit_says_already_answered(client, emailed):
    campaign, ada, token, _message = emailed
    client.post(f"/s/{token}/", answers())
    again = client.post(f"/s/{token}/", answers(q0="x"))
    assert "already been answered" in again.content.decode()
    assert "already been answered" in client.get(f"/s/{token}/").content.decode()
    assert Answer.objects.filter(response__invitation__stakeholder=ada).count() == 6
    assert FeedbackItem.objects.count() == 1


def test_survey_missing_required_answers_show_errors_and_change_nothing(client, emailed):
    campaign, ada, token, _message = emailed
    trust = Question.objects.get(template__slug="relationship-check", kind="trust")
    data = answers()
    del data[f"q{trust.pk}"]
    response = client.post(f"/s/{token}/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Some answers need another look" in page
    assert page.count("This field is required.") == 1
    ada.refresh_from_db()
    assert ada.trust == "low"
    assert Answer.objects.count() == 0
    assert Invitation.objects.get(stakeholder=ada).answered_at is None


def test_survey_expired_link_says_so(client, emailed):
    campaign, ada, token, _message = emailed
    Invitation.objects.filter(stakeholder=ada).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.get(f"/s/{token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.post(f"/s/{token}/", answers()).status_code == 410
    assert Answer.objects.count() == 0


def test_survey_opt_out_link_cannot_open_or_answer_the_survey(client, emailed):
    campaign, ada, token, message = emailed
    opt_out = _unsubscribe_token(message)
    assert client.get(f"/s/{opt_out}/").status_code == 404
    assert client.post(f"/s/{opt_out}/", answers()).status_code == 404
    assert Answer.objects.count() == 0
    assert client.get(f"/s/{token}/").status_code == 200  # the survey link still works


def test_survey_link_may_opt_out_too(client, emailed):
    campaign, ada, token, _message = emailed
    client.post(f"/s/{token}/opt-out/")
    assert SurveyOptOut.objects.filter(stakeholder=ada).exists()


def test_survey_opt_out_one_click_skips_later_campaigns(client, emailed, org):
    campaign, ada, _token, message = emailed
    token = _unsubscribe_token(message)
    assert client.get(f"/s/{token}/opt-out/").status_code == 200
    assert not SurveyOptOut.objects.exists()  # GET changes nothing
    response = client.post(f"/s/{token}/opt-out/", {"List-Unsubscribe": "One-Click"})
    assert "You will not receive more surveys" in response.content.decode()
    assert SurveyOptOut.objects.filter(stakeholder=ada).exists()
    later = launch(org, [ada], name="Autumn check", quiet_days=0)
    assert later.invitations.count() == 0


def test_survey_rate_limit_answers_429_per_link(client, emailed, settings):
    settings.SURVEY_RATE_PER_TOKEN = 3
    campaign, ada, token, _message = emailed
    statuses = [client.get(f"/s/{token}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Too many requests" in client.get(f"/s/{token}/").content.decode()


def test_survey_rate_limit_answers_429_per_address(client, settings):
    settings.SURVEY_RATE_PER_IP = 2
    statuses = [client.get(f"/s/{'a' * 43}{n}/").status_code for n in range(3)]
    assert statuses == [404, 404, 429]


def test_survey_left_stakeholder_is_not_changed_back(client, emailed):
    """Answers never touch the status: only trust and respect."""
    campaign, ada, token, _message = emailed
    Stakeholder.objects.filter(pk=ada.pk).update(status="left")
    client.post(f"/s/{token}/", answers())
    ada.refresh_from_db()
    assert (ada.status, ada.trust) == ("left", "high")


def competitor_matrix(**ratings):
    """The competitor matrix's fields: dimension slug -> (ours, theirs) as strings."""
    from relationships.models import CompetitorDimension

    question = Question.objects.get(template__slug="relationship-check", kind="competitor")
    data = {}
    for slug, (ours, theirs) in ratings.items():
        dimension = CompetitorDimension.objects.get(slug=slug)
        data[f"q{question.pk}_{dimension.pk}_ours"] = ours
        data[f"q{question.pk}_{dimension.pk}_theirs"] = theirs
    return data


@pytest.fixture
def leader(org):
    from tests.factories import CompetitorFactory

    org.account.leading_competitor = CompetitorFactory(name="Orbit CX")
    org.account.save()
    return org.account.leading_competitor


def test_survey_competitor_answers_become_survey_ratings(client, emailed, leader):
    from relationships.models import CompetitorRating

    _campaign, ada, token, _message = emailed
    page = client.get(f"/s/{token}/").content.decode()
    assert "Service: Orbit CX" in page
    response = client.post(
        f"/s/{token}/", answers(**competitor_matrix(service=("4", "2"), product=("2", "5")))
    )
    assert response.status_code == 302
    ratings = {
        r.dimension.slug: (r.our_rating, r.their_rating, r.source, r.competitor, r.stakeholder)
        for r in CompetitorRating.objects.select_related("dimension", "competitor", "stakeholder")
    }
    assert ratings == {
        "service": (4, 2, "survey", leader, ada),
        "product": (2, 5, "survey", leader, ada),
    }


def test_survey_competitor_row_rated_on_one_side_only_is_refused(client, emailed, leader):
    from relationships.models import CompetitorRating

    _campaign, _ada, token, _message = emailed
    response = client.post(f"/s/{token}/", answers(**competitor_matrix(value=("3", ""))))
    assert response.status_code == 422
    assert "Rate both for value, or neither." in response.content.decode()
    assert not CompetitorRating.objects.exists()
    assert Answer.objects.count() == 0


def test_survey_without_a_leading_competitor_does_not_ask_the_matrix(client, emailed):
    _campaign, _ada, token, _message = emailed
    page = client.get(f"/s/{token}/").content.decode()
    assert "How do we compare with the vendor" not in page


def test_campaign_page_summarises_every_question_type_answered(client, emailed, leader, org):
    campaign, _ada, token, _message = emailed
    matrix = competitor_matrix(service=("4", "2"), product=("2", "5"))
    assert client.post(f"/s/{token}/", answers(**matrix)).status_code == 302
    answered = {answer.kind for answer in Answer.objects.all()}
    assert answered == {kind for kind, _type in QUESTION_TYPES.items()}
    client.force_login(org.csm)
    response = client.get(campaign.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Service: us 4.0, them 2.0: 1" in page
    assert "Product: us 2.0, them 5.0: 1" in page
    assert "Go-live: Delighted: 1" in page
    assert "NPS 100" in page  # one promoter (9)
