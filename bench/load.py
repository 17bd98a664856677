"""Load test: Rapport's busiest pages against a hello-world view, in the same run.

    DATABASE_URL=postgres://user@host:5432/anything python bench/load.py

Creates the throw-away database rapport_load on that server (dropped at the end) and fills it
at benchmark scale: 2,000 accounts, 20,000 stakeholders, 100,000 interactions, a year of usage
and pulse checks, with every score, gap and position computed. Then gunicorn serves it with the
production settings on 127.0.0.1 (loopback only), with a redis-server of its own as the shared
cache, and wrk (apt-get install wrk) loads, for LOAD_SECONDS each (default 10), a hello-world
view, the account list, an account page, the quadrant board and the gap board, as a manager
who sees half the accounts: first with the production settings, where a page the data has not
changed under is served by the page cache (core/pagecache.py), then with every request
rendered (PAGE_CACHE=0), which is what the first read after a write costs. It prints each
one's requests/s, p50 and p99 latency, its share of hello-world's requests/s (target, with
the production settings: at least 12 %) and its errors, and stops by itself. It asserts
nothing about time.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("RAPPORT_BENCH_DB", "rapport_load")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402

ADDRESS = "127.0.0.1:8766"
# One key for this process (which writes the manager's session) and for gunicorn (which reads it).
os.environ["SECRET_KEY"] = "load-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF"
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
TARGET = 0.12
ACCOUNTS, PEOPLE, INTERACTIONS = 2_000, 10, 50  # interactions per account

LOAD_SQL = [
    """INSERT INTO accounts_account (external_id, name, domain, segment, owner_id, team_id,
           customer_since, renewal_date, arr, cost_to_serve, seats_purchased, share_of_wallet,
           status, notes, strong_relationships, single_threaded, no_decision_maker_coverage,
           champion_left, relationship_label, engagement_drop, gap_class, version)
       SELECT 'L-' || n, 'Customer ' || lpad(n::text, 5, '0'), '', 'mid-market',
              (SELECT min(id) FROM accounts_user WHERE role = 'csm') + n %% 20,
              (SELECT min(id) FROM accounts_team) + n %% 4,
              DATE '2021-01-01' + n, CURRENT_DATE + (n %% 365), 20000 + (n %% 50) * 4000,
              (20000 + (n %% 50) * 4000) * (0.3 + (n %% 9) / 10.0), 100, 40, 'active', '',
              0, true, true, false, '', false, '', 0
       FROM generate_series(1, %(accounts)s) n""",
    """INSERT INTO relationships_stakeholder (account_id, external_id, name, title, email, role,
           buying_influence, relationship_since, trust, respect, strength, status,
           reference_willing, version)
       SELECT a.id, 'LS-' || a.id || '-' || k, 'Person ' || k, '', '',
              (ARRAY['decision_maker','economic_buyer','champion','user','user','influencer'])
                  [1 + (k %% 6)],
              (ARRAY['high','medium','low'])[1 + (k %% 3)], DATE '2023-01-01' + k * 30,
              (ARRAY['high','low',''])[1 + (k %% 3)], (ARRAY['high','','low'])[1 + (k %% 3)],
              1 + ((a.id + k) %% 5), 'active', k = 2, 0
       FROM accounts_account a, generate_series(0, %(people)s - 1) k""",
    """INSERT INTO relationships_interaction (import_key, account_id, occurred_at, channel_id,
           touchpoint_id, direction, sentiment, verbosity, response_hours, summary, updated_at)
       SELECT '', a.id, now() - random() * interval '365 days',
              (SELECT min(id) FROM relationships_channel) + floor(random() * 6)::int,
              (SELECT min(id) FROM relationships_touchpoint) + floor(random() * 6)::int,
              CASE WHEN random() < 0.5 THEN 'inbound' ELSE 'outbound' END,
              floor(random() * 5)::int - 2, 'normal', NULL, 'Checked in.', now()
       FROM accounts_account a, generate_series(1, %(interactions)s) n""",
    """INSERT INTO relationships_interaction_stakeholders (interaction_id, stakeholder_id)
       SELECT i.id, (SELECT min(s.id) FROM relationships_stakeholder s
                     WHERE s.account_id = i.account_id) + i.id %% %(people)s
       FROM relationships_interaction i""",
    """INSERT INTO accounts_usagesnapshot (account_id, period_start, active_users, usage_value,
           features_used, features_available)
       SELECT a.id, date_trunc('month', CURRENT_DATE)::date - (m * 31),
              40 + (a.id + m) %% 50, 1000 - (a.id %% 3) * m * 40, 6 + m %% 5, 20
       FROM accounts_account a, generate_series(0, 11) m""",
    """INSERT INTO relationships_pulsecheck (import_key, account_id, csm_id, checked_on,
           happiness, note, updated_at)
       SELECT '', a.id, a.owner_id, CURRENT_DATE - 7, 1 + a.id %% 5, '', now()
       FROM accounts_account a""",
    "ANALYZE",
]


def populate(*, accounts: int = ACCOUNTS, interactions: int = INTERACTIONS):
    """The benchmark organisation (no scores yet); returns the manager of Teams 0 and 1."""
    from django.db import connection

    from accounts.models import Team, User

    benchlib.create_users_and_teams()
    User.objects.filter(email__startswith="csm").update(role=User.Role.CSM)
    manager = User.objects.create_user(email="manager@bench.example", role=User.Role.MANAGER)
    Team.objects.filter(name__in=["Team 0", "Team 1"]).update(manager=manager)
    User.objects.update(gap_emails=User.GapEmails.OFF)  # no mail about the gaps found later
    params = {"accounts": accounts, "people": PEOPLE, "interactions": interactions}
    with connection.cursor() as cursor:
        for statement in LOAD_SQL:
            cursor.execute(statement, params)
    return manager


def session_for(user) -> str:
    """A signed-in session of `user`, as its cookie value."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def fill() -> tuple[str, int]:
    """The data, every score, gap and position; returns a manager's session key and an account."""
    from accounts.models import Account
    from relationships.scoring.recompute import account_chunks, scores_recompute

    started = time.perf_counter()
    manager = populate()
    for chunk in account_chunks():
        scores_recompute(account_ids=chunk)
    print(f"Loaded and scored {ACCOUNTS:,} accounts in {time.perf_counter() - started:.1f} s")
    account = Account.objects.visible_to(manager).order_by("pk").first()
    return session_for(manager), account.pk


