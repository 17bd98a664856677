"""Celery tasks of the plumbing; the outbox's live in core.mail.tasks, registered from here.
They are thin and idempotent: a webhook delivery is claimed with a conditional update before
it is sent, so a task delivered twice sends nothing the second time."""

from celery import shared_task
from django.conf import settings

from core import events, idempotency, pagecache, webhooks
from core.events import SEND_TASK
from core.mail import tasks as mail_tasks  # noqa: F401  (registers the outbox's tasks)
from core.queue import enqueue


@shared_task(name="core.submission_keys_forget")
def submission_keys_forget() -> int:
    """Forget the form keys older than a day (scheduled by beat)."""
    return idempotency.submission_keys_forget()


@shared_task(name="core.page_changes_forget")
def page_changes_forget() -> int:
    """Forget the changes the page cache can no longer ask about (scheduled by beat)."""
    return pagecache.changes_forget()


@shared_task(name=SEND_TASK, acks_late=True, reject_on_worker_lost=True)
def deliver(*, delivery_id: int) -> str | None:
    """Send one webhook or chat delivery (core.webhooks)."""
    return webhooks.delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.sweep")
def sweep_deliveries() -> int:
    """Send the deliveries that are due: retries, and those whose task was lost."""
    due = webhooks.deliveries_due()
    for delivery_id in due:
        enqueue(SEND_TASK, delivery_id=delivery_id)
    return len(due)


@shared_task(name="events.forget")
def forget_events() -> int:
    """Forget the events older than EVENTS_KEEP_DAYS (scheduled by beat)."""
    return events.events_forget(days=settings.EVENTS_KEEP_DAYS)
