"""What the import benchmarks share: a throw-away database, the users and teams, timing.

The benchmarks create the database rapport_bench (RAPPORT_BENCH_DB overrides the name) on the
server of DATABASE_URL and drop it again at the end; they print figures and assert nothing.
"""

import logging
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_DB = os.environ.get("RAPPORT_BENCH_DB", "rapport_bench")
PROJECT = Path(__file__).resolve().parent.parent
USERS, TEAMS = 20, 4


def server_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def drop_database(url: str) -> None:
    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def run_on_bench_database(run: Callable[[], None], *, keep: bool = False) -> None:
    """Create the benchmark database, set Django up on it, call `run`, drop the database; with
    `keep`, reuse the database if it is there already and leave it for the next run."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        sys.exit("Set DATABASE_URL=postgres://... : the benchmark runs on PostgreSQL.")
    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]
        ).fetchone()
        if exists and not keep:
            admin.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
        if not exists or not keep:
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = server_url(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    try:
        from django.core.management import call_command

        logging.getLogger("dataio.services").setLevel(logging.WARNING)
        call_command("migrate", verbosity=0)
        run()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(url)


def queue_tasks_in_memory() -> None:
    """Send Celery tasks to an in-memory broker instead of running them in the process.

    An import asks for a score recompute of the accounts it touched once it commits; in
    production a worker does that afterwards, apart from the import (bench/recompute_scores.py
    times the recompute). Run eagerly, as the test settings would, it would be timed as part of
    the import, so the import benchmarks queue the task, as a deployment with a broker does,
    and no worker takes it.
    """
    from config.celery import app

    app.conf.broker_url = "memory://"
    app.conf.task_always_eager = False


def create_users_and_teams():
    """The importing admin, the CSMs csm0..csm19@bench.example, Team 0..3 (csm<n> a member of
    Team <n mod 4>, the team of the accounts they own) and the competitor the accounts name;
    returns the admin."""
    from accounts.models import Competitor, Team, User

    admin = User.objects.create_superuser(email="admin@bench.example")
    csms = User.objects.bulk_create([User(email=f"csm{n}@bench.example") for n in range(USERS)])
    teams = Team.objects.bulk_create([Team(name=f"Team {t}") for t in range(TEAMS)])
    for n, csm in enumerate(csms):
        teams[n % TEAMS].members.add(csm)
    Competitor.objects.create(name="Rival Corp")
    return admin


def create_accounts(count: int) -> None:
    """CSMs csm0..csm19@bench.example, Team 0..3 and `count` accounts A-<n> ("Customer <n>")
    spread over them, through the ORM (every field at its default)."""
    from accounts.models import Account, Team, User

    users = User.objects.bulk_create(
        User(email=f"csm{n}@bench.example", full_name=f"CSM {n}") for n in range(20)
    )
    teams = Team.objects.bulk_create(Team(name=f"Team {n}") for n in range(4))
    Account.objects.bulk_create(
        Account(external_id=f"A-{n}", name=f"Customer {n}", owner=users[n % 20], team=teams[n % 4])
        for n in range(count)
    )


def account_row(a: int) -> list[str]:
    """A row of accounts.csv for account number `a` (A-<a>)."""
    return [
        f"A-{a}", f"Customer {a:05d}", f"customer{a}.example", "mid-market",
        f"csm{a % USERS}@bench.example", f"Team {a % TEAMS}", "2020-01-01", "2026-06-30",
        "100000.00", "25000.00", "100", "35", "active", "Rival Corp" if a % 3 else "", "",
    ]  # fmt: skip


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def best_of(times: int, action: Callable[[], object], reset: Callable[[], object]) -> float:
    """The shortest of `times` runs of `action`, calling `reset` (not timed) before each."""
    best = float("inf")
    for _ in range(times):
        reset()
        best = min(best, timed(action))
    return best


def resident_mb() -> float:
    """The process's resident memory now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_resident_mb() -> float:
    """The most resident memory the process has used so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def print_figures(figures: list[tuple[str, float, int]]) -> None:
    for label, seconds, count in figures:
        print(f"{label:<62} {seconds:>7.2f} s {count / seconds:>11,.0f} rows/s")


def server_version() -> str:
    from django.db import connection

    version = connection.cursor().connection.info.server_version
    return f"{version // 10000}.{version % 10000}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    """A redis-server of the run's own, on a free loopback port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not self.answers():
            if time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.1)
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait()
            self.process = None
