"""Rate limits of the public survey pages, per client address and per link, in Django's cache
(a shared cache such as Redis in production, so that every web process counts together)."""

from django.conf import settings

from core.counters import count_in_window
from surveys.tokens import token_hash

WINDOW_SECONDS = 60


def survey_rate_exceeded(*, ip: str, token: str) -> bool:
    """Count this request; True when the address or the link asked too often this minute."""
    by_ip = count_in_window(f"survey-rate:ip:{ip}", seconds=WINDOW_SECONDS)
    by_token = count_in_window(
        f"survey-rate:token:{token_hash(token)[:32]}", seconds=WINDOW_SECONDS
    )
    return by_ip > settings.SURVEY_RATE_PER_IP or by_token > settings.SURVEY_RATE_PER_TOKEN
