"""Benchmark: the full relationship-score recompute on PostgreSQL at the scale of a large team.

    DATABASE_URL=postgres://user@host:5432/anything [CELERY_BROKER_URL=redis://...] \
        python bench/recompute_scores.py

Creates the throw-away database rapport_bench_scores (dropped at the end), loads 2,000
accounts, 20,000 stakeholders and 1,000,000 interactions with set-based SQL, and prints:

- the full recompute (chunks of 200 accounts, one after the other, as one worker would);
- the floor: one hand-written SQL aggregate of the same interactions per stakeholder (the same
  recency-weighted sums the recompute needs, and nothing else), and the ratio (target <= 2.0);
- an incremental recompute of one account: time and query count;
- the snapshot write rate of the recompute's upsert against Django's bulk_update of the same
  rows (target >= 10x);
- with CELERY_BROKER_URL: the time from saving an interaction to a fresh score computed by a
  real worker (target <= 5 s).

It prints figures and asserts nothing about time.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

SCALE = float(os.environ.get("BENCH_SCALE", "1"))  # e.g. 0.1 for a quick run at a tenth
ACCOUNTS, PEOPLE_PER_ACCOUNT = int(2_000 * SCALE), 10
INTERACTIONS = int(1_000_000 * SCALE)
BENCH_DB = "rapport_bench_scores"
PROJECT = Path(__file__).resolve().parent.parent


def server_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def admin_execute(url: str, *statements: str) -> None:
    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


LOAD_SQL = [
    "SELECT setseed(0.42)",
    """INSERT INTO accounts_user (password, is_superuser, email, full_name, role, is_staff,
           is_active, date_joined)
       SELECT '', false, 'csm' || n || '@bench.example', 'CSM ' || n, 'csm', false, true, now()
       FROM generate_series(1, 20) n""",
    "INSERT INTO accounts_team (name) SELECT 'Team ' || n FROM generate_series(1, 4) n",
    """INSERT INTO accounts_account (external_id, name, domain, segment, owner_id, team_id,
           status, notes, strong_relationships, single_threaded, no_decision_maker_coverage,
           champion_left, relationship_label, engagement_drop)
       SELECT 'A-' || n, 'Customer ' || n, '', '', (SELECT min(id) FROM accounts_user) + n %% 20,
              (SELECT min(id) FROM accounts_team) + n %% 4, 'active', '', 0, true, true, false,
              '', false
       FROM generate_series(1, %(accounts)s) n""",
    """INSERT INTO relationships_stakeholder (account_id, external_id, name, title, email, role,
           buying_influence, relationship_since, trust, respect, strength, status)
       SELECT a.id, 'S-' || a.id || '-' || k, 'Person ' || k, '', '',
              (ARRAY['decision_maker','economic_buyer','champion','user','user','influencer'])
                  [1 + (k %% 6)],
              (ARRAY['high','medium','low'])[1 + (k %% 3)], DATE '2023-01-01' + k * 30,
              (ARRAY['high','low',''])[1 + (k %% 3)], (ARRAY['high','','low'])[1 + (k %% 3)],
              1 + (k %% 5), 'active'
       FROM accounts_account a, generate_series(0, %(people)s - 1) k""",
    """CREATE TEMPORARY TABLE firsts AS
       SELECT account_id, min(id) AS first_id FROM relationships_stakeholder GROUP BY account_id""",
    """INSERT INTO relationships_interaction (import_key, account_id, occurred_at, channel_id,
           touchpoint_id, direction, sentiment, verbosity, response_hours, summary)
       SELECT '', a.id, now() - random() * interval '365 days',
              (SELECT min(id) FROM relationships_channel) + floor(random() * 6)::int,
              (SELECT min(id) FROM relationships_touchpoint) + floor(random() * 6)::int,
              CASE WHEN random() < 0.5 THEN 'inbound' ELSE 'outbound' END,
              floor(random() * 5)::int - 2, 'normal',
              CASE WHEN random() < 0.5 THEN round((random() * 48)::numeric, 2) END, ''
       FROM accounts_account a, generate_series(1, %(per_account)s) n""",
    """INSERT INTO relationships_interaction_stakeholders (interaction_id, stakeholder_id)
       SELECT i.id, f.first_id + (i.id %% %(people)s)
       FROM relationships_interaction i JOIN firsts f ON f.account_id = i.account_id""",
    "ANALYZE",
]

FLOOR_SQL = """
SELECT link.stakeholder_id,
       SUM(i.w * (i.sentiment + 2) / 4.0), SUM(i.w), COUNT(*), SUM(i.w * channel.intimacy),
       SUM(CASE WHEN i.age < 30 THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.age >= 30 AND i.age < 210 THEN 1 ELSE 0 END),
       AVG(CASE WHEN i.direction = 'inbound' THEN i.response_hours END)
