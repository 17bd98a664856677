"""A real IMAP server for the tests: Dovecot (Debian's dovecot-imapd) with a private configuration
in a temporary folder, listening on 127.0.0.1 on a free port, without TLS, with a few test users
whose mail is kept as Maildir in that folder. Started once per test session; `imap` gives each
test the server with every user's mail emptied. Skips with a reason when Dovecot is not
installed, and fails under RAPPORT_REQUIRE_SERVICES=1 (CI installs it).

Also a tiny TCP proxy that forwards to the server and can cut the connection after a number of
bytes from the server, as a connection dropped in the middle of a fetch."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests import services
from tests.smtp import free_port

DOVECOT = "/usr/sbin/dovecot"
USERS = {  # user name -> password (for XOAUTH2, the bearer token the passdb accepts)
    "sam@example.com": "app-password-7f3a",
    "bcc@example.com": "bcc-password-91c2",
    "oauth@example.com": "ya29.bearer-token-5d1e",
}


CONFIG = """\
# Written by tests/capture/imap_server.py for one test session.
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = rapport-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
first_valid_uid = 0
{run_as}
mail_location = maildir:{root}/mail/%u
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
# No growing delay after refused logins from the tests (Dovecot's auth penalty).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
"""


def _mail_owner() -> tuple[int, int, str]:
    """The uid and gid the mail is kept as, and the settings that make the server run as us.
    Dovecot refuses to keep mail as root, so as root the mail belongs to `nobody`; as anyone
    else, the server runs entirely as that user."""
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid, ""
    me = pwd.getpwuid(os.getuid()).pw_name
    run_as = "\n".join(
        f"{name} = {me}"
        for name in ("default_internal_user", "default_internal_group", "default_login_user")
    )
    return os.getuid(), os.getgid(), run_as


@dataclass
class Dovecot:
    host: str = "127.0.0.1"
    port: int = 0
    users: dict[str, str] = field(default_factory=lambda: dict(USERS))
    root: Path | None = None
    process: subprocess.Popen | None = None

    def start(self) -> "Dovecot":
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="rapport-dovecot-"))
        self.root.chmod(0o755)  # the mail's owner (not root) must reach its folder
        uid, gid, run_as = _mail_owner()
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir()
        os.chown(self.root / "mail", uid, gid)
        (self.root / "users").write_text(
            "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in self.users.items())
        )
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(root=self.root, port=self.port, uid=uid, gid=gid, run_as=run_as)
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while not services.port_open(self.host, self.port, timeout=0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"Dovecot did not start on port {self.port}:\n{log}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def log(self) -> str:
        path = self.root / "dovecot.log" if self.root else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def empty(self) -> None:
        """Remove every user's mail (the server creates an empty INBOX at the next login, with
        a new UIDVALIDITY)."""
        for folder in (self.root / "mail").iterdir():
            shutil.rmtree(folder, ignore_errors=True)

    def client(self, user: str = "sam@example.com") -> IMAPClient:
        """A logged-in client, as a mail program would use it (to APPEND mail)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, self.users[user])
        return client

    def deliver(
        self, user: str, folder: str, messages: list[bytes], *, arrived: datetime | None = None
    ) -> list[int]:
        """APPEND raw messages to a user's folder (created if missing), as arrived at `arrived`
        (the internal date; now by default); their UIDs."""
        client = self.client(user)
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            uids = []
            for raw in messages:
                answer = client.append(folder, raw, msg_time=arrived)
                uids.append(int(answer.split(b"APPENDUID ")[1].split(b"]")[0].split()[1]))
            return uids
        finally:
            client.logout()


def need_dovecot() -> None:
    services.need(
        os.path.exists(DOVECOT),
        f"Dovecot is not installed at {DOVECOT} (apt-get install dovecot-imapd)",
    )


@pytest.fixture(scope="session")
def imap_server():
    """The session's Dovecot; skips (or fails in CI) when it is not installed."""
    need_dovecot()
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def imap(imap_server):
    """The Dovecot server with every user's mailbox empty."""
    imap_server.empty()
    return imap_server


def mail(
    number: int,
    *,
    sender: str = "Jane Doe <jane@acme.example>",
    to: str = "Sam <sam@example.com>",
    subject: str | None = None,
    sent_at=None,
    body: str | None = None,
) -> bytes:
    """A plain message, numbered: Message-ID <n.test@acme.example>, dated an hour ago."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject or f"Question {number}"
    message["Date"] = format_datetime(sent_at or datetime.now(UTC) - timedelta(hours=1))
    message["Message-ID"] = f"<{number}.test@acme.example>"
    message.set_content(body or f"Hello, this is question number {number} about our rollout.")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to the server; while `cut_after` is a number, a connection is
    closed once the server has sent that many bytes through it. With `delay`, what the server
    sends comes 16 KB at a time, `delay` seconds apart (a slow line)."""

    def __init__(self, target_port: int, cut_after: int | None = None, delay: float = 0):
        self.target_port = target_port
        self.cut_after = cut_after
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cuts = 0
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            limit = self.cut_after
            threading.Thread(
                target=self._pump, args=(upstream, downstream, limit, self.delay), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(downstream, upstream, None, 0), daemon=True
            ).start()

    def _pump(
        self, source: socket.socket, sink: socket.socket, limit: int | None, delay: float
    ) -> None:
        sent = 0
        try:
            while chunk := source.recv(16384 if delay else 65536):
                time.sleep(delay)
                if limit is not None and sent + len(chunk) >= limit:
                    sink.sendall(chunk[: max(0, limit - sent)])
                    self.cuts += 1
                    break
                sink.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.running = False
        self.listener.close()
