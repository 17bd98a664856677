"""A real Celery worker on Redis runs tasks end to end against the same database."""

from accounts.models import WorkerHeartbeat
from accounts.tasks import record_worker_heartbeat
from tests.waiting import wait_until


def test_real_worker_runs_the_heartbeat_task_and_healthz_reports_it(celery_worker, client):
    record_worker_heartbeat.delay()
    wait_until(WorkerHeartbeat.objects.exists, 20, "the heartbeat task")
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker.startswith("rapport-test@")
    assert client.get("/healthz").json()["worker_last_seen"] == heartbeat.seen_at.isoformat()
