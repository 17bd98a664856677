"""Real Celery workers and a real SMTP server that is down, then refuses for now, then accepts:
every invitation is delivered exactly once."""

import time
from collections import Counter

import pytest

from core.mail.models import OutboundEmail
from core.mail.tasks import sweep_outbox
from surveys.models import Invitation
from surveys.tasks import send_due
from tests.factories import StakeholderFactory
from tests.smtp import SmtpServer, launch

pytestmark = pytest.mark.worker


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.2)


def test_campaign_with_smtp_down_then_up_sends_every_invitation_once(
    org, smtp_port, worker_factory, monkeypatch
):
    monkeypatch.setenv("OUTBOX_RETRY_SECONDS", "1")
    worker_factory()
    worker_factory()  # two workers race for the same rows
    people = [
        StakeholderFactory(account=org.account, email=f"person{n}@customer.example")
        for n in range(6)
    ]
    launch(org, people)  # commits: the send tasks reach the broker, the server is down
    wait_until(lambda: OutboundEmail.objects.filter(state="retry").count() == 6)
    refused = OutboundEmail.objects.values_list("last_error", flat=True)
    assert all(error.startswith("ConnectionRefusedError") for error in refused)

    server = SmtpServer(smtp_port).start()
    try:
        server.refuse("421 4.3.2 Service not available, try later")
        time.sleep(3)
        assert server.messages == []
        server.refuse(None)
        for _ in range(3):  # duplicate deliveries of the same work change nothing
            sweep_outbox.delay()
            send_due.delay()
        wait_until(lambda: OutboundEmail.objects.filter(state="sent").count() == 6)
        time.sleep(2)
        recipients = Counter(message["To"] for message in server.messages)
    finally:
        server.stop()
    assert recipients == Counter(person.email for person in people)
    assert set(Invitation.objects.values_list("email__state", flat=True)) == {"sent"}
    assert OutboundEmail.objects.filter(attempts__gte=2).count() == 6
