"""The fault suite at a tenth of its scale (bench/faults.py --quick): worker kills, a broker
outage, a refusing SMTP server, killed database connections and a webhook receiver answering
500, against real services; and the webhook scenario at full scale."""

import os
import shutil
import subprocess
import sys

import pytest

from tests import services
from tests.conftest import PROJECT_DIR


def run_faults(*options: str) -> list[str]:
    """Run bench/faults.py with these options on PostgreSQL and a Redis of its own; the
    promises it kept (it exits 1 on any broken one)."""
    url = os.environ.get("DATABASE_URL", "")
    services.need(
        url.startswith(("postgres://", "postgresql://")),
        "the fault suite runs on PostgreSQL (set DATABASE_URL=postgres://...)",
    )
    services.need(bool(shutil.which("redis-server")), "redis-server is not installed")
    result = subprocess.run(
        [sys.executable, "bench/faults.py", *options],
        cwd=PROJECT_DIR,
        env={**os.environ, "RAPPORT_BENCH_DB": f"rapport_faults_{os.getpid()}"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "All promises kept." in result.stdout
    return [line for line in result.stdout.splitlines() if line.strip().startswith("kept:")]


@pytest.mark.worker
def test_quick_fault_suite_keeps_every_promise():
    assert len(run_faults("--quick")) == 13


@pytest.mark.worker
def test_a_thousand_webhook_events_through_a_30_second_outage_and_a_kill_arrive_once_each():
    kept = run_faults("--only", "webhooks")  # full scale: 1,000 events, 500 for 30 s
    assert len(kept) == 3
