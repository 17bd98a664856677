"""Owners hear about gaps: an email per new or reopened case, or one daily digest."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import UsageSnapshot
from core.mail.models import OutboundEmail
from relationships.gaps import mail as gap_mail
from relationships.models import GapCase
from relationships.scoring import recompute
from tests.factories import GapCaseFactory, PulseCheckFactory


def usage_collapses(account):
    month = timezone.localdate().replace(day=1)
    for back, value in enumerate([400, 1000, 1000, 1000]):
        UsageSnapshot.objects.create(
            account=account,
            period_start=(month - dt.timedelta(days=31 * back)).replace(day=1),
            usage_value=value,
        )


@pytest.fixture
def gap_at_acme(org):
    """Acme's usage collapsed while its CSM reads it as fine: a gap, once recomputed."""
    usage_collapses(org.account)
    return PulseCheckFactory(account=org.account, csm=org.csm, happiness=5)


def recompute_acme(org, capture):
    with capture(execute=True):
        recompute.scores_recompute(account_ids=[org.account.pk])


def test_owner_gets_one_email_when_a_gap_is_detected(
    org, gap_at_acme, django_capture_on_commit_callbacks
):
    recompute_acme(org, django_capture_on_commit_callbacks)
    recompute_acme(org, django_capture_on_commit_callbacks)  # nothing new: no second email
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    case = GapCase.objects.get()
    assert message.to == [org.csm.email]
    assert message.subject == "New relationship gap at Acme: Factors disagree"
    assert f"/gaps/{case.pk}/" in message.body
    assert "Product usage -1.00" in message.body
    assert "Compare the three factors" in message.body  # the playbook's first step
    assert OutboundEmail.objects.get().state == "sent"


def test_owner_is_told_when_a_resolved_gap_comes_back(
    org, gap_at_acme, django_capture_on_commit_callbacks
):
    recompute_acme(org, django_capture_on_commit_callbacks)
    gap_at_acme.happiness = 1  # the CSM now agrees: the gap closes
    gap_at_acme.save()
    recompute_acme(org, django_capture_on_commit_callbacks)
    GapCase.objects.update(state="resolved", closed_on=timezone.localdate())
    gap_at_acme.happiness = 5  # and opens again
    gap_at_acme.save()
    recompute_acme(org, django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == [
        "New relationship gap at Acme: Factors disagree",
        "Gap back at Acme: Factors disagree",
    ]


def test_owner_who_wants_no_gap_email_gets_none(
    org, gap_at_acme, django_capture_on_commit_callbacks
):
    org.csm.gap_emails = "off"
    org.csm.save()
    recompute_acme(org, django_capture_on_commit_callbacks)
    assert GapCase.objects.count() == 1
    assert mail.outbox == []
    assert gap_mail.gap_digests_send() == 0


def test_daily_digest_lists_the_days_gaps_once(
    org, gap_at_acme, django_capture_on_commit_callbacks
):
    org.csm.gap_emails = "daily"
    org.csm.save()
    recompute_acme(org, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # no email per gap: the digest brings it
    with django_capture_on_commit_callbacks(execute=True):
        assert gap_mail.gap_digests_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert gap_mail.gap_digests_send() == 0  # a second tick the same day sends nothing
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "1 relationship gap to look at"
    assert "Acme: Factors disagree" in digest.body
    org.csm.refresh_from_db()
    assert org.csm.gap_digest_on == timezone.localdate()


def test_daily_digest_skips_a_day_without_new_gaps(org):
    org.csm.gap_emails = "daily"
    org.csm.save()
    assert gap_mail.gap_digests_send() == 0
    assert OutboundEmail.objects.count() == 0


def test_daily_digest_leaves_out_a_case_that_was_only_reclassified(org):
    org.csm.gap_emails = "daily"
    org.csm.save()
    yesterday = timezone.now() - dt.timedelta(days=2)
    case = GapCaseFactory(account=org.account, opened_at=yesterday)
    case.transitions.create(to_state="detected", at=yesterday, note="Detected.")
    case.transitions.create(
        from_state="detected",
        to_state="detected",
        at=timezone.now(),
        note="Reclassified: Factors disagree → Uses it, needs unmet.",
    )
    assert gap_mail.gap_digests_send() == 0
