"""Celery tasks of the relationships app: thin wrappers around the recompute and its parts.

All are idempotent (recomputing writes the same rows again) and acknowledged late, so a worker
killed mid-task loses nothing: the broker hands the task to another worker.
"""

from celery import shared_task

from core.queue import enqueue
from relationships.gaps import mail as gap_mail
from relationships.positioning.services import positions_refresh
from relationships.scoring import recompute
from relationships.work import mail as task_mail


@shared_task(name=recompute.PENDING_TASK)
def recompute_pending() -> int:
    """Recompute accounts whose data changed; go on while more are waiting."""
    done = recompute.recompute_pending()
    if done == recompute.PENDING_BATCH:
        enqueue(recompute.PENDING_TASK)
    return done


@shared_task(name="scores.recompute_accounts")
def recompute_accounts(*, account_ids: list[int]) -> int:
    return recompute.scores_recompute(account_ids=account_ids).accounts


@shared_task(name="scores.recompute_all")
def recompute_all() -> int:
    """The nightly full recompute, fanned out in chunks across the workers."""
    chunks = recompute.account_chunks()
    for chunk in chunks:
        enqueue("scores.recompute_accounts", account_ids=chunk)
    return len(chunks)


@shared_task(name="positions.refresh_all")
def positions_refresh_all() -> int:
    """Place every account again from its stored scores (the quadrant thresholds changed), a
    chunk of accounts per transaction; scores are not recomputed."""
    chunks = recompute.account_chunks()
    for chunk in chunks:
        positions_refresh(account_ids=chunk)
    return len(chunks)


@shared_task(name="tasks.daily_digest")
def task_daily_digest() -> int:
    """Each user who wants it gets their overdue and due-today tasks in one email, once a day."""
    return task_mail.task_digests_send()


@shared_task(name="gaps.daily_digest")
def gap_daily_digest() -> int:
    """Each user who chose it gets the day's new and reopened gaps in one email, once a day."""
    return gap_mail.gap_digests_send()
