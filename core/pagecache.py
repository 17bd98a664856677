"""Whole-page cache for the read views, valid exactly as long as the data behind the page.

A read page is a function of the database, the reader, the URL, the htmx headers that pick a
fragment and the clock. A page is kept under its reader, URL, htmx headers and minute (so "due
in", "overdue" and "5 minutes ago" stay right), together with what it was drawn from:

- the tables its render read (the statements it ran name them, the catalogs every page reads
  from the cache and the reader's own row are added), and for a view of one account the rows of
  that account only, in the tables whose rows belong to an account;
- the PostgreSQL snapshot taken before it was drawn.

It is served again while no change to what it was drawn from has committed unseen by that
snapshot (core.db.changes records every write by table and account, whichever path wrote: the
app, an import's COPY, a worker, raw SQL in a shell). So a quick log on one account leaves
another account's pages, and the pages that do not read what it wrote, in the cache.

A hit is the page a render would give, apart from its per-response secrets: the CSRF token,
the CSP nonce and the forms' one-time submission keys (core.idempotency) are cut out when a page
is stored and put back, new, for each response.
Pages are kept in the shared cache and in each process's memory, which spares a large page (the
quadrant board) its trip from Redis.

Not cached: pages carrying flash messages, anything but a 200, requests inside a transaction
(the snapshot cannot see the transaction's own writes) and every request on SQLite, the
embedded default, which records no changes. PAGE_CACHE=0 turns the cache off.

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
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

from core.db import changes
from core.idempotency import submission_key_new, submission_keys_drawn

CSRF, NONCE = b"csrf", b"nonce"  # the places of the secrets in a stored page
KEY = b"key"  # and of each submission key, numbered
FORGET_BEFORE = "page-changes:forget-before"
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


def page_key(request, minute: int) -> str:
    parts = [
        str(request.user.pk),
        request.get_full_path(),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
        str(minute),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def has_messages(request) -> bool:
    return len(messages.get_messages(request)) > 0


ALWAYS_READ: set[str] = set()  # tables every page reads through a cache, not a statement


def pages_read_through_cache(*models) -> None:
    """Declare tables every page reads from a cache, so that a change to them starts every
    page over (the catalogs call this)."""
    ALWAYS_READ.update(model._meta.db_table for model in models)


@functools.cache
def _tables() -> tuple[re.Pattern, frozenset[str]]:
    """A pattern finding the project's tables in SQL, and those kept per account."""
    names = sorted((model._meta.db_table for model in changes.tracked_models()), key=len)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names[::-1])) + r")\b")
    return pattern, changes.account_tables()


class TablesRead:
    """Collects the tables named by the statements run while it is installed."""

    def __init__(self):
        self.tables = {get_user_model()._meta.db_table, *ALWAYS_READ}

    def __call__(self, execute, sql, params, many, context):
        self.tables.update(_tables()[0].findall(sql))
        return execute(sql, params, many, context)

    def scopes(self, account_id) -> list[str]:
        """What the page was drawn from: each table, or its rows of the page's account."""
        per_account = _tables()[1] if account_id is not None else ()
        return [changes.EVERYTHING] + sorted(
            f"{table}@{account_id}" if table in per_account else table for table in self.tables
        )


def cached_page(view=None, *, account: str | None = None):
    """Serve the view's GET responses from the cache while nothing they show has changed.
    `account` names the view's argument holding the account a page shows, when it shows one:
    its page is then drawn again only for a change to that account's rows."""
    if view is None:
        return functools.partial(cached_page, account=account)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            not settings.PAGE_CACHE
            or request.method != "GET"
            or connection.vendor != "postgresql"
            or connection.in_atomic_block
            or has_messages(request)
        ):
            return labelled(view(request, *args, **kwargs), "off")
        now = time.time()
        minute = int(now // 60)
        key = page_key(request, minute)
        # Kept until the minute in its key is over, when no request can ask for it again.
        seconds = math.ceil((minute + 1) * 60 - now)
        stored = stored_page(key, seconds)
        if stored is not None and not changes.changed_since(connection, *stored[:2]):
            return labelled(replay(request, *stored[2:]), "hit")
        seen = changes.snapshot(connection)
        read = TablesRead()
        with submission_keys_drawn() as keys, connection.execute_wrapper(read):
            response = view(request, *args, **kwargs)
        if storable(request, response):
            scopes = read.scopes(kwargs.get(account) if account else None)
            stored = (seen, scopes, *record(request, response, keys))
            caches["pages"].set(key, stored, seconds)
            cache.set(key, stored, seconds)
        return labelled(response, "miss")

    return wrapper


def changes_forget() -> int:
    """Forget the changes older than the snapshot this kept on its previous run, at least a
    minute ago: every page in the cache was drawn after it and saw them. Keeps the new one."""
    if connection.vendor != "postgresql":
        return 0
    previous = cache.get(FORGET_BEFORE)
    cache.set(FORGET_BEFORE, changes.snapshot(connection), None)
    return changes.changes_forget(connection, previous) if previous else 0


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
