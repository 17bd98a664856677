"""Benchmark: import 1,000,000 interactions on PostgreSQL.

    DATABASE_URL=postgres://user@host:5432/anything python bench/import_interactions.py [ROWS]

Creates the throw-away database rapport_bench (dropped again at the end), generates 2,000
accounts, 20,000 stakeholders (10 per account) and ROWS interactions (1,000,000 unless given;
500 per account, each with one or two people of its account, written to disk as they are
generated), imports accounts.csv and stakeholders.csv, then times the import of
interactions.csv and a re-import of the same file (nothing changed), with the process's memory.
"""

import csv
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

from benchlib import (
    USERS,
    account_row,
    create_users_and_teams,
    peak_resident_mb,
    print_figures,
    queue_tasks_in_memory,
    resident_mb,
    run_on_bench_database,
    server_version,
    timed,
)

ACCOUNTS, PER_ACCOUNT = 2_000, 10
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
CHANNELS = ["email", "email", "call", "video", "chat", "text", "in_person"]
TOUCHPOINTS = ["sales", "service", "service", "delivery", "implementation", "billing"]


def header(name: str) -> list[str]:
    from dataio.importing import file_specs

    return next([c.name for c in spec.columns] for spec in file_specs() if spec.name == name)


def generate(folder: Path) -> None:
    """accounts.csv, stakeholders.csv and interactions.csv, written row by row."""
    random.seed(2024)
    with open(folder / "accounts.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header("accounts.csv"))
        writer.writerows(account_row(a) for a in range(ACCOUNTS))
    with open(folder / "stakeholders.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header("stakeholders.csv"))
        for a in range(ACCOUNTS):
            for k in range(PER_ACCOUNT):
                n = a * PER_ACCOUNT + k
                writer.writerow(
                    [f"S-{n}", f"A-{a}", f"Person {n}", "Director", "", "user", "medium",
                     f"S-{a * PER_ACCOUNT}" if k else "", f"csm{n % USERS}@bench.example", "",
                     "", "", str(n % 5 + 1), "active", ""]
                )  # fmt: skip
    start = dt.datetime(2024, 1, 1, 8, 0)
    step = dt.timedelta(days=600) / ROWS  # two years of history up to mid 2025
    with open(folder / "interactions.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header("interactions.csv"))
        for i in range(ROWS):
            a = i % ACCOUNTS
            people = random.sample(range(PER_ACCOUNT), random.choice([1, 1, 2]))
            writer.writerow(
                [f"A-{a}", ";".join(f"S-{a * PER_ACCOUNT + p}" for p in people),
                 (start + i * step).isoformat(timespec="seconds"), random.choice(CHANNELS),
                 random.choice(TOUCHPOINTS), random.choice(["inbound", "outbound"]),
                 random.randint(-2, 2), random.choice(["short", "normal", "long", ""]),
                 random.choice(["", "", "1.5", "24", "0.25"]),
                 f"Talked about topic {random.randint(1, 5000)}",
                 f"csm{a % USERS}@bench.example"]
            )  # fmt: skip


def run() -> None:
    from dataio.services import csv_import

    queue_tasks_in_memory()  # the recompute an import asks for is a worker's, not timed here
    admin = create_users_and_teams()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        generate_time = timed(lambda: generate(folder))
        names = ["accounts.csv", "stakeholders.csv"]
        setup = {name: (folder / name).read_bytes() for name in names}
        data = (folder / "interactions.csv").read_bytes()

    def load(files):
        return lambda: csv_import(files=files, user=admin)

    setup_time = timed(load(setup))
    before = resident_mb()
    import_time = timed(load({"interactions.csv": data}))
    import_peak = peak_resident_mb()
    same_time = timed(load({"interactions.csv": data}))
    same_peak = peak_resident_mb()

    print(f"Rapport import benchmark: interactions.csv, on PostgreSQL {server_version()}")
    print(
        f"({ACCOUNTS:,} accounts, {ACCOUNTS * PER_ACCOUNT:,} stakeholders, {ROWS:,}"
        f" interactions, {len(data) / 1e6:.0f} MB; generated in {generate_time:.0f} s)\n"
    )
    print_figures(
        [
            ("accounts.csv and stakeholders.csv import (setup)", setup_time, ACCOUNTS * 11),
            ("interactions.csv import, first time", import_time, ROWS),
            ("re-import of the same file (nothing changed)", same_time, ROWS),
        ]
    )
    print(
        f"\nmemory: {before:,.0f} MB before the import (the file itself included),"
        f" peak {import_peak:,.0f} MB during it, {same_peak:,.0f} MB during the re-import"
    )


if __name__ == "__main__":
    run_on_bench_database(run)
