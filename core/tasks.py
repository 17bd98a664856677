"""Celery tasks of the plumbing."""

from celery import shared_task

from core import idempotency


@shared_task(name="core.submission_keys_forget")
def submission_keys_forget() -> int:
    """Forget the form keys older than a day (scheduled by beat)."""
    return idempotency.submission_keys_forget()
