"""Shared fixtures: a small organisation with every role, a browser, a real Celery worker."""

import importlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from accounts.models import Account, Team, User
from tests import services
from tests.factories import AccountFactory, TeamFactory, UserFactory
from tests.smtp import smtp, smtp_port  # noqa: F401  (fixtures: a real SMTP server)

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Property tests run RAPPORT_PROPERTY_EXAMPLES examples each (CI: 1,000; a laptop: 100). Tests
# that touch the database set their own, smaller number.
settings.register_profile(
    "rapport",
    max_examples=int(os.environ.get("RAPPORT_PROPERTY_EXAMPLES", "100")),
    deadline=None,
)
settings.load_profile("rapport")


@pytest.fixture(scope="session", autouse=True)
def close_stray_connections(django_db_setup, django_db_blocker):
    """After the run, end PostgreSQL sessions left open by other threads and contexts (live
    server, Playwright's greenlets) so the test database can be dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


DEFAULT_DATA = [
    "relationships.migrations.0002_default_scales",
    "relationships.migrations.0004_default_catalogs",
    "relationships.migrations.0007_gaps",
    "relationships.migrations.0009_default_dimensions",
    "surveys.migrations.0002_relationship_check",
    "surveys.migrations.0003_competitor_matrix",
]


@pytest.fixture(autouse=True)
def default_data(request):
    """Transactional tests (live server, real worker) empty every table between tests, rows
    written by data migrations included: put the default scales and catalogs back first."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module in DEFAULT_DATA:
        migration = importlib.import_module(module)
        for operation in migration.Migration.operations:
            if hasattr(operation, "code"):
                operation.code(apps, None)


@pytest.fixture
def json_checked(db):
    """SQLite checks once per connection, with a query, that it has the JSON functions: have
    that done before a test counts the queries of a page that uses them (the timeline)."""
    from django.db import connection

    assert connection.features.has_json_object_function


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with no requests counted against the survey pages' rate limits and no
    page kept by the page cache."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()


@dataclass
class Org:
    """Two teams. Team A owns `account`; team B is the outsider."""

    admin: User
    manager: User
    csm: User
    teammate: User
    outsider: User
    team: Team
    other_team: Team
    account: Account
    other_account: Account


@pytest.fixture
def org(db) -> Org:
    admin = UserFactory(
        email="admin@example.com", role=User.Role.ADMIN, is_staff=True, is_superuser=True
    )
    manager = UserFactory(email="manager@example.com", role=User.Role.MANAGER)
    csm = UserFactory(email="csm@example.com")
    teammate = UserFactory(email="teammate@example.com")
    outsider = UserFactory(email="outsider@example.com")
    team = TeamFactory(name="Team A", manager=manager, members=[csm, teammate])
    other_team = TeamFactory(name="Team B", members=[outsider])
    account = AccountFactory(name="Acme", team=team, owner=csm)
    return Org(
        admin=admin,
        manager=manager,
        csm=csm,
        teammate=teammate,
        outsider=outsider,
        team=team,
        other_team=other_team,
        account=account,
        other_account=AccountFactory(name="Globex", team=other_team, owner=outsider),
    )


@pytest.fixture
def browser():
    """A headless Debian Chromium driven by Playwright."""
    executable = services.need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _test_database_url() -> str:
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}"
        f":{params['PORT'] or 5432}/{params['NAME']}"
    )


class Worker:
    """A real `celery worker` process with the production settings, on the configured Redis,
    reading and writing the test database."""

    def __init__(self, broker_url: str, pool: str = "solo"):
        from config.celery import app

        self.app = app
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "test-worker-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": broker_url,
        }
        self.pool = pool
        self.process = None

    def start(self) -> "Worker":
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", self.pool,
            "--concurrency", "1", "--hostname", "rapport-test@%h", "--without-gossip",
            "--without-mingle", "--loglevel", os.environ.get("RAPPORT_WORKER_LOG", "WARNING"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env)
        deadline = time.monotonic() + 30
        while not self.app.control.ping(timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        return self

    def child_pids(self) -> list[int]:
        """The pool processes that run the tasks (prefork pool)."""
        stats = self.app.control.inspect(timeout=2).stats() or {}
        return [pid for worker in stats.values() for pid in worker["pool"].get("processes", [])]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def worker_factory(transactional_db, settings):
    """Start real workers; tasks sent meanwhile go to the broker instead of running eagerly."""
    broker_url = services.need_redis()
    from config.celery import app

    app.control.purge()
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = broker_url
    workers = []

    def start(pool="solo"):
        workers.append(Worker(broker_url, pool).start())
        return workers[-1]

    yield start
    app.conf.task_always_eager = True
    for worker in workers:
        worker.stop()
    app.control.purge()


@pytest.fixture
def celery_worker(worker_factory):
    return worker_factory()
