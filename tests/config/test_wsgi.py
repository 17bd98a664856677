"""The web process starts with its code out of the garbage collector's way."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, sys
import config.wsgi
views_loaded = "relationships.positioning.views" in sys.modules
print(gc.get_freeze_count(), len(gc.get_objects()), views_loaded)
"""


def test_a_web_process_imports_its_views_and_freezes_them_before_the_first_request():
    """A full collection walks only what requests built since: the views, the URL patterns
    and everything else loaded at start are in the permanent generation."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    frozen, walked, views_loaded = probe.stdout.split()
    assert views_loaded == "True"
    assert int(frozen) > 10 * int(walked)