FROM (SELECT id, sentiment, direction, response_hours, channel_id,
             EXTRACT(EPOCH FROM (now() - occurred_at)) / 86400.0 AS age,
             POWER(0.5, EXTRACT(EPOCH FROM (now() - occurred_at)) / 86400.0 / 90) AS w
      FROM relationships_interaction) i
JOIN relationships_interaction_stakeholders link ON link.interaction_id = i.id
JOIN relationships_channel channel ON channel.id = i.channel_id
GROUP BY link.stakeholder_id
"""


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def load() -> None:
    from django.db import connection

    params = {
        "accounts": ACCOUNTS,
        "people": PEOPLE_PER_ACCOUNT,
        "per_account": INTERACTIONS // ACCOUNTS,
    }
    with connection.cursor() as cursor:
        for statement in LOAD_SQL:
            cursor.execute(statement, params if "%(" in statement else None)


def snapshot_writes(rows: int) -> tuple[float, float]:
    """Seconds to write `rows` stakeholder snapshots: the recompute's upsert, and bulk_update."""
    from django.db import transaction
    from django.utils import timezone

    from relationships.models import StakeholderScore
    from relationships.recompute import _upsert

    existing = list(StakeholderScore.objects.all()[:rows])
    now = timezone.now()
    for snapshot in existing:
        snapshot.computed_at = now

    def upsert():
        with transaction.atomic():
            _upsert(StakeholderScore, existing, ["stakeholder", "day"])

    def bulk_update():
        with transaction.atomic():
            StakeholderScore.objects.bulk_update(
                existing, ["value", "label", "confidence", "components", "computed_at"]
            )

    return best_of(3, upsert), best_of(1, bulk_update)


def worker_latency(broker_url: str) -> float | None:
    """Seconds from committing a new interaction to a fresh score written by a real worker."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Account
    from config.celery import app
    from relationships.models import AccountScore, Channel, Interaction, Touchpoint
    from relationships.recompute import recompute_request

    app.conf.task_always_eager = False
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "bench" * 10}
    env["CELERY_BROKER_URL"] = broker_url
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=PROJECT, env=env,
    )  # fmt: skip
    try:
        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
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
    finally:
        worker.terminate()
        worker.wait()


def run() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account
    from relationships.recompute import account_chunks, scores_recompute

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    load()
    load_time = time.perf_counter() - start

    def full():
        for chunk in account_chunks(200):
            scores_recompute(account_ids=chunk)

    full()  # warm the caches once, as a nightly run would find them
    full_time = best_of(2, full)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            cursor.fetchall()

    floor_time = best_of(3, floor)
    one = Account.objects.order_by("pk").values_list("pk", flat=True)[ACCOUNTS // 2]
    one_time = best_of(5, lambda: scores_recompute(account_ids=[one]))
    with CaptureQueriesContext(connection) as queries:
        scores_recompute(account_ids=[one])
    stakeholders = ACCOUNTS * PEOPLE_PER_ACCOUNT
    upsert_time, bulk_update_time = snapshot_writes(stakeholders)

    version = connection.cursor().connection.info.server_version
    print(f"Rapport recompute benchmark on PostgreSQL {version // 10000}.{version % 10000}")
    print(f"({ACCOUNTS:,} accounts, {stakeholders:,} stakeholders, {INTERACTIONS:,} interactions;"
          f" loaded in {load_time:.1f} s)\n")  # fmt: skip
    print(f"full recompute                          {full_time:7.2f} s")
    print(f"floor: one SQL aggregate per stakeholder {floor_time:6.2f} s")
    print(
        f"ratio full / floor                      {full_time / floor_time:7.2f}   (target <= 2.0)"
    )
    print(
        f"incremental, one account                {one_time * 1000:7.1f} ms, {len(queries)} queries"
    )
    print(
        f"snapshot upsert, {stakeholders:,} rows       {upsert_time:7.2f} s "
        f"({stakeholders / upsert_time:,.0f} rows/s)"
    )
    print(
        f"Django bulk_update, same rows           {bulk_update_time:7.2f} s "
        f"({stakeholders / bulk_update_time:,.0f} rows/s)"
    )
    print(
        f"upsert / bulk_update speed              {bulk_update_time / upsert_time:7.1f}x  "
        "(target >= 10x)"
    )
    broker = os.environ.get("CELERY_BROKER_URL")
    if broker:
        latency = worker_latency(broker)
        print(f"saved interaction -> fresh score (real worker) {latency:5.2f} s  (target <= 5 s)")
    else:
        print("saved interaction -> fresh score: set CELERY_BROKER_URL to measure with a worker")


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
    logging.getLogger("relationships.recompute").setLevel(logging.WARNING)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
