"""A real Celery worker on Redis runs tasks end to end against the same database."""

import psycopg
import pytest
from django.db import connection

from accounts.models import WorkerHeartbeat
from accounts.tasks import record_worker_heartbeat
from config.celery import one_core_per_process
from tests.waiting import wait_until


def test_real_worker_runs_the_heartbeat_task_and_healthz_reports_it(celery_worker, client):
    record_worker_heartbeat.delay()
    wait_until(WorkerHeartbeat.objects.exists, 20, "the heartbeat task")
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker.startswith("rapport-test@")
    assert client.get("/healthz").json()["worker_last_seen"] == heartbeat.seen_at.isoformat()


def test_worker_processes_open_sessions_without_parallel_workers(db, monkeypatch):
    """The worker's processes share the cores between them: their queries start no PostgreSQL
    parallel workers to fight over them."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {})
    one_core_per_process()
    with psycopg.connect(**connection.get_connection_params()) as session:
        assert session.execute("SHOW max_parallel_workers_per_gather").fetchone() == ("0",)
