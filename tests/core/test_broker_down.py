"""With the broker down, a change is saved at once (no publish retries against the dead broker)
and its recompute waits in the database."""

import socket
from unittest import mock

from django.utils import timezone
from redis.connection import AbstractConnection

from relationships.models import PulseCheck, RecomputeRequest


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_logging_while_the_broker_is_down_answers_at_once_and_keeps_the_work(
    client, org, transactional_db
):
    from config.celery import app

    previous = app.conf.broker_url, app._pool, app.amqp._producer_pool
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    app._pool = app.amqp._producer_pool = None  # connect to the dead broker
    try:
        client.force_login(org.csm)
        with mock.patch.object(
            AbstractConnection, "connect", autospec=True, side_effect=AbstractConnection.connect
        ) as attempts:
            response = client.post(
                f"/accounts/{org.account.pk}/log/pulse/",
                {"pulse-happiness": "2", "pulse-checked_on": timezone.localdate().isoformat()},
            )
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = previous
        app.conf.task_always_eager = True
    assert response.status_code == 302
    assert PulseCheck.objects.get().happiness == 2
    assert RecomputeRequest.objects.filter(account=org.account).exists()  # for the sweep
    assert attempts.call_count <= 2  # the client library reconnects once; no publish retries
