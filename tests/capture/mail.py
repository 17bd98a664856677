"""Real-looking messages for the capture tests, built with the standard library."""

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

NOW = timezone.now().replace(microsecond=0)


def message(
    body: str = "Hello, see you on Tuesday.",
    *,
    sender: str = "Jane Doe <jane.doe@acme.example>",
    to: str = "Sam Csm <sam@rapport.example>",
    subject: str = "Tuesday",
    message_id: str | None = "<20261201.1234@mail.acme.example>",
    date: str | None = "Tue, 01 Dec 2026 09:30:00 +0100",
    **headers: str,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    if date is not None:
        mail["Date"] = date
    if message_id is not None:
        mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def when(hours_ago: float) -> str:
    """A Date header this many hours ago."""
    return format_datetime(NOW - dt.timedelta(hours=hours_ago))


def mail(body="Hello, see you on Tuesday.", *, hours_ago=2.0, **headers) -> bytes:
    """A message's bytes, sent `hours_ago`."""
    headers.setdefault("date", when(hours_ago))
    return message(body, **headers).as_bytes()


def inbound(body="Hello, see you on Tuesday.", **headers) -> bytes:
    """From Jane Doe at Acme (the `acme` fixture) to the CSM."""
    headers.setdefault("sender", "Jane Doe <jane.doe@acme.example>")
    headers.setdefault("to", "Casey <csm@example.com>")
    return mail(body, **headers)


def outbound(body="Here is the plan for Tuesday.", **headers) -> bytes:
    """From the CSM to Jane Doe at Acme."""
    headers.setdefault("sender", "Casey <csm@example.com>")
    headers.setdefault("to", "Jane Doe <jane.doe@acme.example>")
    return mail(body, **headers)
