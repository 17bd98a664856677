"""Sending Celery tasks by name, so that no module imports another app's task module to queue
its work. If the broker cannot be reached the send is logged and skipped: every queued piece of
work in Rapport is also kept in a table (a recompute request, an outbox row) that a periodic
sweep picks up."""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def enqueue(task_name: str, /, *, countdown: float | None = None, **kwargs) -> bool:
    """Send the task named `task_name` with these keyword arguments, to run `countdown` seconds
    from now (at once by default); False if the broker is unavailable (the work waits for its
    sweep)."""
    try:
        _task(task_name).apply_async(kwargs=kwargs, countdown=countdown, retry=False)
    except OperationalError as error:
        log.warning("Broker unavailable, %s stays pending: %s", task_name, error)
        return False
    return True


def enqueue_on_commit(task_name: str, **kwargs) -> None:
    """Send the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task_name, **kwargs))


def _task(name: str):
    """The registered task called `name`: the apps' task modules are imported on first use, as
    the worker does at start, so eager mode (no broker) runs it in place."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
