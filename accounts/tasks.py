"""Celery tasks of the accounts app."""

from celery import shared_task
from django.utils import timezone

from accounts.models import WorkerHeartbeat


@shared_task(name="accounts.record_worker_heartbeat", bind=True)
def record_worker_heartbeat(self) -> str:
    """Record that a worker is alive and processing the queue (scheduled every minute by beat)."""
    worker = self.request.hostname or "eager"
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"seen_at": timezone.now()})
    return worker
