"""Celery tasks of the plumbing; the outbox's live in core.mail.tasks, registered from here."""

from celery import shared_task

from core import idempotency
from core.mail import tasks as mail_tasks  # noqa: F401  (registers the outbox's tasks)


@shared_task(name="core.submission_keys_forget")
def submission_keys_forget() -> int:
    """Forget the form keys older than a day (scheduled by beat)."""
    return idempotency.submission_keys_forget()
