"""The email outbox against a real SMTP server: sent once, retried when refused for now,
failed with the reason when refused for good."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from core.mail.models import OutboundEmail
from core.mail.outbox import MESSAGE_ID_HEADER, outbox_due, outbox_enqueue, outbox_send
from tests.smtp import SmtpServer, text_of

pytestmark = pytest.mark.django_db


def enqueue(to="ada@customer.example"):
    return outbox_enqueue(
        to=to,
        template="surveys/email/invitation",
        context={
            "campaign": {"name": "Check", "sender_name": "Acme CS"},
            "stakeholder": {"name": "Ada"},
            "account": {"name": "Initech"},
            "expires_at": timezone.now(),
            "survey_url": "http://testserver/s/x/",
            "opt_out_url": "http://testserver/s/x/opt-out/",
        },
        headers={"List-Unsubscribe": "<http://testserver/s/x/opt-out/>"},
        from_name="Acme CS",
    )


def test_outbox_sends_after_commit_with_a_correlation_header(
    smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = enqueue()
        assert smtp.messages == []
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    [message] = smtp.messages
    assert message["To"] == "ada@customer.example"
    assert message["From"].startswith("Acme CS <")
    assert message[MESSAGE_ID_HEADER] == str(email.message_id)
    assert message["Subject"] == "Acme CS would like your view, Ada"
    assert "Hello Ada," in text_of(message)
    assert message.get_body(("html",)) is not None


def test_outbox_rolled_back_transaction_sends_nothing(smtp, django_capture_on_commit_callbacks):
    def fail_after_enqueue():
        with transaction.atomic():
            enqueue()
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        fail_after_enqueue()
    assert OutboundEmail.objects.count() == 0
    assert smtp.messages == []


def test_outbox_row_claimed_once_is_not_sent_again(smtp):
    email = enqueue()  # no commit callbacks here: nothing sent yet
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.SENT
    assert outbox_send(email_id=email.pk) is None
    assert len(smtp.messages) == 1


def test_outbox_permanent_refusal_is_failed_with_the_reason(smtp):
    smtp.refuse("550 5.1.1 Mailbox does not exist")
    email = enqueue()
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.FAILED
    email.refresh_from_db()
    assert email.last_error == "550 5.1.1 Mailbox does not exist"
    assert outbox_due() == []


def test_outbox_temporary_refusal_retries_later_and_sends_once(smtp, settings):
    settings.OUTBOX_RETRY_SECONDS = 60
    smtp.refuse("421 4.3.2 Try again later")
    email = enqueue()
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.RETRY
    email.refresh_from_db()
    assert email.last_error == "421 4.3.2 Try again later"
    assert 55 <= (email.next_attempt_at - timezone.now()).total_seconds() <= 60
    assert outbox_send(email_id=email.pk) is None  # not due yet
    smtp.refuse(None)
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert outbox_due() == [email.pk]
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.SENT
    assert len(smtp.messages) == 1
    email.refresh_from_db()
    assert email.attempts == 2


def test_outbox_connection_refused_is_retried(smtp_port):
    email = enqueue()
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.RETRY
    email.refresh_from_db()
    assert email.last_error.startswith("ConnectionRefusedError")
    server = SmtpServer(smtp_port).start()
    try:
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        assert outbox_send(email_id=email.pk) == OutboundEmail.State.SENT
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_outbox_gives_up_after_the_last_attempt(smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp.refuse("451 4.3.0 Busy")
    email = enqueue()
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.RETRY
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert outbox_send(email_id=email.pk) == OutboundEmail.State.FAILED


def test_outbox_sensitive_body_is_cleared_once_sent(smtp):
    email = enqueue()
    OutboundEmail.objects.filter(pk=email.pk).update(sensitive=True)
    outbox_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.body_text, email.body_html) == ("", "")
    assert "http://testserver/s/x/" in text_of(smtp.messages[0])


def test_outbox_sensitive_body_is_cleared_when_it_fails_for_good(smtp):
    smtp.refuse("554 5.7.1 Rejected")
    email = enqueue()
    OutboundEmail.objects.filter(pk=email.pk).update(sensitive=True)
    outbox_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.state, email.body_text) == (OutboundEmail.State.FAILED, "")


def test_outbox_sweep_finds_lost_rows_and_sends_stuck_ones_again(smtp):
    lost = enqueue()
    OutboundEmail.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    stuck = enqueue("bob@customer.example")
    OutboundEmail.objects.filter(pk=stuck.pk).update(
        state=OutboundEmail.State.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert sorted(outbox_due()) == sorted([lost.pk, stuck.pk])
    stuck.refresh_from_db()
    assert stuck.state == OutboundEmail.State.RETRY
    assert stuck.last_error == "Interrupted while sending: sent again."
