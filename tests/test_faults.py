"""The fault suite at a tenth of its scale (bench/faults.py --quick): worker kills, a broker
outage, a refusing SMTP server, killed database connections and a webhook receiver answering
500, against real services."""

import os
import shutil
import subprocess
import sys

import pytest

from tests import services
from tests.conftest import PROJECT_DIR


@pytest.mark.worker
def test_quick_fault_suite_keeps_every_promise():
    url = os.environ.get("DATABASE_URL", "")
    services.need(
        url.startswith(("postgres://", "postgresql://")),
        "the fault suite runs on PostgreSQL (set DATABASE_URL=postgres://...)",
    )
    services.need(bool(shutil.which("redis-server")), "redis-server is not installed")
    result = subprocess.run(
        [sys.executable, "bench/faults.py", "--quick"],
        cwd=PROJECT_DIR,
        env={**os.environ, "RAPPORT_BENCH_DB": f"rapport_faults_{os.getpid()}"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    kept = [line for line in result.stdout.splitlines() if line.strip().startswith("kept:")]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "All promises kept." in result.stdout
    assert len(kept) == 13
