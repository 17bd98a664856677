"""Benchmark: the full relationship-score recompute on PostgreSQL at the scale of a large team.

    DATABASE_URL=postgres://user@host:5432/anything [CELERY_BROKER_URL=redis://...] \
        python bench/recompute_scores.py

Creates the throw-away database rapport_bench_scores (RAPPORT_BENCH_DB names another stem;
dropped at the end), loads 2,000 accounts, 20,000 stakeholders (10 each) and 1,000,000
interactions (500 an account, each with one of its people) in bulk, and prints, each figure as
it is measured:

- the full recompute as one worker does it (chunks of 200 accounts, one after the other);
- the floor: one hand-written SQL aggregate of the same interactions per stakeholder (the same
  recency-weighted sums the recompute needs, and nothing else), and the ratio (target <= 2.0);
- an incremental recompute of one account: time and query count;
- the snapshot write rate of the recompute's upsert against Django's bulk_update, on the same
  5,000 snapshots (bulk_update's time grows with the square of the rows: over all 20,000 it
  would take many minutes), target >= 10x;
- with CELERY_BROKER_URL: the full recompute fanned out to a real worker with the Procfile's
  two processes (recompute_all queues the chunks), its ratio to the floor and to the one-worker
  run (target: faster with two), and the time from saving an interaction to a fresh score
  computed by the worker (target <= 5 s).

It prints figures and asserts nothing about time.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import benchlib
import psycopg

SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.1 for a quick run at a tenth
ACCOUNTS, PEOPLE_PER_ACCOUNT = int(2_000 * SCALE), 10
INTERACTIONS = int(1_000_000 * SCALE)
BENCH_DB = os.environ.get("RAPPORT_BENCH_DB", "rapport_bench") + "_scores"
CHUNK = 200  # accounts per chunk of the full recompute, as recompute_all queues them
WORKER_PROCESSES = 2  # the worker's concurrency in the Procfile
WRITE_ROWS = 5_000  # snapshots written by both the upsert and bulk_update (see snapshot_writes)
PROJECT = Path(__file__).resolve().parent.parent


def server_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def admin_execute(url: str, *statements: str) -> None:
    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


LOAD_SQL = [
    "SELECT setseed(0.42)",
    """INSERT INTO relationships_stakeholder (account_id, external_id, name, title, email, role,
           buying_influence, relationship_since, trust, respect, strength, status, version)
       SELECT a.id, 'S-' || a.id || '-' || k, 'Person ' || k, '', '',
              (ARRAY['decision_maker','economic_buyer','champion','user','user','influencer'])
                  [1 + (k %% 6)],
              (ARRAY['high','medium','low'])[1 + (k %% 3)], DATE '2023-01-01' + k * 30,
              (ARRAY['high','low',''])[1 + (k %% 3)], (ARRAY['high','','low'])[1 + (k %% 3)],
              1 + (k %% 5), 'active', 0
       FROM accounts_account a, generate_series(0, %(people)s - 1) k""",
    """CREATE TEMPORARY TABLE people AS
       SELECT id, account_id, row_number() OVER (PARTITION BY account_id ORDER BY id) - 1 AS k
       FROM relationships_stakeholder""",
    """INSERT INTO relationships_interaction (import_key, account_id, occurred_at, channel_id,
           touchpoint_id, direction, sentiment, verbosity, response_hours, summary, updated_at)
       SELECT '', a.id, now() - random() * interval '365 days',
              (SELECT min(id) FROM relationships_channel) + floor(random() * 6)::int,
              (SELECT min(id) FROM relationships_touchpoint) + floor(random() * 6)::int,
              CASE WHEN random() < 0.5 THEN 'inbound' ELSE 'outbound' END,
              floor(random() * 5)::int - 2, 'normal',
              CASE WHEN random() < 0.5 THEN round((random() * 48)::numeric, 2) END, '', now()
       FROM accounts_account a, generate_series(1, %(per_account)s) n""",
    # Each interaction with one of its own account's people, chosen by a hash of its id.
    """INSERT INTO relationships_interaction_stakeholders (interaction_id, stakeholder_id)
       SELECT i.id, p.id
       FROM relationships_interaction i
       JOIN people p ON p.account_id = i.account_id
                    AND p.k = mod(hashint8(i.id) + 2147483648, %(people)s)""",
    "VACUUM ANALYZE",  # as autovacuum would after a bulk load: visibility map, hint bits
]

FLOOR_SQL = """
SELECT link.stakeholder_id,
       SUM(i.w * i.feeling), SUM(i.w), COUNT(*), SUM(i.w * channel.intimacy),
       COUNT(*) FILTER (WHERE i.age < 30), COUNT(*) FILTER (WHERE i.age >= 30 AND i.age < 210),
       AVG(i.response_hours) FILTER (WHERE i.direction = 'inbound')