def serve(broker_url="", cache_url="", page_cache="1") -> subprocess.Popen:
    """gunicorn on ADDRESS with the production settings; tasks in-process unless a broker, a
    cache per process unless a shared one; the page cache unless page_cache is "0"."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DEBUG": "0",
        "HTTPS": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": broker_url,
        "CACHE_URL": cache_url,
        "PAGE_CACHE": page_cache,
    }
    manage = [sys.executable, str(benchlib.PROJECT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", ADDRESS, "--workers", "4"],
        cwd=benchlib.PROJECT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://{ADDRESS}/hello/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def signed_in(path: str, session_key: str) -> None:
    """Make sure the page answers the manager itself (200, no redirect to the login)."""
    request = urllib.request.Request(
        f"http://{ADDRESS}{path}", headers={"Cookie": f"sessionid={session_key}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != request.full_url:
            sys.exit(f"{path} answered {response.status} at {response.url}, not the page")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(path: str, cookie: str) -> dict:
    """One wrk run against `path`: requests/s, p50 and p99 in ms, errors."""
    result = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{SECONDS}s", "--latency", "-H", f"Cookie: sessionid={cookie}",
         f"http://{ADDRESS}{path}"],
        capture_output=True, text=True, check=True, timeout=SECONDS + 30,
    )  # fmt: skip
    out = result.stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            sys.exit(f"Unexpected wrk output for {path}:\n{out}")
        value, unit = found.groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket.groups())) if socket else 0),
    }


def measure(session_key: str, account_pk: int) -> None:
    """Each page as production serves it (page cache on), then rendered for every request."""
    pages = [
        ("hello world", "/hello/"),
        ("account list", "/"),
        ("account page", f"/accounts/{account_pk}/"),
        ("quadrant board", "/board/"),
        ("gap board", "/gaps/"),
    ]
    cache = benchlib.Redis().start()  # shared by the web processes, as in production
    try:
        for title, page_cache in [
            ("Production settings: served by the page cache while the data is unchanged", "1"),
            ("Every request rendered (PAGE_CACHE=0): what a page costs after a write", "0"),
        ]:  # fmt: skip
            server = serve(cache_url=cache.url, page_cache=page_cache)
            try:
                for _label, path in pages:
                    signed_in(path, session_key)
                results = [(label, wrk(path, session_key)) for label, path in pages]
            finally:
                server.terminate()
                server.wait(timeout=30)
            report(title, results, target=page_cache == "1")
    finally:
        cache.stop()


def report(title: str, results: list, *, target: bool) -> None:
    hello = results[0][1]["rate"]
    print(f"\n{title}")
    print(f"{'page':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'of hello':>9} errors")
    for label, r in results:
        share = r["rate"] / hello
        below = target and label != "hello world" and share < TARGET
        print(
            f"{label:<16} {r['rate']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {share:>8.0%}"
            f" {r['errors']:>6}{'  below target' if below else ''}"
        )


def main() -> None:
    for program in ("wrk", "redis-server"):
        if not shutil.which(program):
            sys.exit(f"{program} is not installed: apt-get install {program}")
    benchlib.run_on_bench_database(lambda: measure(*fill()))


if __name__ == "__main__":
    main()
