"""Cancelling a campaign: nothing more is sent, waiting emails are withdrawn, unanswered links
stop taking answers, answers already given are kept; only its creator or an admin may."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.mail.models import OutboundEmail
from surveys.models import (
    Campaign,
    Invitation,
)
from surveys.services import invitations_send_due, reminders_send_due
from tests.factories import StakeholderFactory, invitation_token
from tests.smtp import launch

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_and_bob(org):
    make = StakeholderFactory
    return [
        make(account=org.account, name="Ada", email="ada@acme.example"),
        make(account=org.account, name="Bob", email="bob@acme.example"),
    ]


def cancel(client, campaign):
    return client.post(reverse("campaign_cancel", args=[campaign.pk]), follow=True)


def test_cancelling_withdraws_waiting_emails_keeps_answers_and_sends_nothing_more(
    client, org, ada_and_bob
):
    campaign = launch(org, ada_and_bob)  # both first emails wait in the outbox
    ada, bob = (Invitation.objects.get(stakeholder=person) for person in ada_and_bob)
    Invitation.objects.filter(pk=bob.pk).update(answered_at=timezone.now())
    ada_link = invitation_token(ada)
    client.force_login(org.csm)

    page = cancel(client, campaign).content.decode()

    assert "nothing more will be sent, and 1 unanswered link no longer takes answers" in page
    assert "Cancelled on" in page
    ada.refresh_from_db()
    assert (ada.cancelled, ada.sent_at, ada.email, ada.status) == (True, None, None, "Cancelled")
    assert not OutboundEmail.objects.filter(to="ada@acme.example").exists()
    bob.refresh_from_db()
    assert (bob.cancelled, bob.status) == (False, "Answered")
    Invitation.objects.update(next_reminder_at=timezone.now())
    assert (invitations_send_due(), reminders_send_due()) == (0, 0)
    assert "Cancelled</span>" in client.get(reverse("campaign_list")).content.decode()
    survey = client.get(reverse("survey_answer", args=[ada_link]))
    assert survey.status_code == 410
    stats = dict(client.get(campaign.get_absolute_url()).context["stats"])
    assert (stats["Sent"], stats["Answered"], stats["Cancelled"], stats["Expired"]) == (1, 1, 1, 0)


def test_a_scheduled_campaign_cancelled_is_never_sent(client, org, ada_and_bob):
    campaign = launch(org, ada_and_bob, send_at=timezone.now() + dt.timedelta(hours=2))
    client.force_login(org.csm)
    cancel(client, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(send_at=timezone.now())
    assert invitations_send_due() == 0
    assert not OutboundEmail.objects.exists()


def test_a_send_that_read_the_clock_before_the_cancel_still_skips_it(
    client, org, ada_and_bob, monkeypatch
):
    campaign = launch(org, ada_and_bob, send_at=timezone.now() + dt.timedelta(hours=2))
    client.force_login(org.csm)
    cancel(client, campaign)
    before = Campaign.objects.get().cancelled_at - dt.timedelta(seconds=1)
    Campaign.objects.filter(pk=campaign.pk).update(send_at=before - dt.timedelta(minutes=1))
    monkeypatch.setattr("surveys.services.timezone.now", lambda: before)
    assert invitations_send_due() == 0  # the links had not expired yet by its clock


def test_an_email_being_sent_when_cancelled_still_goes(client, org, ada_and_bob):
    campaign = launch(org, ada_and_bob[:1])
    OutboundEmail.objects.update(state=OutboundEmail.State.SENDING, claimed_at=timezone.now())
    client.force_login(org.csm)
    cancel(client, campaign)
    email = OutboundEmail.objects.get()
    assert email.state == OutboundEmail.State.SENDING
    invitation = Invitation.objects.get()
    assert invitation.email == email
    assert invitation.sent_at is not None
    assert invitation.cancelled


def test_cancelling_twice_says_so_and_changes_nothing(client, org, ada_and_bob):
    campaign = launch(org, ada_and_bob)
    client.force_login(org.csm)
    cancel(client, campaign)
    first = Campaign.objects.get().cancelled_at
    client.force_login(org.admin)
    page = cancel(client, campaign).content.decode()
    assert "was already cancelled" in page
    assert Campaign.objects.get().cancelled_at == first
    assert Campaign.objects.get().cancelled_by == org.csm


def test_only_the_creator_or_an_admin_may_cancel(client, org, ada_and_bob):
    campaign = launch(org, ada_and_bob)  # created by org.csm
    client.force_login(org.teammate)  # sees it through the team's account
    assert "Cancel this campaign" not in client.get(campaign.get_absolute_url()).content.decode()
    assert client.post(reverse("campaign_cancel", args=[campaign.pk])).status_code == 403
    client.force_login(org.outsider)
    assert client.post(reverse("campaign_cancel", args=[campaign.pk])).status_code == 404
    assert Campaign.objects.get().cancelled_at is None
    assert Invitation.objects.filter(cancelled=True).count() == 0

    client.force_login(org.csm)
    assert "Cancel this campaign" in client.get(campaign.get_absolute_url()).content.decode()
    client.force_login(org.admin)
    cancel(client, campaign)
    assert Campaign.objects.get().cancelled_by == org.admin


def test_the_database_refuses_a_canceller_without_a_time(org, ada_and_bob):
    campaign = launch(org, ada_and_bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(cancelled_by=org.admin)
