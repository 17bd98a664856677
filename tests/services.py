"""Real services for tests: skip with a reason when one is absent, fail when CI requires them.

CI sets RAPPORT_REQUIRE_SERVICES=1, so a missing PostgreSQL, Redis, SMTP or Chromium there is a
failure rather than a silent skip.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"


def services_required() -> bool:
    return os.environ.get("RAPPORT_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def need(available: bool, reason: str) -> None:
    """Skip the calling test (or fail it in CI) unless `available`."""
    if available:
        return
    if services_required():
        pytest.fail(f"RAPPORT_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def need_redis() -> str:
    """The broker URL of a reachable Redis, or skip/fail."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    need(bool(url), "CELERY_BROKER_URL is not set (a Redis broker is needed for this test)")
    parts = urlsplit(url)
    need(
        port_open(parts.hostname or "127.0.0.1", parts.port or 6379),
        f"the broker at {parts.hostname}:{parts.port} does not answer",
    )
    return url


def need_chromium() -> str:
    need(
        os.path.exists(CHROMIUM) or bool(shutil.which("chromium")),
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
