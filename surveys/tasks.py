"""Celery tasks of the surveys app: thin wrappers around the outbox and the survey services.

All are idempotent: a message or an invitation is claimed with a conditional update before it
is used, so a task delivered twice, or two beat ticks, do nothing the second time.
"""

from celery import shared_task

from relationships.recompute import enqueue
from surveys import outbox, services


@shared_task(name="outbox.send_email")
def send_email(*, email_id: int) -> str | None:
    return outbox.outbox_send(email_id=email_id)


@shared_task(name="outbox.sweep")
def sweep_outbox() -> int:
    """Send what is due: retries, and messages whose task was lost (broker down)."""
    due = outbox.outbox_due()
    for email_id in due:
        enqueue(send_email, email_id=email_id)
    return len(due)


@shared_task(name="surveys.send_due")
def send_due() -> int:
    """Scheduled campaigns whose time has come, and reminders on their days."""
    return services.invitations_send_due() + services.reminders_send_due()
