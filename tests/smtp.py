"""A real SMTP server on 127.0.0.1 (aiosmtpd) that the outbox delivers to, helpers to read what
it received, and a helper that launches a campaign. The fixtures are made available to the
survey and browser tests by their conftest modules."""

import re
import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+/s/([A-Za-z0-9_-]+)/")


class Recorder:
    """Keeps every accepted message; answers with `reply` instead when it is set (e.g. a 421
    to refuse for now or a 550 to refuse for good). `on_accept(peer, message)`, when set, is
    called once, with the next message kept and before the sender hears it was accepted."""

    def __init__(self):
        self.messages = []
        self.reply = None
        self.on_accept = None

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.on_accept:
            hook, self.on_accept = self.on_accept, None
            hook(session.peer, message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.recorder = Recorder()
        self.controller = None

    @property
    def messages(self):
        return self.recorder.messages

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def refuse(self, reply: str | None) -> None:
        self.recorder.reply = reply

    def wait_for(self, count: int, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_mailer(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_port(settings, monkeypatch):
    """A free port the outbox (in this process and in real workers) sends to; no server yet."""
    port = free_port()
    settings.MAILERS = smtp_mailer(port)
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
    return port


@pytest.fixture
def smtp(smtp_port):
    """A running SMTP server receiving the outbox's mail."""
    server = SmtpServer(smtp_port).start()
    yield server
    server.stop()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def token_in(message) -> str:
    """The survey token of the link in a received message."""
    return LINK.search(text_of(message)).group(1)


def launch(org, people, **data):
    """Create a campaign for these people as the org's CSM, the way the campaign page does."""
    from django.utils import timezone

    from surveys.models import SurveyTemplate
    from surveys.services import campaign_audience, campaign_create

    data = {
        "name": "Spring relationship check",
        "template": SurveyTemplate.objects.get(slug="relationship-check"),
        "sender_name": "Acme Customer Success",
        "send_at": timezone.now(),
        "reminder_days": "4,9",
        "expiry_days": 30,
        "quiet_days": 60,
        **data,
    }
    audience = campaign_audience(
        user=org.csm,
        accounts=[],
        roles=[],
        stakeholders=people,
        quiet_days=data["quiet_days"],
        send_at=data["send_at"],
    )
    return campaign_create(user=org.csm, data=data, audience=audience)
