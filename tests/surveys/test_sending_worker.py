"""Real Celery workers and a real SMTP server that is down, then refuses for now, then accepts:
every invitation is delivered exactly once."""

from collections import Counter

import pytest
from django.utils import timezone

from config.celery import app
from core.mail.models import OutboundEmail
from core.mail.tasks import sweep_outbox
from surveys.models import Invitation
from surveys.tasks import send_due
from tests.factories import StakeholderFactory
from tests.smtp import SmtpServer, launch
from tests.waiting import broker_drained, wait_until

pytestmark = pytest.mark.worker


def retried_after(reply: str) -> bool:
    """Every message is waiting for a retry after an attempt answered with `reply`."""
    emails = OutboundEmail.objects.all()
    return len(emails) == 6 and all(
        email.state == "retry" and email.last_error.startswith(reply) for email in emails
    )


def test_campaign_with_smtp_down_then_up_sends_every_invitation_once(
    org, smtp_port, worker_factory, monkeypatch
):
    monkeypatch.setenv("OUTBOX_RETRY_SECONDS", "1")  # retries after 1 s, 2 s, 4 s ...
    worker_factory()
    worker_factory()  # two workers race for the same rows
    people = [
        StakeholderFactory(account=org.account, email=f"person{n}@customer.example")
        for n in range(6)
    ]
    launch(org, people)  # commits: the send tasks reach the broker, the server is down
    wait_until(lambda: retried_after("ConnectionRefusedError"), 60, "refused connections")

    server = SmtpServer(smtp_port)
    server.refuse("421 4.3.2 Service not available, try later")
    server.start()
    try:
        wait_until(lambda: retried_after("421"), 60, "a retry of each message refused")
        assert server.messages == []
        server.refuse(None)
        wait_until(
            lambda: not OutboundEmail.objects.filter(next_attempt_at__gt=timezone.now()).exists(),
            60,
            "the retries falling due",
        )
        for _ in range(3):  # duplicate deliveries of the same work change nothing
            sweep_outbox.delay()
            send_due.delay()
        wait_until(lambda: OutboundEmail.objects.filter(state="sent").count() == 6, 60, "sending")
        wait_until(lambda: broker_drained(app, 2), 60, "the duplicates' and retries' turn")
        recipients = Counter(message["To"] for message in server.messages)
    finally:
        server.stop()
    assert recipients == Counter(person.email for person in people)
    assert set(Invitation.objects.values_list("email__state", flat=True)) == {"sent"}
    assert not OutboundEmail.objects.filter(attempts__lt=3).exists()  # down, refusing, sent
