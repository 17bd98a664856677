"""Who calls the API: a personal token (`Authorization: Bearer rpt_…`) or the browser's session
(with its CSRF token on writes). A token that is unknown, revoked or expired answers 401, a
read-only token's write 403, and each token may make API_RATE_LIMIT requests a minute (429 with
Retry-After beyond that), counted in the shared cache as the other rate limits are."""

import time

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError, Throttled
from ninja.security import HttpBearer, SessionAuth

from api.services import api_token_find, api_token_used
from core.counters import count_in_window

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
WINDOW_SECONDS = 60


def rate_check(key: str) -> None:
    """Count a request against `key`'s minute; Throttled (429) once it is over the limit."""
    now = time.time()
    minute = int(now // WINDOW_SECONDS)
    count = count_in_window(f"api-rate:{key}:{minute}", seconds=WINDOW_SECONDS)
    if count > settings.API_RATE_LIMIT:
        raise Throttled(wait=max(1, int((minute + 1) * WINDOW_SECONDS - now) + 1))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_find(token.strip())
        now = timezone.now()
        if found is None or not found.is_usable(now) or not found.user.is_active:
            raise AuthenticationError(message="This token is unknown, revoked or expired.")
        if found.read_only and request.method not in SAFE_METHODS:
            raise AuthorizationError(message="This token is read-only: it cannot write.")
        rate_check(f"token:{found.pk}")
        api_token_used(token=found, now=now)
        request.user = found.user  # the change history records who wrote
        request.api_token = found
        return found.user


class BrowserSession(SessionAuth):
    """The signed-in browser; writes need the CSRF token (X-CSRFToken header)."""

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


AUTH = [TokenAuth(), BrowserSession(csrf=True)]
