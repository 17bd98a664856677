"""Benchmark: import 100,000 stakeholders on PostgreSQL against COPY of the same rows.

    DATABASE_URL=postgres://user@host:5432/anything python bench/import_stakeholders.py

Creates the throw-away database rapport_bench (dropped again at the end), generates
accounts.csv (2,000 accounts) and stakeholders.csv (100,000 people, 50 per account in reporting
trees, rows shuffled so that many managers come later in the file), imports accounts.csv and
times, each the best of five runs on an empty stakeholder table:

- the floor: COPY of the same rows, as the import stores them (ids, account and manager ids),
  into the stakeholder table as it is, with its indexes, checks and foreign keys, committed (so
  the deferred foreign keys are checked);
- the import of stakeholders.csv through the import service (checks, owners, coverage flags,
  history records, commit);

then re-importing the same file (nothing changed) and a file in which every row changed, and,
as an extra line, COPY of the file into a temporary table without indexes or keys.

Target: the first import reaches at least 25 % of the floor's row rate.
"""

import io
import random
import tempfile
from pathlib import Path

from benchlib import (
    account_row,
    best_of,
    create_users_and_teams,
    print_figures,
    queue_tasks_in_memory,
    run_on_bench_database,
    server_version,
    timed,
)

ACCOUNTS, PER_ACCOUNT = 2_000, 50
TARGET = 0.25
RUNS = 5


def generate(folder: Path, changed: bool = False) -> dict[str, bytes]:
    """accounts.csv and stakeholders.csv in `folder`; `changed` alters every stakeholder."""
    from dataio.exporting import csv_bytes
    from dataio.importing import file_specs

    headers = {spec.name: [column.name for column in spec.columns] for spec in file_specs()}
    random.seed(2024)
    accounts = [account_row(a) for a in range(ACCOUNTS)]
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
                 random.choice(["high", "medium", "low"]), manager, f"csm{n % 20}@bench.example",
                 "2021-05-01", random.choice(["high", "low", ""]),
                 random.choice(["high", "low", ""]), str((n + changed) % 5 + 1), "active", ""]
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


FLOOR_COLUMNS = [
    "id", "external_id", "name", "title", "email", "role", "buying_influence",
    "relationship_since", "trust", "respect", "strength", "status", "account_id", "reports_to_id",
]  # fmt: skip


def stored_rows(data: bytes) -> bytes:
    """The stakeholders of the file as the import stores them, as COPY text: ids in file order,
    accounts and managers as ids (prepared before any timing)."""
    import csv

    from accounts.models import Account

    accounts = dict(Account.objects.values_list("external_id", "pk"))
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    ids = {row["external_id"]: n for n, row in enumerate(rows, start=1)}
    lines = []
    for row in rows:
        manager = ids.get(row["reports_to_external_id"])
        values = [
            ids[row["external_id"]], row["external_id"], row["name"], row["title"], row["email"],
            row["role"], row["buying_influence"], row["relationship_since"], row["trust"],
            row["respect"], row["strength"], row["status"], accounts[row["account_external_id"]],
            "\\N" if manager is None else manager,
        ]  # fmt: skip
        lines.append("\t".join(map(str, values)))
    return ("\n".join(lines) + "\n").encode()


def empty_stakeholder_tables() -> None:
    """No stakeholders, owners or stakeholder history: the state of a first import."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE relationships_stakeholder, relationships_historicalstakeholder,"
            " relationships_historicalstakeholder_owners CASCADE"
        )


def copy_into_stakeholders(rows: bytes) -> None:
    """COPY the rows into the stakeholder table and commit."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        columns = ", ".join(FLOOR_COLUMNS)
        with cursor.cursor.copy(f"COPY relationships_stakeholder ({columns}) FROM STDIN") as copy:
            copy.write(rows)


def copy_into_temporary_table(data: bytes) -> float:
    """Best of three COPYs of the stakeholders file into a temporary table of its columns,
    without indexes, checks or keys (an extra figure: no real table is like that)."""
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

        seconds = best_of(RUNS, copy, lambda: cursor.execute("TRUNCATE copy_floor"))
        cursor.execute("DROP TABLE copy_floor")
    return seconds


def run() -> None:
    from dataio.services import csv_import

    queue_tasks_in_memory()  # the recompute an import asks for is a worker's, not timed here
    admin = create_users_and_teams()
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder))
        changed = generate(Path(folder), changed=True)["stakeholders.csv"]
    people = files["stakeholders.csv"]
    count = people.count(b"\n") - 1

    def load(name, data):
        return lambda: csv_import(files={name: data}, user=admin)

    accounts_time = timed(load("accounts.csv", files["accounts.csv"]))
    rows = stored_rows(people)
    floor_time = best_of(RUNS, lambda: copy_into_stakeholders(rows), empty_stakeholder_tables)
    import_time = best_of(RUNS, load("stakeholders.csv", people), empty_stakeholder_tables)
    same_time = timed(load("stakeholders.csv", people))
    changed_time = timed(load("stakeholders.csv", changed))
    temporary_time = copy_into_temporary_table(people)

    print(f"Rapport import benchmark: stakeholders.csv, on PostgreSQL {server_version()}")
    print(f"({ACCOUNTS:,} accounts, {count:,} stakeholders, {len(people) / 1e6:.1f} MB)\n")
    print_figures(
        [
            ("accounts.csv import (setup)", accounts_time, ACCOUNTS),
            ("floor: COPY into the stakeholder table, committed (best of 5)", floor_time, count),
            ("stakeholders.csv import, first time (best of 5)", import_time, count),
            ("re-import of the same file (nothing changed)", same_time, count),
            ("re-import, every row changed (update path)", changed_time, count),
            ("extra: COPY into a temporary table, no indexes or keys", temporary_time, count),
        ]
    )
    ratio = floor_time / import_time
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"\nimport / floor: {ratio:.1%} of COPY's row rate (target {TARGET:.0%}: {verdict})")
    print(f"import / COPY into the temporary table: {temporary_time / import_time:.1%}")


if __name__ == "__main__":
    run_on_bench_database(run)
