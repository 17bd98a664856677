"""What a rendered page costs in process: the load test's pages and the account page's sections.

    DATABASE_URL=postgres://user@host:5432/anything python bench/render_pages.py [--runs N]
        [--profile] [--only NAME ...] [--fresh]

Builds the load benchmark's data (bench/load.py) in the database RAPPORT_BENCH_DB (default
rapport_render) once and keeps it for the next run (`--fresh` builds it again). Then, with the
production settings (bench.load_settings) and every page rendered (PAGE_CACHE=0), Django's test
client signed in as the load test's manager reads hello world, each page and each section of the
account page (as htmx does) once, then N times (default 5), and prints for each the median CPU
time of the process (time.process_time: PostgreSQL's own work is not in it), the median wall
time, the bytes and the queries of one read. With `--profile`, cProfile's top entries by own
time over the N reads, and pyinstrument's tree when it is installed. It asserts nothing.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("RAPPORT_BENCH_DB", "rapport_render")
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench.load_settings",
    PAGE_CACHE="0",
    DEBUG="0",
    HTTPS="0",
    ALLOWED_HOSTS="testserver",
    LOG_LEVEL="WARNING",
    CACHE_URL="",
    CELERY_BROKER_URL="",
)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import load  # noqa: E402

os.environ.setdefault("SECRET_KEY", "render-bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

PAGES = [  # name, path or URL name; the account page's URL takes the account
    ("hello world", "/hello/"),
    ("account list", "home"),
    ("account page", "account_detail"),
    ("quadrant board", "quadrant_board"),
    ("gap board", "gap_board"),
]


def targets(account_pk: int) -> list[tuple[str, str, bool]]:
    """(name, path, read as htmx) of everything read."""
    from django.urls import reverse

    def address(url: str) -> str:
        if url.startswith("/"):
            return url
        return reverse(url, args=[account_pk] if url.startswith("account_") else [])

    pages = [(name, address(url), False) for name, url in PAGES]
    sections = [
        (f"{url.removeprefix('account_')} section", address(url), True) for url in load.SECTIONS
    ]
    return pages + sections


def manager_and_account():
    """The load test's manager (building the data if it is not there) and their account."""
    from accounts.models import User

    manager = User.objects.filter(email="manager@bench.example").first() or load.build()
    return manager, load.first_account(manager)


def read(client, path: str, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return response


def measure(client, path: str, htmx: bool, runs: int) -> dict:
    from django.db import connection

    queries = []  # counted by a wrapper: the request's start clears the debug cursor's log

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = read(client, path, htmx)
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        read(client, path, htmx)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    return {
        "cpu": statistics.median(cpu),
        "cpu range": (min(cpu), max(cpu)),
        "wall": statistics.median(wall),
        "bytes": len(response.content),
        "queries": len(queries),
    }


def profile(client, path: str, htmx: bool, runs: int, top: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)  # CPU time, as the figures above
    profiler.enable()
    for _ in range(runs):
        read(client, path, htmx)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"  {stats.total_calls:,} calls in {runs} reads")
    stats.sort_stats("tottime").print_stats(top)
    try:
        from pyinstrument import Profiler
    except ImportError:
        return
    with Profiler() as tree:
        for _ in range(runs):
            read(client, path, htmx)
    print(tree.output_text(unicode=False, color=False, show_all=False))


def run(arguments) -> None:
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest of the pages
    manager, account = manager_and_account()
    client = Client()
    client.force_login(manager)
    print(f"{'page':<22} {'CPU ms':>8} {'range':>13} {'wall ms':>8} {'bytes':>9} {'queries':>7}")
    for name, path, htmx in targets(account.pk):
        if arguments.only and name not in arguments.only:
            continue
        figures = measure(client, path, htmx, arguments.runs)
        low, high = figures["cpu range"]
        print(
            f"{name:<22} {figures['cpu']:>8.2f} {f'{low:.2f}-{high:.2f}':>13}"
            f" {figures['wall']:>8.2f} {figures['bytes']:>9,} {figures['queries']:>7}"
        )
        if arguments.profile:
            profile(client, path, htmx, arguments.runs, arguments.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="reads of each page (default 5)")
    parser.add_argument("--profile", action="store_true", help="cProfile (and pyinstrument)")
    parser.add_argument("--top", type=int, default=25, help="profile entries shown (default 25)")
    parser.add_argument("--only", nargs="*", help="the names of the pages to read")
    parser.add_argument("--fresh", action="store_true", help="build the data again")
    arguments = parser.parse_args()
    if arguments.fresh:
        benchlib.drop_database(os.environ.get("DATABASE_URL", ""))
    benchlib.run_on_bench_database(lambda: run(arguments), keep=True)


if __name__ == "__main__":
    main()
