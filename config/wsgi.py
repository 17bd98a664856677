"""WSGI entry point, served by gunicorn in production."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def settle() -> None:
    """Import every view now, then move everything the process has built so far (modules,
    classes, settings, the URL patterns: over 200,000 objects) into the garbage collector's
    permanent generation, where a full collection no longer walks them. Such a collection
    took 100-280 ms about every tenth read of the quadrant board (docs/performance.md)."""
    get_resolver().url_patterns  # noqa: B018 (imports every view and what it imports)
    gc.collect()
    gc.freeze()


settle()
