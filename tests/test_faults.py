"""The fault suite against real services (bench/faults.py): worker kills, a broker outage, a
refusing SMTP server, killed database connections and a webhook receiver answering 500. It
runs at a tenth of its scale, and the webhook scenario again at full scale; each test judges
what the run left in the database and what the servers received, not the script's verdicts."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests import services
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.worker


def run_faults(tmp_path, *options: str) -> tuple[dict, subprocess.CompletedProcess]:
    """Run bench/faults.py with these options on PostgreSQL and a Redis of its own; what each
    scenario stored and received, and the run."""
    url = os.environ.get("DATABASE_URL", "")
    services.need(
        url.startswith(("postgres://", "postgresql://")),
        "the fault suite runs on PostgreSQL (set DATABASE_URL=postgres://...)",
    )
    services.need(bool(shutil.which("redis-server")), "redis-server is not installed")
    report = tmp_path / "outcomes.json"
    result = subprocess.run(
        [sys.executable, "bench/faults.py", *options, "--outcomes", str(report)],
        cwd=PROJECT_DIR,
        env={**os.environ, "RAPPORT_BENCH_DB": f"rapport_faults_{os.getpid()}"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert report.exists(), result.stdout[-4000:] + result.stderr[-4000:]
    return json.loads(report.read_text()), result


def every_event_delivered_once(hooks: dict) -> None:
    assert hooks["answered_500"] > 0  # the outage happened
    assert hooks["kills"] == 1
    assert hooks["deliveries"] == {"delivered": hooks["events"]}
    assert hooks["delivered_distinct"] == hooks["events"]
    assert hooks["lost"] == 0
    assert hooks["unverified"] == 0  # every signature checked with standardwebhooks
    assert hooks["delivered_twice"] <= hooks["kills"]  # only in the acceptance window


def test_quick_fault_suite_loses_nothing_and_sends_nothing_twice(tmp_path):
    outcomes, result = run_faults(tmp_path, "--quick")

    kills = outcomes["worker_kills"]
    assert len(set(kills["killed"])) == 3
    assert kills["killed_gone"]
    assert kills["scored"] == kills["accounts"]
    assert kills["checksum_after_kills"] == kills["checksum_clean_run"]

    broker = outcomes["broker_outage"]
    assert broker["failed"] == 0
    assert broker["slowest_seconds"] < 2
    assert broker["saved"] == broker["answered_ok"] > 0
    assert broker["recompute_requests_left"] == 0

    smtp = outcomes["smtp_refusing"]
    assert smtp["outbox"] == {"sent": smtp["invitations"]}
    assert smtp["received_distinct"] == smtp["stored_ids"] == smtp["invitations"]
    assert smtp["lost"] == 0
    assert smtp["kills_in_window"] == 1  # a sender died after the server had its message
    assert smtp["twice_outside_window"] == 0
    assert smtp["received_all"] - smtp["received_distinct"] == smtp["twice_in_window"] <= 1

    database = outcomes["database_kills"]
    assert database["answers"].get("200", 0) > 0
    assert database["worst_failure_streak"] <= 1
    assert database["import_killed"]
    assert database["import_exit"] != 0
    assert database["accounts_after"] == database["accounts_before"]

    every_event_delivered_once(outcomes["webhook_outage"])
    assert result.returncode == 0, result.stdout[-4000:]


def test_a_thousand_webhook_events_through_a_30_second_outage_and_a_kill_arrive_once_each(
    tmp_path,
):
    outcomes, result = run_faults(tmp_path, "--only", "webhooks")  # 1,000 events, 30 s of 500
    assert outcomes["webhook_outage"]["events"] == 1_000
    every_event_delivered_once(outcomes["webhook_outage"])
    assert result.returncode == 0, result.stdout[-4000:]
