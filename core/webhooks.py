"""Sending events (core.events) to webhook endpoints and chat hooks.

A delivery is claimed with a conditional update (queued/retry -> sending) before it is sent, so
two workers never send it together and a task delivered twice sends nothing the second time.
A webhook's body is signed as Standard Webhooks says (https://www.standardwebhooks.com):
`webhook-id` (the event's id, the same on every attempt), `webhook-timestamp` (seconds) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body" keyed with the secret>`,
and for a day after the secret is rotated a second, space-separated signature with the old one.
Chat hooks get the event in words with a link (Slack: `text`; Teams: a MessageCard).

A 2xx answer delivers it. Network errors, timeouts, 429 and 5xx are retried with exponential
backoff up to WEBHOOK_MAX_ATTEMPTS; any other answer (a redirect, 4xx) fails at once, with the
status and the reason on the row. A delivery whose worker died mid-send is sent again by the
sweep after WEBHOOK_STUCK_SECONDS; the receiver may then see the same `webhook-id` twice,
which tells it the copy apart.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.events import SEND_TASK
from core.models import Delivery, Event, WebhookEndpoint, webhook_secret_new
from core.queue import enqueue
from core.secrets import SecretUnreadable

log = logging.getLogger(__name__)
State = Delivery.State
SWEEP_BATCH = 500
USER_AGENT = "Rapport-Webhooks/1"
# How long a rotated-out signing secret goes on signing deliveries beside the new one.
SECRET_OVERLAP = dt.timedelta(hours=24)


def webhook_body(event: Event) -> bytes:
    """What an endpoint receives: the event's type, time, words, page and data, as JSON."""
    body = {
        "id": str(event.public_id),
        "type": event.kind,
        "timestamp": event.occurred_at.isoformat(),
        "summary": event.summary,
        "url": event.url,
        "data": event.payload,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks signature of a body: v1,<base64 HMAC-SHA256>."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def webhook_headers(*, secrets: list[str], event: Event, body: bytes, now: float) -> dict[str, str]:
    """The headers of a webhook, signed with each secret (space-separated signatures: the new
    one and the old one after a rotation)."""
    timestamp = int(now)
    msg_id = str(event.public_id)
    signatures = [
        signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
        for secret in secrets
    ]
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }


def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Give the endpoint a new signing secret. The one it replaces goes on signing deliveries
    beside it for SECRET_OVERLAP, so a receiver still verifying with it accepts them while it
    switches; a second rotation in that time drops the first old secret. An old secret that can
    no longer be decrypted (ENCRYPTION_KEY changed) is not kept."""
    try:
        endpoint.signing_secret()
    except SecretUnreadable:
        endpoint.previous_secret, endpoint.previous_secret_until = "", None
    else:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = timezone.now() + SECRET_OVERLAP
    endpoint.secret = webhook_secret_new()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint


def _slack_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_message(kind: str, event: Event) -> dict:
    """The chat message of an event: what happened in words, and a link to the page."""
    if kind == "slack":
        return {"text": f"{_slack_escaped(event.summary)} <{event.url}|Open in Rapport>"}
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": event.summary[:200],
        "text": event.summary,
        "potentialAction": [
            {
                "@type": "OpenUri",
                "name": "Open in Rapport",
                "targets": [{"os": "default", "uri": event.url}],
            }
        ],
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver that answers with a redirect has not taken the event: the answer stands."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST the body; the status code of the answer (HTTPError answers included). Only http
    and https addresses are sent to (ValueError otherwise: not a file, not FTP)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"Not an http or https address: {url[:50]}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2 x base, 4 x base ... capped at six hours."""
    base = settings.WEBHOOK_RETRY_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _request(delivery: Delivery) -> tuple[str, bytes, dict[str, str]]:
    event = delivery.event
    if delivery.endpoint_id:
        body = webhook_body(event)
        secrets = delivery.endpoint.signing_secrets(timezone.now())
        headers = webhook_headers(secrets=secrets, event=event, body=body, now=time.time())
        return delivery.endpoint.url, body, headers
    hook = delivery.chat_hook
    body = json.dumps(chat_message(hook.kind, event)).encode()
    return hook.address(), body, {"Content-Type": "application/json", "User-Agent": USER_AGENT}


def delivery_send(*, delivery_id: int) -> str | None:
    """Send one delivery if it is due; returns its new state (None if someone else has it)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, state__in=[State.QUEUED, State.RETRY], next_attempt_at__lte=now
    ).update(state=State.SENDING, claimed_at=now)
    if not claimed:
        return None
    # Only this claim's result is written: one the sweep took back as stuck is another's now.
    mine = Delivery.objects.filter(pk=delivery_id, state=State.SENDING, claimed_at=now)
    delivery = Delivery.objects.select_related("event", "endpoint", "chat_hook").get(pk=delivery_id)
    attempts = delivery.attempts + 1
    status, reason, transient = None, "", False
    target = delivery.endpoint or delivery.chat_hook
    if not target.active:
        mine.update(state=State.FAILED, last_error="Not sent: the address was turned off.")
        return State.FAILED
    try:
        url, body, headers = _request(delivery)
        status = _post(url, body, headers)
    except SecretUnreadable as error:
        reason = str(error)
    except ValueError as error:  # an address that is not a URL: trying again will not help
        reason = f"{type(error).__name__}: {error}"
    except Exception as error:  # refused, reset, timed out, unresolvable, a garbled answer ...
        reason, transient = f"{type(error).__name__}: {error}", True
    if status is not None and 200 <= status < 300:  # delivered, whoever holds it now
        Delivery.objects.filter(pk=delivery_id).exclude(state=State.DELIVERED).update(
            state=State.DELIVERED,
            attempts=attempts,
            last_status=status,
            last_error="",
            delivered_at=timezone.now(),
        )
        return State.DELIVERED
    if status is not None:
        transient = status >= 500 or status == 429
        reason = f"The receiver answered {status}."
    if transient and attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        state, next_at = State.RETRY, timezone.now() + retry_delay(attempts)
    else:
        state, next_at = State.FAILED, timezone.now()
    if not mine.update(
        state=state,
        attempts=attempts,
        last_status=status,
        last_error=reason,
        next_attempt_at=next_at,
    ):
        return None
    log.warning("Delivery %s %s after attempt %d: %s", delivery_id, state, attempts, reason)
    if state == State.RETRY:
        enqueue(SEND_TASK, countdown=retry_delay(attempts).total_seconds(), delivery_id=delivery_id)
    return state


def deliveries_due(*, limit: int = SWEEP_BATCH) -> list[int]:
    """Deliveries waiting to be sent: retries that are due, and queued ones whose task was lost
    (older than a minute). One still `sending` WEBHOOK_STUCK_SECONDS after it was claimed lost
    its worker mid-send: it is sent again, so that it is not lost."""
    now = timezone.now()
    stuck = now - dt.timedelta(seconds=settings.WEBHOOK_STUCK_SECONDS)
    Delivery.objects.filter(state=State.SENDING, claimed_at__lt=stuck).update(
        state=State.RETRY, next_attempt_at=now, last_error="Interrupted while sending: sent again."
    )
    return list(
        Delivery.objects.filter(
            Q(state=State.RETRY, next_attempt_at__lte=now)
            | Q(state=State.QUEUED, created_at__lte=now - dt.timedelta(minutes=1))
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