FROM (SELECT id, direction, channel_id, date_part('epoch', now() - occurred_at) / 86400.0 AS age,
             POWER(0.5, date_part('epoch', now() - occurred_at) / 86400.0 / 90) AS w,
             (sentiment + 2) / 4::float8 AS feeling, response_hours::float8 AS response_hours
      FROM relationships_interaction) i
JOIN relationships_interaction_stakeholders link ON link.interaction_id = i.id
JOIN (SELECT id, intimacy::float8 AS intimacy FROM relationships_channel) channel
    ON channel.id = i.channel_id
GROUP BY link.stakeholder_id
"""


def best_of(runs: int, action, label: str = "") -> float:
    """The shortest of `runs` runs of `action`; with a label, each run is printed as it ends."""
    times = []
    for run in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        if label:
            say(f"  {label}, run {run + 1} of {runs}: {times[-1]:.2f} s")
    return min(times)


def say(line: str) -> None:
    print(line, flush=True)


def load() -> None:
    """Users, teams and accounts through the ORM (every field at its default), then the people,
    their interactions and the links with set-based SQL."""
    from django.db import connection

    benchlib.create_accounts(ACCOUNTS)
    params = {
        "accounts": ACCOUNTS,
        "people": PEOPLE_PER_ACCOUNT,
        "per_account": INTERACTIONS // ACCOUNTS,
    }
    with connection.cursor() as cursor:
        for statement in LOAD_SQL:
            cursor.execute(statement, params if "%(" in statement else None)


def snapshot_writes(rows: int) -> tuple[int, float, float]:
    """Seconds to write the same `rows` stakeholder snapshots (the first ones stored) with the
    recompute's upsert and with Django's bulk_update, and how many rows that was.

    Both write the same fields of the same rows, each in one transaction. bulk_update sends one
    UPDATE with a CASE per field over all the rows, whose cost grows with the square of their
    number (20,000 rows take it many minutes), so the comparison is made on a subset."""
    from django.db import transaction
    from django.utils import timezone

    from relationships.models import StakeholderScore
    from relationships.scoring.recompute import SNAPSHOT_FIELDS, _upsert

    existing = list(StakeholderScore.objects.order_by("pk")[:rows])
    now = timezone.now()
    for snapshot in existing:
        snapshot.computed_at = now
    keys = ["stakeholder_id", "account_id", "day"]
    fresh = [  # as the recompute writes them: matched on stakeholder and day
        tuple(getattr(snapshot, field) for field in [*keys, *SNAPSHOT_FIELDS])
        for snapshot in existing
    ]

    def upsert():
        with transaction.atomic():
            _upsert(StakeholderScore, keys, fresh)

    def bulk_update():
        with transaction.atomic():
            StakeholderScore.objects.bulk_update(existing, SNAPSHOT_FIELDS)

    upsert_time = best_of(3, upsert, "snapshot upsert")
    return len(existing), upsert_time, best_of(2, bulk_update, "Django bulk_update")


@contextmanager
def real_worker(broker_url: str, concurrency: int):
    """A Celery worker on the broker and the benchmark database, as `make up` starts one."""
    from config.celery import app

    app.conf.task_always_eager = False
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "bench" * 10}
    env["CELERY_BROKER_URL"] = broker_url
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency",
         str(concurrency), "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
        yield
    finally:
        worker.terminate()
        worker.wait()


def fanned_out() -> None:
    """The nightly full recompute as deployed: recompute_all queues the chunks, the worker's
    processes take them; returns once every account has a score computed after the start."""
    from django.utils import timezone

    from relationships.models import AccountScore
    from relationships.tasks import recompute_all

    start = timezone.now()
    recompute_all.apply_async()
    fresh = AccountScore.objects.filter(day=timezone.localdate(), computed_at__gte=start)
    while fresh.count() < ACCOUNTS:
        if timezone.now() - start > dt.timedelta(minutes=10):
            raise RuntimeError("the worker did not finish the full recompute in 10 minutes")
        time.sleep(0.02)


def worker_latency() -> float:
    """Seconds from committing a new interaction to a fresh score written by a real worker."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Account
    from relationships.models import AccountScore, Channel, Interaction, Touchpoint
    from relationships.scoring.recompute import recompute_request

    account = Account.objects.order_by("pk").first()
    person = account.stakeholders.first()
    before = AccountScore.objects.get(account=account).computed_at
    start = time.perf_counter()
    with transaction.atomic():
        interaction = Interaction.objects.create(
            account=account, occurred_at=timezone.now(), sentiment=2, direction="inbound",
            channel=Channel.objects.get(slug="text"),
            touchpoint=Touchpoint.objects.get(slug="service"),
        )  # fmt: skip
        interaction.stakeholders.add(person)
        recompute_request(account_ids=[account.pk])
    while AccountScore.objects.get(account=account).computed_at == before:
        time.sleep(0.02)
    return time.perf_counter() - start


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account
    from relationships.scoring.recompute import account_chunks, scores_recompute

    version = connection.cursor().connection.info.server_version
    stakeholders = ACCOUNTS * PEOPLE_PER_ACCOUNT
    say(f"Rapport recompute benchmark on PostgreSQL {version // 10000}.{version % 10000}")
    say(f"({ACCOUNTS:,} accounts, {stakeholders:,} stakeholders, {INTERACTIONS:,} interactions)\n")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    load()
    say(f"  loaded in bulk in {time.perf_counter() - start:.1f} s")

    def full():
        for chunk in account_chunks(CHUNK):
            scores_recompute(account_ids=chunk)

    start = time.perf_counter()
    full()  # warm the caches once, as a nightly run would find them
    say(f"  full recompute, warm-up run: {time.perf_counter() - start:.2f} s")
    full_time = best_of(2, full, "full recompute")

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            cursor.fetchall()

    floor_time = best_of(3, floor, "floor")
    say(f"full recompute, one worker (best of 2)      {full_time:7.2f} s")
    say(f"floor: one SQL aggregate (best of 3)        {floor_time:7.2f} s")
    say(
        f"ratio full / floor                          {full_time / floor_time:7.2f}"
        "   (target <= 2.0)"
    )

    one = Account.objects.order_by("pk").values_list("pk", flat=True)[ACCOUNTS // 2]
    one_time = best_of(5, lambda: scores_recompute(account_ids=[one]))
    with CaptureQueriesContext(connection) as queries:
        scores_recompute(account_ids=[one])
    say(
        f"incremental, one account (best of 5)        {one_time * 1000:7.1f} ms,"
        f" {len(queries)} queries"
    )

    rows, upsert_time, bulk_update_time = snapshot_writes(min(WRITE_ROWS, stakeholders))
    say(
        f"snapshot upsert, {rows:,} rows (best of 3)     {upsert_time:7.2f} s "
        f"({rows / upsert_time:,.0f} rows/s)"
    )
    say(
        f"Django bulk_update, same rows (best of 2)   {bulk_update_time:7.2f} s "
        f"({rows / bulk_update_time:,.0f} rows/s)"
    )
    say(
        f"upsert / bulk_update speed                  {bulk_update_time / upsert_time:7.1f}x  "
        "(target >= 10x)"
    )

    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        say(
            "with a worker: set CELERY_BROKER_URL=redis://... to measure the fanned-out full"
            " recompute and the time from a saved interaction to a fresh score"
        )
        return
    with real_worker(broker, WORKER_PROCESSES):
        start = time.perf_counter()
        fanned_out()  # the worker's processes open their connections and warm up
        say(f"  fanned out to the worker, warm-up run: {time.perf_counter() - start:.2f} s")
        fanned_time = best_of(2, fanned_out, "fanned out to the worker")
        say(f"full recompute, worker with {WORKER_PROCESSES} processes      {fanned_time:7.2f} s")
        say(
            f"ratio fanned out / floor                    {fanned_time / floor_time:7.2f}"
            "   (target <= 2.0)"
        )
        say(
            f"worker with {WORKER_PROCESSES} processes / one worker           "
            f"{fanned_time / full_time:7.2f}   (target < 1: faster with two)"
        )
        latency = min(worker_latency() for _ in range(3))
        say(f"saved interaction -> fresh score (best of 3) {latency:6.2f} s  (target <= 5 s)")


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        sys.exit("Set DATABASE_URL=postgres://... : the benchmark runs on PostgreSQL.")
    admin_execute(
        url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {BENCH_DB}"
    )
    os.environ["DATABASE_URL"] = server_url(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    sys.path.insert(0, str(PROJECT))
    import logging

    import django

    django.setup()
    logging.getLogger("relationships.scoring.recompute").setLevel(logging.WARNING)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
