"""Rapport settings: one module, driven by environment variables.

With no environment at all this is the embedded default: SQLite in the project folder, Celery
tasks run eagerly in-process, email printed to the console. Production sets DATABASE_URL,
CELERY_BROKER_URL, EMAIL_URL, SECRET_KEY (or SECRET_KEY_FILE) and ALLOWED_HOSTS; see the
configuration table in README.md.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A string from the environment, or from the file named by NAME_FILE (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """A DATABASES entry from postgres://user:pass@host:port/name or sqlite:///path."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "rapport.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        config = database_from_url("")
        config["NAME"] = unquote(parts.path)
        return config
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported.")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def mailer_from_url(url: str) -> dict:
    """A MAILERS entry from smtp://user:pass@host:port (smtps:// for SSL, ?tls=1 for STARTTLS)."""
    if not url:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {parts.scheme!r} is not supported.")
    query = parse_qs(parts.query)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": query.get("tls", ["0"])[-1] in {"1", "true"},
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (or SECRET_KEY_FILE), or DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-key-never-used-in-production-3f9a7c1e5b2d4806"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "core",
    "dataio",
    "accounts",
    "relationships",
    "surveys",
    "capture",
    "desk",
    "api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.HtmxLoginRedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "core.templating.DjangoTemplates",  # Django's, freeing a page's context
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # After Django's own: one CSRF token per response, which the page cache swaps.
                "core.pagecache.csrf",
            ],
        },
    },
    {  # the long loops of a few pages: `{% jinja %}` draws them (config/jinja2.py)
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_day"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# Sessions are kept in the database and read through the cache (no query per request); one
# ends in the cache first, so none comes back with Redis after an outage (core/sessions.py).
SESSION_ENGINE = "core.sessions"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Form widgets (inputs, selects and their options) are drawn with Django's Jinja2 templates of
# them: the same HTML, a fraction of the time on the form-heavy pages; widget templates that
# exist only for Django templates (the admin's) are drawn with those.
FORM_RENDERER = "core.renderers.FormRenderer"

# The currency of ARR, costs and value amounts (an ISO 4217 code), shown with every amount.
CURRENCY = env_str("CURRENCY", "USD").upper()

# Mail: console by default, SMTP when EMAIL_URL is set.
MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address links in emails point to (survey links), without a trailing slash.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# The outbox: retry transient failures after 60 s, 120 s, 240 s ... up to OUTBOX_MAX_ATTEMPTS.
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
OUTBOX_STUCK_SECONDS = env_int("OUTBOX_STUCK_SECONDS", 900)
# Webhooks and chat hooks (docs/webhooks.md): a receiver has WEBHOOK_TIMEOUT_SECONDS to answer;
# network errors, timeouts, 429 and 5xx are retried after 30 s, 60 s, 120 s ... up to
# WEBHOOK_MAX_ATTEMPTS; a delivery whose worker died mid-send goes again after
# WEBHOOK_STUCK_SECONDS.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 30)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 12)
WEBHOOK_STUCK_SECONDS = env_int("WEBHOOK_STUCK_SECONDS", 300)
# Events, with their deliveries and notifications, are kept this many days.
EVENTS_KEEP_DAYS = env_int("EVENTS_KEEP_DAYS", 90)
# Cache (sessions, catalogs, the survey pages' rate limits): per process by default, shared by
# every web process with CACHE_URL=redis://... (the deploy check asks for it).
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": CACHE_URL,
        # An unreachable Redis costs a request a fraction of a second, not a hang.
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Each process's copy of the pages the page cache serves (core/pagecache.py).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}
# Read pages are served from the cache while the data behind them is unchanged, for a minute at
# most (core/pagecache.py); PAGE_CACHE=0 renders every request.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# The model whose rows the page cache keeps changes for one by one (core/db/changes.py).
PAGE_CACHE_ACCOUNT_MODEL = "accounts.Account"
# Public survey pages: requests per minute per client address and per link.
SURVEY_RATE_PER_IP = env_int("SURVEY_RATE_PER_IP", 60)
SURVEY_RATE_PER_TOKEN = env_int("SURVEY_RATE_PER_TOKEN", 20)
# The JSON API (docs/api.md): requests per minute per personal token (429 beyond).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
# Sign-in throttle: this many failed sign-ins for one email, or from one address, within
# LOGIN_LOCKOUT_MINUTES lock its sign-ins for LOGIN_LOCKOUT_MINUTES (an admin can lift an
# account's lockout).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# The import page refuses uploads larger than this, all files together (import_csv takes any).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20_000_000)

# Mail and calendar capture (docs/capture.md). The team's own mail domains (the users' addresses
# count as ours too); how often mailboxes and calendar feeds are read, and how far back a first
# read reaches; whether message bodies are kept (by default only a 280-character snippet);
# after how many unanswered messages a person who used to answer is "going dark".
CAPTURE_INTERNAL_DOMAINS = [domain.lower() for domain in env_list("CAPTURE_INTERNAL_DOMAINS")]
CAPTURE_INTERVAL_MINUTES = env_int("CAPTURE_INTERVAL_MINUTES", 15)
CAPTURE_BACKFILL_DAYS = env_int("CAPTURE_BACKFILL_DAYS", 180)
CAPTURE_STORE_BODIES = env_bool("CAPTURE_STORE_BODIES", False)
CAPTURE_GOING_DARK_AFTER = env_int("CAPTURE_GOING_DARK_AFTER", 3)
# The touchpoint of a captured message or meeting whose subject has none of the admin's keywords.
CAPTURE_DEFAULT_TOUCHPOINT = env_str("CAPTURE_DEFAULT_TOUCHPOINT", "service")
# Whether calendar feed addresses may reach addresses inside the network (loopback, private,
# link-local): off, so that an address a user types cannot reach what only the server can.
CAPTURE_FEED_PRIVATE_ADDRESSES = env_bool("CAPTURE_FEED_PRIVATE_ADDRESSES", False)
# The key that encrypts mailbox passwords, tokens and calendar feed addresses at rest (a Fernet
# key: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Without one, a key is derived from SECRET_KEY; changing either makes stored secrets unreadable.
ENCRYPTION_KEY = env_str("ENCRYPTION_KEY")

# Celery: eager in-process without a broker, real workers with one.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = env_bool("CELERY_TASK_ACKS_LATE", True)
CELERY_TASK_REJECT_ON_WORKER_LOST = env_bool("CELERY_TASK_REJECT_ON_WORKER_LOST", True)
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # A web request that enqueues while the broker is down gives up at once (the work waits in
    # the database for the next task or the periodic sweep) instead of retrying for seconds.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "accounts.record_worker_heartbeat", "schedule": 60.0},
    # The record of changes the page cache asks about, kept to what it can still ask.
    "page-changes-forget": {"task": "core.page_changes_forget", "schedule": 60.0},
    # Anything a request could not enqueue (broker down) is picked up within five minutes.
    "recompute-pending": {"task": "scores.recompute_pending", "schedule": 300.0},
    "nightly-recompute": {
        "task": "scores.recompute_all",
        "schedule": crontab(hour=env_int("NIGHTLY_RECOMPUTE_HOUR", 2), minute=0),
    },
    # Scheduled survey sends and reminders; outbox retries and messages whose task was lost.
    "surveys-send-due": {"task": "surveys.send_due", "schedule": 60.0},
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 60.0},
    # Webhook and chat deliveries: retries, and those whose task was lost.
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 60.0},
    "events-forget": {"task": "events.forget", "schedule": crontab(hour=3, minute=30)},
    # The daily gap digest, for the users who chose it over an email per gap.
    "gap-digest": {
        "task": "gaps.daily_digest",
        "schedule": crontab(hour=env_int("GAP_DIGEST_HOUR", 7), minute=0),
    },
    # The daily task digest: each user's overdue and due-today tasks (opt-out in preferences).
    "task-digest": {
        "task": "tasks.daily_digest",
        "schedule": crontab(hour=env_int("TASK_DIGEST_HOUR", 7), minute=5),
    },
    # Mailboxes and calendar feeds are read every CAPTURE_INTERVAL_MINUTES.
    "capture-sync": {"task": "capture.sync_all", "schedule": 60.0 * CAPTURE_INTERVAL_MINUTES},
    # Forms' one-time submission keys are kept a day.
    "submission-keys-forget": {"task": "core.submission_keys_forget", "schedule": 3600.0},
}

# HTTPS switches: on by default outside DEBUG; HTTPS=0 for a plain-HTTP local stack.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: our own files only, scripts by nonce, no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"survey_tokens": {"()": "surveys.logging.RedactSurveyTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["survey_tokens"]}},
    "loggers": {
        # Both log request paths, and a survey link's path carries its token.
        "django.request": {"filters": ["survey_tokens"]},
        "django.server": {"filters": ["survey_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
