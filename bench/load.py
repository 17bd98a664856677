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
rendered (PAGE_CACHE=0), which is what the first read after a write costs, with each of the
account page's sections too (rows "sec. <name>", read as htmx does), and last in a mix with
writes: production settings while a CSM of the manager's teams logs an interaction every second
through the quick-log form and the worker heartbeat beats on its schedule. It prints each one's
requests/s, p50 and p99 latency, its share of hello-world's requests/s (target, with the
production settings: at least 12 %; a section, rendered: at least 20 %), its errors and, from
each answer's X-Page-Cache header, the share the page cache replayed (hit) rather than
rendered; for the mix also the writes made and their latency. It stops by itself and asserts
nothing about time.
LOAD_ADDRESS serves on another address than 127.0.0.1:8766.
"""

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

os.environ.setdefault("RAPPORT_BENCH_DB", "rapport_load")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402

ADDRESS = os.environ.get("LOAD_ADDRESS", "127.0.0.1:8766")  # another port for a second run
# One key for this process (which writes the manager's session) and for gunicorn (which reads it).
os.environ["SECRET_KEY"] = "load-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF"
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
TARGET = 0.12
SECTION_TARGET = 0.20  # each of the account page's sections, every request rendered (issue 22)
ACCOUNTS, PEOPLE, INTERACTIONS = 2_000, 10, 50  # interactions per account
# wrk counts the answers by their X-Page-Cache header, over all its threads.
CACHE_COUNTER = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hit = 0; miss = 0 end
function response(status, headers, body)
  local how = headers["X-Page-Cache"]
  if how == "hit" then hit = hit + 1 elseif how == "miss" then miss = miss + 1 end
end
function done(summary, latency, requests)
  local hits, misses = 0, 0
  for _, thread in ipairs(threads) do
    hits = hits + thread:get("hit"); misses = misses + thread:get("miss")
  end
  io.write(string.format("page cache: %d hit %d miss\\n", hits, misses))
end
"""

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


def build():
    """The data, every score, gap and position; returns the manager."""
    from relationships.scoring.recompute import account_chunks, scores_recompute

    started = time.perf_counter()
    manager = populate()
    for chunk in account_chunks():
        scores_recompute(account_ids=chunk)
    print(f"Loaded and scored {ACCOUNTS:,} accounts in {time.perf_counter() - started:.1f} s")
    return manager


def first_account(manager):
    """The account the pages are read on: the first the manager sees."""
    from accounts.models import Account

    return Account.objects.visible_to(manager).order_by("pk").first()


def fill() -> tuple[str, int, "Writer"]:
    """The data; returns a manager's session key, an account of theirs, and the writer of the
    mix."""
    from accounts.models import Account

    manager = build()
    account = first_account(manager)
    seen = Account.objects.visible_to(manager).order_by("pk")
    csm = seen.exclude(owner=account.owner).first().owner
    return session_for(manager), account.pk, Writer(csm, seen.filter(owner=csm))


class Writer(threading.Thread):
    """Another user at work during the mix: a CSM of the manager's teams logs an interaction on
    one of their accounts every second through the quick-log form, as the browser does, while the
    worker heartbeat runs on its beat schedule."""

    def __init__(self, csm, accounts):
        from django.conf import settings

        from relationships.models import Channel, Touchpoint

        super().__init__(daemon=True)
        token = secrets.token_hex(16)  # a CSRF secret of our own, sent as cookie and header
        self.headers = {
            "Cookie": f"sessionid={session_for(csm)}; csrftoken={token}",
            "X-CSRFToken": token,
        }
        self.targets = [
            (account.pk, account.stakeholders.values_list("pk", flat=True).first())
            for account in accounts[:50]
        ]
        self.channel = Channel.objects.values_list("pk", flat=True).first()
        self.touchpoint = Touchpoint.objects.values_list("pk", flat=True).first()
        beat = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["schedule"]
        self.heartbeat_every = beat.total_seconds() if hasattr(beat, "total_seconds") else beat
        self.stopping = threading.Event()
        self.latencies, self.failures, self.heartbeats = [], 0, 0

    def run(self) -> None:
        from accounts.tasks import record_worker_heartbeat

        started = next_beat = time.monotonic()
        for number in range(10**9):
            if time.monotonic() >= next_beat:
                record_worker_heartbeat.apply()
                self.heartbeats += 1
                next_beat += self.heartbeat_every
            self.log(*self.targets[number % len(self.targets)])
            # One a second, on the second: a slow write is followed by the next at once.
            if self.stopping.wait(max(0.0, started + number + 1 - time.monotonic())):
                return

    def log(self, account_pk: int, stakeholder_pk: int) -> None:
        form = {
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M"),
            "channel": self.channel,
            "touchpoint": self.touchpoint,
            "direction": "inbound",
            "sentiment": "1",
            "verbosity": "normal",
            "summary": "Checked in during the load test.",
            "stakeholders": stakeholder_pk,
            "submission_key": uuid.uuid4(),
        }
        body = urllib.parse.urlencode({f"interaction-{k}": v for k, v in form.items()})
        request = urllib.request.Request(
            f"http://{ADDRESS}/accounts/{account_pk}/log/interaction/",
            data=body.encode(),
            headers={**self.headers, "HX-Request": "true"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                ok = response.status == 200
        except OSError:
            ok = False
        self.latencies.append((time.perf_counter() - started) * 1000)
        self.failures += not ok


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


def signed_in(path: str, session_key: str, *, htmx: bool = False) -> None:
    """Make sure the page (or, read as htmx does, the section) answers the manager itself: 200,
    no redirect to the login page, and for a section no HX-Redirect there but its own HTML."""
    headers = {"Cookie": f"sessionid={session_key}", **({"HX-Request": "true"} if htmx else {})}
    request = urllib.request.Request(f"http://{ADDRESS}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        if response.status != 200 or response.url != request.full_url:
            sys.exit(f"{path} answered {response.status} at {response.url}, not the page")
        if htmx and (response.headers["HX-Redirect"] or b"<html" in body or not body.strip()):
            sys.exit(f"{path} answered htmx with a redirect, a whole page or nothing")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(path: str, cookie: str, script: Path, *, htmx: bool = False) -> dict:
    """One wrk run against `path` (read as htmx does if `htmx`): requests/s, p50 and p99 in ms,
    errors, and how many answers the page cache replayed (hit) or rendered (miss)."""
    headers = ["-H", "HX-Request: true"] if htmx else []
    result = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{SECONDS}s", "--latency", "-s", str(script), *headers,
         "-H", f"Cookie: sessionid={cookie}", f"http://{ADDRESS}{path}"],
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
    hits, misses = map(int, re.search(r"page cache: (\d+) hit (\d+) miss", out).groups())
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket.groups())) if socket else 0),
        "hit rate": hits / (hits + misses) if hits + misses else None,
    }


