"""Survey mail that cannot be turned against Rapport or its readers: the preview shows names as
text, plain-text parts are not HTML-escaped, one bad name never stops the sending of others,
secret links are not kept once sent, and a campaign's audience is described to each reader as
they may see it."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.mail.models import OutboundEmail
from core.mail.outbox import SUBJECT_LENGTH, outbox_send
from surveys.models import Campaign
from surveys.services import invitations_send_due
from tests.factories import StakeholderFactory, campaign_form_data
from tests.smtp import launch

pytestmark = pytest.mark.django_db

MARKUP = '<p hx-post="/admin/accounts/user/1/change/" hx-trigger="load">Ada</p>'


def campaign_form(org, **overrides):
    chosen = {"sender_name": "Rapport & Partners", "accounts": [org.account.pk]}
    return campaign_form_data(**chosen | overrides)


def test_campaign_preview_shows_names_in_the_email_as_text(client, org):
    org.account.name = MARKUP
    org.account.save()
    StakeholderFactory(account=org.account, name=MARKUP, email="ada@acme.example")
    client.force_login(org.csm)
    response = client.post(
        "/campaigns/new/", campaign_form(org, sender_name=MARKUP, action="preview")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hello &lt;p hx-post=" in page
    assert MARKUP not in page


def test_plain_text_email_keeps_ampersands_and_quotes(org, django_capture_on_commit_callbacks):
    person = StakeholderFactory(account=org.account, name="O'Brien", email="ob@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        launch(org, [person], sender_name="Acme & Partners")
    [message] = mail.outbox
    assert message.subject == "Acme & Partners would like your view, O'Brien"
    assert "Hello O'Brien," in message.body
    assert "Acme & Partners would like to know" in message.body
    html = message.alternatives[0].content
    assert "Acme &amp; Partners" in html  # the HTML part is escaped as HTML should be


def test_campaign_sender_with_a_line_break_is_refused_and_nothing_is_created(client, org):
    StakeholderFactory(account=org.account, email="ada@acme.example")
    client.force_login(org.csm)
    response = client.post(
        "/campaigns/new/", campaign_form(org, sender_name="Acme\r\nBcc: x@evil", action="create")
    )
    assert response.status_code == 422
    assert "no line breaks" in response.content.decode()
    assert Campaign.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_long_names_are_sent_with_a_shortened_subject(client, org):
    StakeholderFactory(account=org.account, name="N" * 200, email="ada@acme.example")
    client.force_login(org.csm)
    response = client.post(
        "/campaigns/new/", campaign_form(org, sender_name="S" * 120, action="create")
    )
    assert response.status_code == 302
    email = OutboundEmail.objects.get()
    assert len(email.subject) == SUBJECT_LENGTH
    assert email.subject.endswith("…")
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.SENT


def test_one_unsendable_email_fails_alone_and_the_other_campaigns_go_out(org):
    good = StakeholderFactory(account=org.account, name="Ada", email="ada@acme.example")
    bad = StakeholderFactory(account=org.account, name="Bo", email="bo@acme.example")
    later = timezone.now() + dt.timedelta(minutes=5)
    launch(org, [bad], name="First", send_at=later)
    launch(org, [good], name="Second", send_at=later)
    # an address that no form lets through, as it might arrive from another system
    type(bad).objects.filter(pk=bad.pk).update(email="bo@acme.example\nBcc: x@evil.example")
    Campaign.objects.update(send_at=timezone.now())
    assert invitations_send_due() == 2
    states = {
        email.to.split("\n")[0]: outbox_send(email_id=email.pk)
        for email in OutboundEmail.objects.all()
    }
    assert states == {"ada@acme.example": "sent", "bo@acme.example": "failed"}
    assert [message.to for message in mail.outbox] == [["ada@acme.example"]]
    failed = OutboundEmail.objects.get(state="failed")
    assert failed.last_error


def test_sent_survey_email_keeps_neither_body_nor_unsubscribe_link(
    org, django_capture_on_commit_callbacks
):
    person = StakeholderFactory(account=org.account, email="ada@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        launch(org, [person])
    email = OutboundEmail.objects.get()
    assert email.state == OutboundEmail.State.SENT
    assert "/s/" in mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert (email.body_text, email.body_html, email.headers) == ("", "", {})


def test_campaign_audience_names_only_what_the_reader_may_see(client, org):
    ada = StakeholderFactory(account=org.account, name="Ada", email="ada@acme.example")
    gus = StakeholderFactory(account=org.other_account, name="Gus", email="gus@globex.example")
    client.force_login(org.admin)
    response = client.post(
        "/campaigns/new/",
        campaign_form(
            org,
            accounts=[org.account.pk, org.other_account.pk],
            stakeholders=[ada.pk, gus.pk],
            action="create",
        ),
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()

    client.force_login(org.admin)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Accounts: Acme, Globex; Picked: Ada · Acme, Gus · Globex" in page

    client.force_login(org.outsider)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Accounts: Globex, 1 of other teams; Picked: Gus · Globex, 1 of other teams" in page
    assert "Acme" not in page
    assert "Ada" not in page
