"""Two senders at once (two beat ticks, two workers) on PostgreSQL: each invitation is claimed
and emailed by exactly one of them."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.mail.models import OutboundEmail
from surveys.models import (
    Campaign,
    Invitation,
    InvitationToken,
)
from surveys.services import invitations_send_due, reminders_send_due
from tests.factories import StakeholderFactory
from tests.smtp import launch


def race(function, runners=4) -> list[int]:
    """Run `function` in several threads at the same moment; their results."""
    barrier = threading.Barrier(runners)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def scheduled(transactional_db, org):
    if connection.vendor != "postgresql":
        pytest.skip("row locking races need PostgreSQL")
    people = [
        StakeholderFactory(account=org.account, email=f"p{n}@acme.example") for n in range(30)
    ]
    campaign = launch(org, people, send_at=timezone.now() + dt.timedelta(hours=1))
    Campaign.objects.filter(pk=campaign.pk).update(send_at=timezone.now())
    return campaign


def test_invitations_sent_by_racing_senders_go_out_once(scheduled):
    assert sum(race(invitations_send_due)) == 30
    assert OutboundEmail.objects.count() == 30
    assert OutboundEmail.objects.values("to").distinct().count() == 30
    assert InvitationToken.objects.count() == 60  # a survey link and an opt-out link each


def test_reminders_sent_by_racing_senders_go_out_once(scheduled):
    invitations_send_due()
    Invitation.objects.update(next_reminder_at=timezone.now())
    assert sum(race(reminders_send_due)) == 30
    assert OutboundEmail.objects.count() == 60
    assert set(Invitation.objects.values_list("reminders_sent", flat=True)) == {1}
