"""A real Celery worker on Redis runs tasks end to end against the same database."""

import time

from accounts.models import WorkerHeartbeat
from accounts.tasks import record_worker_heartbeat


def test_real_worker_runs_the_heartbeat_task_and_healthz_reports_it(celery_worker, client):
    record_worker_heartbeat.delay()
    deadline = time.monotonic() + 20
    while not WorkerHeartbeat.objects.exists():
        assert time.monotonic() < deadline, "the worker did not run the task within 20 s"
        time.sleep(0.2)
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker.startswith("rapport-test@")
    assert client.get("/healthz").json()["worker_last_seen"] == heartbeat.seen_at.isoformat()
