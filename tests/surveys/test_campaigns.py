"""Campaigns: creating one with a preview of who is invited and who is skipped, scheduled
sends and reminders claimed once, and the campaign pages."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.mail.models import OutboundEmail
from surveys.models import (
    Campaign,
    Invitation,
    SurveyOptOut,
    SurveyTemplate,
)
from surveys.services import invitations_send_due, reminders_send_due
from tests.factories import (
    AccountFactory,
    InvitationFactory,
    StakeholderFactory,
    campaign_form_data,
)
from tests.pages import account_section
from tests.smtp import launch

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return campaign_form_data(**{"reminder_days": "4, 9", **overrides})


@pytest.fixture
def people(org):
    """Everyone at Acme, one of each reason to be skipped, and one person at Globex."""
    make = StakeholderFactory
    return {
        "ada": make(account=org.account, name="Ada", email="ada@acme.example", role="champion"),
        "bob": make(account=org.account, name="Bob", email="bob@acme.example", role="user"),
        "left": make(account=org.account, name="Lena", email="l@acme.example", status="left"),
        "no_email": make(account=org.account, name="Noor", email=""),
        "opted_out": make(account=org.account, name="Otto", email="o@acme.example"),
        "recent": make(account=org.account, name="Rita", email="r@acme.example"),
        "outsider": make(account=org.other_account, name="Gus", email="gus@globex.example"),
    }


def test_campaign_preview_lists_invited_and_skipped_with_reasons_and_creates_nothing(
    client, org, people
):
    SurveyOptOut.objects.create(stakeholder=people["opted_out"])
    InvitationFactory(stakeholder=people["recent"], account=org.account)
    client.force_login(org.csm)
    response = client.post("/campaigns/new/", form_data(accounts=[org.account.pk]))
    assert response.context["form"].errors == {}
    context = response.context
    assert [p.name for p in context["audience"].invite] == ["Ada", "Bob"]
    assert [(p.name, why) for p, why in context["audience"].skipped] == [
        ("Lena", "Left the company"),
        ("Noor", "No email address"),
        ("Otto", "Opted out of surveys"),
        ("Rita", "Surveyed within the quiet period"),
    ]
    page = response.content.decode()
    assert "Will be invited (2)" in page
    assert "Surveyed within the quiet period" in page
    assert "Acme Customer Success would like your view, Ada" in page
    assert Campaign.objects.filter(name="Spring check").count() == 0


def test_campaign_outsider_account_is_not_a_choice(client, org, people):
    client.force_login(org.csm)
    response = client.post(
        "/campaigns/new/", form_data(stakeholders=[people["outsider"].pk], action="create")
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Campaign.objects.exists()


def test_campaign_bad_input_shows_field_errors_and_creates_nothing(client, org, people):
    client.force_login(org.csm)
    response = client.post(
        "/campaigns/new/",
        form_data(reminder_days="soon", expiry_days="0", action="create"),
    )
    errors = response.context["form"].errors
    assert errors["reminder_days"] == [
        "Write whole days after sending, separated by commas, e.g. 4,9."
    ]
    assert "expiry_days" in errors
    assert "Choose accounts or hand-pick stakeholders." in errors["__all__"]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("quiet_days", ["3651", "99999999999"])
def test_campaign_quiet_period_beyond_ten_years_is_a_field_error(client, org, people, quiet_days):
    client.force_login(org.csm)
    data = form_data(quiet_days=quiet_days, accounts=[org.account.pk], action="preview")
    response = client.post("/campaigns/new/", data)
    assert response.status_code == 422
    assert response.context["form"].errors["quiet_days"] == [
        "Ensure this value is less than or equal to 3650."
    ]
    assert not Campaign.objects.exists()


def test_campaign_created_now_emails_each_invited_person_once(
    client, org, people, django_capture_on_commit_callbacks
):
    client.force_login(org.csm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/campaigns/new/",
            form_data(accounts=[org.account.pk], roles=["champion"], action="create"),
            follow=True,
        )
    campaign = Campaign.objects.get()
    assert response.redirect_chain == [(f"/campaigns/{campaign.pk}/", 302)]
    assert "1 invitation being sent" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["ada@acme.example"]]
    assert campaign.reminder_days == "4,9"
    assert "Accounts: Acme; Roles: Champion" in response.content.decode()
    assert invitations_send_due() == 0


def test_campaign_scheduled_is_sent_when_due_and_only_once(org, people):
    later = timezone.now() + dt.timedelta(hours=2)
    campaign = launch(org, [people["ada"]], send_at=later)
    assert invitations_send_due() == 0
    Campaign.objects.filter(pk=campaign.pk).update(send_at=timezone.now())
    assert invitations_send_due() == 1
    assert invitations_send_due() == 0
    invitation = Invitation.objects.get()
    assert invitation.email.to == "ada@acme.example"
    assert invitation.next_reminder_at == invitation.sent_at + dt.timedelta(days=4)


def test_campaign_reminders_go_out_on_their_days_until_answered(org, people):
    launch(org, [people["ada"], people["bob"]])
    assert reminders_send_due() == 0
    Invitation.objects.update(next_reminder_at=timezone.now())
    Invitation.objects.filter(stakeholder=people["bob"]).update(answered_at=timezone.now())
    assert reminders_send_due() == 1
    assert reminders_send_due() == 0
    ada = Invitation.objects.get(stakeholder=people["ada"])
    assert ada.reminders_sent == 1
    assert ada.next_reminder_at == ada.sent_at + dt.timedelta(days=9)
    reminder = OutboundEmail.objects.filter(to="ada@acme.example").order_by("pk").last()
    assert reminder.subject.startswith("Reminder: ")
    # each email carries its own links: one to answer, one to opt out
    assert ada.tokens.filter(purpose="answer").count() == 2
    assert ada.tokens.filter(purpose="opt_out").count() == 2


def test_campaign_page_counts_and_answers_only_for_visible_accounts(client, org, people):
    campaign = launch(org, [people["ada"], people["bob"]])
    other = InvitationFactory(campaign=campaign, stakeholder=people["outsider"])
    Invitation.objects.filter(stakeholder=people["ada"]).update(
        opened_at=timezone.now(), answered_at=timezone.now()
    )
    OutboundEmail.objects.filter(to="bob@acme.example").update(
        state="failed", last_error="550 5.1.1 No such user"
    )
    client.force_login(org.csm)
    response = client.get(f"/campaigns/{campaign.pk}/")
    stats = dict(response.context["stats"])
    assert stats == {
        "Invited": 2, "Sent": 2, "Delivered": 0, "Opened": 1, "Answered": 1,
        "Expired": 0, "Opted out": 0, "Failed": 1,
    }  # fmt: skip
    page = response.content.decode()
    assert "550 5.1.1 No such user" in page
    assert other.stakeholder.name not in page
    assert response.context["rate_tables"][0][1] == [
        {"name": "Acme", "invited": 2, "answered": 1, "rate": 50}
    ]
    client.force_login(org.outsider)
    assert client.get(f"/campaigns/{campaign.pk}/").context["stats"][0] == ("Invited", 1)


def many(org, size):
    account = AccountFactory(team=org.team)
    people = [StakeholderFactory(account=account, email=f"p{n}@example.com") for n in range(size)]
    return launch(org, people, name=f"Campaign of {size}")


@pytest.mark.parametrize("size", [1, 15])
def test_campaign_list_query_count_is_the_same_at_any_size(
    client, org, size, django_assert_num_queries
):
    for _ in range(size):
        many(org, 2)
    client.force_login(org.csm)
    with django_assert_num_queries(3):
        response = client.get("/campaigns/")
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [1, 15])
def test_campaign_page_query_count_is_the_same_at_any_size(
    client, org, size, django_assert_num_queries
):
    campaign = many(org, size)
    Invitation.objects.update(answered_at=timezone.now())
    client.force_login(org.csm)
    with django_assert_num_queries(10):
        response = client.get(f"/campaigns/{campaign.pk}/")
    assert response.context["stats"][0] == ("Invited", size)


def test_survey_template_preview_shows_the_questions_and_cannot_be_sent(client, org):
    template = SurveyTemplate.objects.get(slug="relationship-check")
    client.force_login(org.csm)
    response = client.get(f"/survey-templates/{template.pk}/preview/?sender=Acme+CS")
    page = response.content.decode()
    assert "Preview of the survey page" in page
    assert "Acme CS" in page
    assert "Do you trust us to do what we say we will?" in page
    assert "5 · Gushing promoter" in page
    assert 'type="submit" class="btn btn-primary btn-lg" disabled' in page


def test_campaign_page_summarises_each_question_in_its_options_order(
    client, org, people, django_capture_on_commit_callbacks
):
    from surveys.models import Question
    from surveys.selectors import question_specs
    from surveys.services import response_submit

    campaign = launch(org, [people["ada"], people["bob"]])
    questions = question_specs(campaign.template)
    keys = {spec.kind: spec.key for _pk, spec in questions}
    for invitation, (happy, score, trust) in zip(
        Invitation.objects.order_by("stakeholder__name"),
        [(5, 10, "high"), (2, 3, "low")],
        strict=True,
    ):
        cleaned = {keys["scale"]: happy, keys["nps"]: score, keys["trust"]: trust,
                   keys["respect"]: "high"}  # fmt: skip
        response_submit(invitation=invitation, questions=questions, cleaned=cleaned)
    client.force_login(org.csm)
    summaries = {q["kind"]: q for q in client.get(campaign.get_absolute_url()).context["questions"]}
    assert summaries["scale"]["counts"] == [("Gushing promoter", 1), ("Unhappy", 1)]
    assert summaries["nps"]["counts"] == [("10", 1), ("3", 1)]
    assert summaries["nps"]["nps"] == 0
    assert summaries["trust"]["counts"] == [("High", 1), ("Low", 1)]
    assert summaries["text"]["answers"] == 0
    assert Question.objects.filter(template=campaign.template).count() == len(summaries)


def test_campaign_list_counts_only_invitations_the_user_may_see(
    client, org, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = launch(org, [people["ada"], people["bob"]])
    InvitationFactory(campaign=campaign, stakeholder=people["outsider"])
    client.force_login(org.outsider)
    [row] = client.get("/campaigns/").context["page"].object_list
    assert (row.name, row.invited, row.delivered) == (campaign.name, 1, 0)
    client.force_login(org.csm)
    [row] = client.get("/campaigns/").context["page"].object_list
    assert (row.invited, row.delivered) == (2, 2)


def test_campaign_larger_than_a_batch_is_sent_whole(org, monkeypatch):
    monkeypatch.setattr("surveys.services.SEND_BATCH", 3)
    people = [StakeholderFactory(account=org.account, email=f"p{n}@acme.example") for n in range(7)]
    launch(org, people)
    assert Invitation.objects.filter(email__isnull=False).count() == 7
    assert OutboundEmail.objects.count() == 7


def test_campaign_new_from_the_account_page_preselects_the_account(client, org):
    client.force_login(org.csm)
    page = account_section(client, org.account, "survey-section")
    assert f'href="/campaigns/new/?accounts={org.account.pk}"' in page
    form = client.get(f"/campaigns/new/?accounts={org.account.pk}").context["form"]
    assert form["accounts"].value() == [str(org.account.pk)]
