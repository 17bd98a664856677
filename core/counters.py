"""Counters in the shared cache, which every web process counts together: the survey pages' rate
limits and the sign-in throttle. While the cache cannot be reached every count is 1."""

from django.core.cache import cache


def count_in_window(key: str, *, seconds: int) -> int:
    """Count one more event on `key`: how many there were in its window, which starts with the
    first of them and lasts `seconds`."""
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
