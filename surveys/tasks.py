"""Celery tasks of the surveys app: thin wrappers around the survey services.

All are idempotent: an invitation is claimed with a conditional update before it is used, so a
task delivered twice, or two beat ticks, do nothing the second time.
"""

from celery import shared_task

from surveys import services


@shared_task(name="surveys.send_due")
def send_due() -> int:
    """Scheduled campaigns whose time has come, and reminders on their days."""
    return services.invitations_send_due() + services.reminders_send_due()
