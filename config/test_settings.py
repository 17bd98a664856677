"""Settings for the test suite: the real settings with fast hashing and in-memory mail.

Tasks run eagerly unless a test starts a real worker (see tests/conftest.py). The database is
whatever DATABASE_URL says (SQLite when unset), so CI runs the same suite on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0d6f2a9b8c7e4f1a3b5c7d9e0f1a2b3c")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = True
CELERY_TASK_ALWAYS_EAGER = True
HTTPS = SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory, so that a real worker process can open the same test database;
    # one per test run, so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / f"test_rapport_{os.getpid()}.sqlite3")  # noqa: F405
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
