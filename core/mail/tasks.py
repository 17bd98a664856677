"""The outbox's Celery tasks: thin and idempotent (a message is claimed with a conditional update
before it is sent, so a task delivered twice sends nothing the second time)."""

from celery import shared_task

from core.mail import outbox
from core.mail.outbox import SEND_TASK
from core.queue import enqueue


@shared_task(name=SEND_TASK)
def send_email(*, email_id: int) -> str | None:
    return outbox.outbox_send(email_id=email_id)


@shared_task(name="outbox.sweep")
def sweep_outbox() -> int:
    """Send what is due: retries, and messages whose task was lost (broker down)."""
    due = outbox.outbox_due()
    for email_id in due:
        enqueue(SEND_TASK, email_id=email_id)
    return len(due)
