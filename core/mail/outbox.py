"""The email outbox, for every part of Rapport that sends mail.

Call `outbox_enqueue` (or `outbox_enqueue_many`) inside the transaction that causes the mail:
the message is rendered from `<template>_subject.txt`, `<template>.txt` and `<template>.html`
and stored as a row; once the transaction commits a task sends it. If the broker is down the
row waits for the periodic sweep. Each row is claimed with a conditional update before it is
sent, so two workers never send it twice. Transient failures (connection refused, timeouts, 4xx
replies) are retried with exponential backoff; permanent ones (5xx) and exhausted retries end
in `failed` with the reason. Every message carries an X-Rapport-Message-ID header.
"""

import datetime as dt
import logging
import smtplib
import unicodedata
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import timezone

from core.mail.models import OutboundEmail
from core.queue import enqueue

log = logging.getLogger(__name__)
State = OutboundEmail.State
MESSAGE_ID_HEADER = "X-Rapport-Message-ID"
SWEEP_BATCH = 200
SEND_TASK = "outbox.send_email"
SUBJECT_LENGTH = OutboundEmail._meta.get_field("subject").max_length


@dataclass
class Draft:
    """A message to enqueue: who, which templates, with what context."""

    to: str
    template: str
    context: dict
    headers: dict = field(default_factory=dict)
    from_name: str = ""
    sensitive: bool = False


def outbox_enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    headers: dict | None = None,
    from_name: str = "",
    sensitive: bool = False,
) -> OutboundEmail:
    """Render one message into the outbox; it is sent after the surrounding transaction commits.

    `from_name` shows as the sender's name (the address is DEFAULT_FROM_EMAIL's); `sensitive`
    clears the stored body once it is sent or has failed for good (for messages carrying a
    personal link).
    """
    draft = Draft(to, template, context, headers or {}, from_name, sensitive)
    return outbox_enqueue_many(drafts=[draft])[0]


def outbox_enqueue_many(*, drafts: list[Draft]) -> list[OutboundEmail]:
    """Render many messages and write them in one statement. A draft that cannot be rendered is
    written as failed, with the reason, and the others go on."""
    rows = [_row(draft) for draft in drafts]
    with transaction.atomic():
        OutboundEmail.objects.bulk_create(rows, batch_size=500)
        ids = [row.pk for row in rows if row.state == State.QUEUED]
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


@dataclass(frozen=True)
class Rendered:
    """One message's three parts. `subject` and `text` are plain text, never marked safe: a
    page that shows them escapes them like any other text."""

    subject: str
    text: str
    html: str


def email_render(template: str, context: dict) -> Rendered:
    """Render `<template>_subject.txt`, `<template>.txt` (without HTML escaping: `&` stays
    `&`) and `<template>.html` (escaped as usual). The subject is one line without control
    characters, shortened to fit the outbox."""
    context = {**context, "site_url": settings.SITE_URL}
    subject = one_line(_render_text(f"{template}_subject.txt", context))
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1].rstrip() + "…"
    return Rendered(
        subject=subject,
        text=_render_text(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
    )


def _render_text(name: str, context: dict) -> str:
    template = engines["django"].engine.get_template(name)
    return str.__str__(template.render(Context(context, autoescape=False)))  # a plain str


def one_line(text: str) -> str:
    """Text fit for a mail header: control characters (line breaks included) become spaces,
    runs of spaces one space."""
    spaced = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    return " ".join(spaced.split())


def _row(draft: Draft) -> OutboundEmail:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    row = OutboundEmail(
        to=draft.to,
        from_email=str(Address(display_name=one_line(draft.from_name) or name, addr_spec=address)),
        headers=draft.headers,
        sensitive=draft.sensitive,
    )
    try:
        rendered = email_render(draft.template, draft.context)
    except Exception as error:  # recorded on its own row: the rest of the batch goes out
        log.exception("Could not render %s for the outbox", draft.template)
        row.state, row.last_error = State.FAILED, f"Could not be written: {error}"
        row.headers = {}
        return row
    row.subject, row.body_text, row.body_html = rendered.subject, rendered.text, rendered.html
    return row


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        if not enqueue(SEND_TASK, email_id=pk):
            return  # the broker is down: the sweep sends them


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2 x base, 4 x base ... capped at six hours."""
    base = settings.OUTBOX_RETRY_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in error.recipients.values())
    return isinstance(error, (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError))


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for code, msg in error.recipients.values()
        )
    return f"{type(error).__name__}: {error}"


def outbox_send(*, email_id: int) -> str | None:
    """Send one message if it is due; returns its new state (None if someone else has it)."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, state__in=[State.QUEUED, State.RETRY], next_attempt_at__lte=now
    ).update(state=State.SENDING, claimed_at=now)
    if not claimed:
        return None
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=[email.to],
        headers={**email.headers, MESSAGE_ID_HEADER: str(email.message_id)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    attempts = email.attempts + 1
    try:
        message.send()
    except Exception as error:  # every failure is recorded on the row, none is lost
        reason = _reason(error)
        if _transient(error) and attempts < settings.OUTBOX_MAX_ATTEMPTS:
            state, next_at = State.RETRY, timezone.now() + retry_delay(attempts)
        else:
            state, next_at = State.FAILED, timezone.now()
        done = _cleared(email) if state == State.FAILED else {}
        OutboundEmail.objects.filter(pk=email_id).update(
            state=state, attempts=attempts, last_error=reason, next_attempt_at=next_at, **done
        )
        log.warning("Email %s %s after attempt %d: %s", email.message_id, state, attempts, reason)
        if state == State.RETRY:
            _retry_later(email_id, retry_delay(attempts))
        return state
    OutboundEmail.objects.filter(pk=email_id).update(
        state=State.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        last_error="",
        **_cleared(email),
    )
    return State.SENT


def _cleared(email: OutboundEmail) -> dict:
    """A sensitive message's body and headers (a List-Unsubscribe link) are not kept once it
    will not be sent again."""
    return {"body_text": "", "body_html": "", "headers": {}} if email.sensitive else {}


def _retry_later(email_id: int, delay: dt.timedelta) -> None:
    """Send the message again after `delay`; if the broker is away the sweep picks it up."""
    enqueue(SEND_TASK, countdown=delay.total_seconds(), email_id=email_id)


def outbox_due(*, limit: int = SWEEP_BATCH) -> list[int]:
    """Messages waiting to be sent: retries that are due, and queued rows whose task was lost
    (older than a minute). A row still `sending` OUTBOX_STUCK_SECONDS after it was claimed lost
    its worker mid-send: it is sent again, so that it is not lost. The receiver sees it twice
    only if the worker died between the server's acceptance and recording it; the
    X-Rapport-Message-ID header tells such copies apart."""
    now = timezone.now()
    stuck = now - dt.timedelta(seconds=settings.OUTBOX_STUCK_SECONDS)
    OutboundEmail.objects.filter(state=State.SENDING, claimed_at__lt=stuck).update(
        state=State.RETRY,
        next_attempt_at=now,
        last_error="Interrupted while sending: sent again.",
    )
    return list(
        OutboundEmail.objects.filter(
            Q(state=State.RETRY, next_attempt_at__lte=now)
            | Q(state=State.QUEUED, created_at__lte=now - dt.timedelta(minutes=1))
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
