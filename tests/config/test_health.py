"""/healthz tells a load balancer whether this instance can serve."""

import pytest

from accounts.models import WorkerHeartbeat
from tests import services


def test_healthz_reports_ok_with_database_and_eager_tasks(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "ok"
    assert response.json()["broker"].startswith("eager")


def test_healthz_reports_503_when_the_broker_does_not_answer(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() | {"worker_last_seen": None} == {
        "database": "ok",
        "broker": "error",
        "status": "error",
        "worker_last_seen": None,
    }


def test_healthz_reports_ok_with_a_live_broker(client, db, settings):
    settings.CELERY_BROKER_URL = services.need_redis()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_shows_when_a_worker_was_last_seen(client):
    from accounts.tasks import record_worker_heartbeat

    assert client.get("/healthz").json()["worker_last_seen"] is None
    record_worker_heartbeat.delay()
    seen = WorkerHeartbeat.objects.get().seen_at
    assert client.get("/healthz").json()["worker_last_seen"] == seen.isoformat()
