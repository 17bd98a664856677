"""Rate limits of the public survey pages, per client address and per link, in Django's cache
(a shared cache such as Redis in production, so that every web process counts together)."""

from django.conf import settings
from django.core.cache import cache

from surveys.tokens import token_hash

WINDOW_SECONDS = 60


def _hit(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def survey_rate_exceeded(*, ip: str, token: str) -> bool:
    """Count this request; True when the address or the link asked too often this minute."""
    by_ip = _hit(f"survey-rate:ip:{ip}")
    by_token = _hit(f"survey-rate:token:{token_hash(token)[:32]}")
    return by_ip > settings.SURVEY_RATE_PER_IP or by_token > settings.SURVEY_RATE_PER_TOKEN
