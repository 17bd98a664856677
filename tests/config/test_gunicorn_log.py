"""The web process as the Procfile starts it, on a real gunicorn: survey links never reach its
access log, whatever the log's format."""

import os
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from surveys.tokens import token_new
from tests.conftest import PROJECT_DIR, _test_database_url
from tests.smtp import free_port

START_SECONDS = 20
# Every atom that carries the path, the query or the request line, and the referrer.
EVERY_PATH_ATOM = "%(r)s %(U)s %(q)s %({raw_uri}e)s %({path_info}e)s %(f)s %({referer}i)s"


def web_command() -> str:
    line = next(
        line
        for line in (PROJECT_DIR / "Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    return line.removeprefix("web:").strip()


def status(url: str, **headers) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5):
            return 200
    except urllib.error.HTTPError as error:
        return error.code


def wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not listen within {START_SECONDS} s")


@pytest.mark.parametrize("log_format", [None, EVERY_PATH_ATOM], ids=["default", "every-path-atom"])
def test_survey_tokens_never_reach_the_access_log(db, tmp_path, log_format):
    port = free_port()
    command = web_command() + " --no-control-socket"  # leave any other gunicorn's socket be
    if log_format:
        command += f" --access-logformat {shlex.quote(log_format)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",  # static files without collectstatic's manifest
        "HTTPS": "0",
        "DATABASE_URL": _test_database_url(),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    token, _hash = token_new()
    access_log = tmp_path / "access.log"
    with access_log.open("w") as log:
        server = subprocess.Popen(
            ["sh", "-c", f"exec {command}"], cwd=PROJECT_DIR, env=env, stdout=log
        )
        try:
            wait_for(port, server)
            base = f"http://127.0.0.1:{port}"
            # unknown links: 404s, which are logged all the same
            assert (
                status(f"{base}/s/{token}/?from=/s/{token}/", Referer=f"{base}/s/{token}/") == 404
            )
            assert status(f"{base}/s/{token}/opt-out/") == 404
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    lines = access_log.read_text().splitlines()
    assert len(lines) == 2
    assert token not in "\n".join(lines)
    assert "/s/[token]/" in lines[0]
    assert "/s/[token]/opt-out/" in lines[1]
