"""Deploy checks of Rapport's own settings."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Sessions, catalogs and rate limits live in the cache: web processes must share it."""
    if settings.CACHE_URL:
        return []
    return [
        checks.Warning(
            "CACHE_URL is not set: each web process keeps its own cache, so a session signed "
            "out in one process stays usable in the others until it expires, and rate limits "
            "count per process.",
            hint="Set CACHE_URL=redis://host:6379/1, or silence rapport.W001 when you run "
            "a single web process.",
            id="rapport.W001",
        )
    ]
