"""Telling case owners about gaps, through the email outbox (core.mail.outbox).

A detection writes the emails in its own transaction, so a case is announced exactly when it
is opened or reopened, and never twice: running the detection again opens nothing. Owners
who chose the daily digest get one email a day instead, claimed once per user and day.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import users_claim_for_day
from core.mail.outbox import Draft, outbox_enqueue_many
from relationships.gaps import model as gaps
from relationships.gaps.selectors import factor_marks
from relationships.models import GapCase, GapTransition


def gap_emails_queue(*, case_ids: list[int], reopened: set[int]) -> None:
    """An email to the owner of each of these new or reopened cases who wants one per gap."""
    if not case_ids:
        return
    cases = (
        GapCase.objects.filter(pk__in=case_ids, owner__gap_emails=User.GapEmails.EACH)
        .exclude(owner__is_active=False)
        .select_related("account", "owner")
        .prefetch_related("actions")
    )
    drafts = [
        Draft(
            to=case.owner.email,
            template="relationships/email/gap_detected",
            context={
                "case": case,
                "reopened": case.pk in reopened,
                "marks": factor_marks(case.account),
            },
        )
        for case in cases
    ]
    if drafts:
        outbox_enqueue_many(drafts=drafts)


@transaction.atomic
def gap_digests_send(*, now: dt.datetime | None = None) -> int:
    """Each user who chose the daily digest and has not had today's gets the cases detected or
    reopened on their accounts in the last day. Users are claimed under a row lock that a second
    run skips, and marked for the day, so two runs never send two digests. Returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = users_claim_for_day(
        users=User.objects.filter(gap_emails=User.GapEmails.DAILY, is_active=True),
        field="gap_digest_on",
        today=today,
    )
    if not users:
        return 0
    detected = (
        GapTransition.objects.filter(
            to_state=gaps.DETECTED, by=None, at__gt=now - dt.timedelta(days=1), at__lte=now
        )
        .exclude(from_state=gaps.DETECTED)  # a reclassification is neither new nor reopened
        .values("case")
    )
    cases = {}
    for case in (
        GapCase.objects.filter(pk__in=detected, owner__in=users, state__in=gaps.OPEN_STATES)
        .select_related("account")
        .order_by("account__name")
    ):
        cases.setdefault(case.owner_id, []).append(case)
    drafts = [
        Draft(
            to=user.email,
            template="relationships/email/gap_digest",
            context={"user": user, "cases": cases[user.pk]},
        )
        for user in users
        if user.pk in cases
    ]
    if drafts:
        outbox_enqueue_many(drafts=drafts)
    return len(drafts)
