"""Whole-page cache for the read views, valid exactly as long as the data behind the page.

A read page is a function of the database, the reader, the URL, the htmx headers that pick a
fragment and the clock. The cache key holds each of them:

- the database's state is named by PostgreSQL's current snapshot (``xmin:xmax:in-progress
  ids``). Any transaction that writes anything and commits changes it, whichever path wrote
  (the app, an import's COPY, a worker, raw SQL in a shell), and reads never do. Two requests
  that see the same snapshot see the same rows;
- the clock by the minute, so "due in", "overdue" and "5 minutes ago" stay right.

So a hit is the page a render would give, apart from its per-response secrets: the CSRF token,
the CSP nonce and the forms' one-time submission keys (core.idempotency) are cut out when a page
is stored and put back, new, for each response.
Pages are kept in the shared cache and in each process's memory, which spares a large page (the
quadrant board) its trip from Redis.

Not cached: pages carrying flash messages, anything but a 200, requests inside a transaction
(the snapshot cannot see the transaction's own writes) and every request on SQLite, the
embedded default, which has no snapshot to read. PAGE_CACHE=0 turns the cache off.

Each answer of a cached view says how it was made in its `X-Page-Cache` header: `hit` (replayed),
`miss` (rendered, and stored when storable) or `off` (rendered, the cache not asked), so an
operator, and `make load`, can tell a replay from a render.
"""

import functools
import hashlib
import math
import re
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

from core.idempotency import submission_key_new, submission_keys_drawn

CSRF, NONCE = b"csrf", b"nonce"  # the places of the secrets in a stored page
KEY = b"key"  # and of each submission key, numbered
# The request headers a view reads to choose what it renders.
HTMX_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Trigger-Name", "HX-Boosted")


def csrf(request) -> dict:
    """The template's `csrf_token`, one value per response, which the page cache can find
    (Django's own hands out a different masking each time it is asked)."""
    return {"csrf_token": SimpleLazyObject(lambda: response_csrf_token(request))}


def response_csrf_token(request) -> str:
    if not hasattr(request, "response_csrf_token"):
        request.response_csrf_token = get_token(request)
    return request.response_csrf_token


def database_state() -> str | None:
    """A name for every row this request can see, or None when there is none to be had."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def page_key(request, state: str, minute: int) -> str:
    parts = [
        str(request.user.pk),
        request.get_full_path(),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
        state,
        str(minute),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def has_messages(request) -> bool:
    return len(messages.get_messages(request)) > 0


def cached_page(view):
    """Serve the view's GET responses from the cache while nothing they show has changed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method != "GET" or has_messages(request):
            return labelled(view(request, *args, **kwargs), "off")
        if (state := database_state()) is None:
            return labelled(view(request, *args, **kwargs), "off")
        now = time.time()
        minute = int(now // 60)
        key = page_key(request, state, minute)
        # Kept until the minute in its key is over, when no request can ask for it again.
        seconds = math.ceil((minute + 1) * 60 - now)
        if (stored := stored_page(key, seconds)) is not None:
            return labelled(replay(request, *stored), "hit")
        with submission_keys_drawn() as keys:
            response = view(request, *args, **kwargs)
        if storable(request, response):
            stored = record(request, response, keys)
            caches["pages"].set(key, stored, seconds)
            cache.set(key, stored, seconds)
        return labelled(response, "miss")

    return wrapper


def labelled(response, how: str):
    response.headers["X-Page-Cache"] = how
    return response


def stored_page(key: str, seconds: int) -> tuple | None:
    """The page from this process's memory, else from the shared cache (kept in memory)."""
    if (stored := caches["pages"].get(key)) is None and (stored := cache.get(key)) is not None:
        caches["pages"].set(key, stored, seconds)
    return stored


def storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_messages(request)
    )


def record(request, response, keys: list[str]) -> tuple[list[bytes], list]:
    """The response's body cut around its secrets, whose places hold CSRF, NONCE or a KEY of
    `keys` (every odd item), and its headers."""
    secrets = {key.encode(): KEY + str(number).encode() for number, key in enumerate(keys)}
    if token := getattr(request, "response_csrf_token", None):
        secrets[token.encode()] = CSRF
    if nonce := get_nonce(request):
        secrets[str(nonce).encode()] = NONCE
    parts = [response.content]
    if secrets:
        parts = re.split(b"(" + b"|".join(map(re.escape, secrets)) + b")", response.content)
        parts[1::2] = [secrets[secret] for secret in parts[1::2]]
    headers = [item for item in response.headers.items() if item[0] != "Content-Length"]
    return parts, headers


def replay(request, parts: list[bytes], headers: list) -> HttpResponse:
    """The stored response, with this request's CSRF token and CSP nonce, and new submission
    keys, in their places."""
    secrets = {}
    for place in set(parts[1::2]):
        if place == CSRF:
            secret = response_csrf_token(request)
        elif place == NONCE:
            secret = str(get_nonce(request))
        else:
            secret = str(submission_key_new())
        secrets[place] = secret.encode()
    body = list(parts)
    body[1::2] = [secrets[place] for place in parts[1::2]]
    response = HttpResponse(b"".join(body))
    for name, value in headers:
        response.headers[name] = value
    return response
