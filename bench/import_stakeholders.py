"""Benchmark: import 100,000 stakeholders on PostgreSQL against a plain COPY of the same rows.

    DATABASE_URL=postgres://user@host:5432/anything python bench/import_stakeholders.py

Creates the throw-away database rapport_bench on that server (dropped again at the end),
generates accounts.csv (2,000 accounts) and stakeholders.csv (100,000 people, 50 per account in
reporting trees, rows shuffled so that many managers come later in the file), and times:

- the import of stakeholders.csv through the import service (after accounts.csv),
- the floor: COPY of the same file into a temporary table of the same columns, no indexes,
- a reference: COPY of the imported rows into a table with the stakeholder table's indexes,
  checks and foreign keys (what any writer of these rows has to pay),
- re-importing the same file (nothing changed), and a file in which every row changed.

It prints figures and asserts nothing about time. Target: import >= 25 % of COPY's row rate.
"""

import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ACCOUNTS, PER_ACCOUNT, USERS = 2_000, 50, 20
BENCH_DB = "rapport_bench"
PROJECT = Path(__file__).resolve().parent.parent


def server_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def recreate_database(url: str) -> None:
    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")


def drop_database(url: str) -> None:
    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def generate(folder: Path, changed: bool = False) -> dict[str, bytes]:
    """accounts.csv and stakeholders.csv in `folder`; `changed` alters every stakeholder."""
    from accounts.dataio.exporting import csv_bytes
    from accounts.dataio.importing import file_specs

    headers = {spec.name: [column.name for column in spec.columns] for spec in file_specs()}
    random.seed(2024)
    emails = [f"csm{n}@bench.example" for n in range(USERS)]
    accounts = [
        [f"A-{a}", f"Customer {a:05d}", f"customer{a}.example", "mid-market", emails[a % USERS],
         f"Team {a % 4}", "2020-01-01", "2026-06-30", "100000.00", "25000.00", "100", "35",
         "active", "Rival Corp" if a % 3 else ""]
        for a in range(ACCOUNTS)
    ]  # fmt: skip
    roles = ["user", "user", "user", "influencer", "champion", "decision_maker", "economic_buyer"]
    people = []
    for a in range(ACCOUNTS):
        block = []
        for k in range(PER_ACCOUNT):
            n = a * PER_ACCOUNT + k
            manager = f"S-{a * PER_ACCOUNT + (k - 1) // 3}" if k else ""
            block.append(
                [f"S-{n}", f"A-{a}", f"Person {n}", "Head of Ops" if changed else "Director",
                 f"person{n}@customer{a}.example", random.choice(roles),
                 random.choice(["high", "medium", "low"]), manager, emails[n % USERS],
                 "2021-05-01", random.choice(["high", "low", ""]),
                 random.choice(["high", "low", ""]), str((n + changed) % 5 + 1), "active"]
            )  # fmt: skip
        random.shuffle(block)  # many managers now come later in the file than their reports
        people += block
    files = {
        "accounts.csv": csv_bytes([headers["accounts.csv"], *accounts]),
        "stakeholders.csv": csv_bytes([headers["stakeholders.csv"], *people]),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: (folder / name).read_bytes() for name in files}


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def copy_floor(data: bytes) -> float:
    """Best of three COPYs of the stakeholders file into a temporary table of its columns."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE copy_floor (external_id varchar(64), account_external_id"
            " varchar(64), name varchar(200), title varchar(200), email varchar(254),"
            " role varchar(20), buying_influence varchar(6), reports_to_external_id varchar(64),"
            " owner_email varchar(254), relationship_since date, trust varchar(4),"
            " respect varchar(4), strength smallint, status varchar(6))"
        )

        def copy():
            with cursor.cursor.copy("COPY copy_floor FROM STDIN (FORMAT csv, HEADER)") as copy:
                copy.write(data)

        times = []
        for _ in range(3):
            cursor.execute("TRUNCATE copy_floor")
            times.append(timed(copy))
        cursor.execute("DROP TABLE copy_floor")
    return min(times)


def copy_with_constraints() -> float:
    """COPY the imported stakeholder rows into a table with the stakeholder table's indexes,
    checks and foreign keys, and commit (deferred foreign keys are checked then)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        with cursor.cursor.copy("COPY (SELECT * FROM relationships_stakeholder) TO STDOUT") as c:
            dump = b"".join(bytes(chunk) for chunk in c)
        cursor.execute(
            "CREATE TABLE copy_reference (LIKE relationships_stakeholder INCLUDING ALL);"
            " ALTER TABLE copy_reference ADD FOREIGN KEY (account_id) REFERENCES"
            " accounts_account DEFERRABLE INITIALLY DEFERRED, ADD FOREIGN KEY (reports_to_id)"
            " REFERENCES copy_reference DEFERRABLE INITIALLY DEFERRED"
        )

        def copy():
            with transaction.atomic(), cursor.cursor.copy("COPY copy_reference FROM STDIN") as c:
                c.write(dump)

        return timed(copy)


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.dataio.services import csv_import
    from accounts.models import Team, User

    logging.getLogger("accounts.dataio.services").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    admin = User.objects.create_superuser(email="admin@bench.example")
    User.objects.bulk_create([User(email=f"csm{n}@bench.example") for n in range(USERS)])
    Team.objects.bulk_create([Team(name=f"Team {t}") for t in range(4)])
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder))
        changed = generate(Path(folder), changed=True)["stakeholders.csv"]
    people = files["stakeholders.csv"]
    rows = people.count(b"\n") - 1

    def load(name, data):
        return lambda: csv_import(files={name: data}, user=admin)

    accounts_time = timed(load("accounts.csv", files["accounts.csv"]))
    import_time = timed(load("stakeholders.csv", people))
    floor_time = copy_floor(people)
    same_time = timed(load("stakeholders.csv", people))
    changed_time = timed(load("stakeholders.csv", changed))
    reference_time = copy_with_constraints()

    version = connection.cursor().connection.info.server_version
    print(f"Rapport import benchmark on PostgreSQL {version // 10000}.{version % 10000}")
    print(f"({ACCOUNTS:,} accounts, {rows:,} stakeholders, {len(people) / 1e6:.1f} MB)\n")
    figures = [
        ("accounts.csv import (setup)", accounts_time, ACCOUNTS),
        ("stakeholders.csv import, first time", import_time, rows),
        ("COPY floor (temporary table, no indexes or keys)", floor_time, rows),
        ("re-import of the same file (nothing changed)", same_time, rows),
        ("re-import, every row changed (update path)", changed_time, rows),
        ("reference: COPY into a table with the same indexes and keys", reference_time, rows),
    ]
    for label, seconds, count in figures:
        print(f"{label:<60} {seconds:>6.2f} s {count / seconds:>11,.0f} rows/s")
    print(f"\nimport / COPY floor: {floor_time / import_time:.1%} of COPY's row rate (target 25%)")
    print(f"import / reference:  {reference_time / import_time:.1%}")


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        sys.exit("Set DATABASE_URL=postgres://... : the benchmark runs on PostgreSQL.")
    recreate_database(url)
    os.environ["DATABASE_URL"] = server_url(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)


if __name__ == "__main__":
    main()