PAGES = [
    ("hello world", "/hello/"),
    ("account list", "/"),
    ("account page", "/accounts/{account}/"),
    ("quadrant board", "/board/"),
    ("gap board", "/gaps/"),
]
SECTIONS = [  # the account page's lazy sections by URL name (account_detail.html), read as htmx
    "account_score",
    "account_gaps",
    "account_tasks",
    "account_usage",
    "account_people",
    "account_activity",
    "account_competitors",
    "account_goals",
    "account_surveys",
    "account_captured",
]
RUNS = [  # title, PAGE_CACHE, with the writer
    ("Production settings, nothing writing: the page cache replays an unchanged page", "1", False),
    ("Every request rendered (PAGE_CACHE=0): what a page costs after a write", "0", False),
    ("The mix: production settings while a CSM logs an interaction every second and the"
     " heartbeat beats", "1", True),
]  # fmt: skip


def sections(account_pk: int) -> list[tuple[str, str]]:
    """(label, path) of each of the account page's sections: "sec." and the section's name."""
    from django.urls import reverse

    return [
        (f"sec. {name.removeprefix('account_')}", reverse(name, args=[account_pk]))
        for name in SECTIONS
    ]


def measure(session_key: str, account_pk: int, writer: Writer) -> None:
    """Each run of RUNS over every page; in the run with every request rendered, also each
    section of the account page, read as htmx does; the writer works through the last run."""
    pages = [(label, path.format(account=account_pk), False) for label, path in PAGES]
    rendered_sections = [(label, path, True) for label, path in sections(account_pk)]
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(CACHE_COUNTER)
    cache = benchlib.Redis().start()  # shared by the web processes, as in production
    try:
        for title, page_cache, writing in RUNS:
            read = pages + (rendered_sections if page_cache == "0" else [])
            server = serve(cache_url=cache.url, page_cache=page_cache)
            try:
                for _label, path, htmx in read:
                    signed_in(path, session_key, htmx=htmx)
                if writing:
                    writer.start()
                results = [
                    (label, wrk(path, session_key, script, htmx=htmx)) for label, path, htmx in read
                ]
            finally:
                if writing:
                    writer.stopping.set()
                    writer.join(timeout=60)
                server.terminate()
                server.wait(timeout=30)
            report(title, results, target=page_cache == "1" and not writing)
        report_writes(writer)
    finally:
        cache.stop()
        script.unlink(missing_ok=True)


def report(title: str, results: list, *, target: bool) -> None:
    hello = results[0][1]["rate"]
    print(f"\n{title}")
    columns = ("req/s", "p50 ms", "p99 ms", "of hello", "replayed")
    print(f"{'page':<16}", *(f"{column:>8}" for column in columns), "errors")
    for label, r in results:
        share = r["rate"] / hello
        if label.startswith("sec. "):
            below = share < SECTION_TARGET
        else:
            below = target and label != "hello world" and share < TARGET
        replayed = "-" if r["hit rate"] is None else f"{r['hit rate']:.0%}"
        print(
            f"{label:<16} {r['rate']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {share:>8.0%}"
            f" {replayed:>8} {r['errors']:>6}{'  below target' if below else ''}"
        )


def report_writes(writer: Writer) -> None:
    latencies = writer.latencies
    if not latencies:
        sys.exit("The mix made no write")
    print(
        f"Writes in the mix: {len(latencies)} interactions logged ({writer.failures} failed),"
        f" p50 {statistics.median(latencies):.0f} ms, slowest {max(latencies):.0f} ms;"
        f" {writer.heartbeats} heartbeats"
    )


def main() -> None:
    for program in ("wrk", "redis-server"):
        if not shutil.which(program):
            sys.exit(f"{program} is not installed: apt-get install {program}")
    benchlib.run_on_bench_database(lambda: measure(*fill()))


if __name__ == "__main__":
    main()
