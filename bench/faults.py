"""Fault suite: Rapport keeps working and loses nothing while its parts fail.

    DATABASE_URL=postgres://user@host:5432/anything python bench/faults.py [--quick]

Runs against real services on this machine, on loopback only: PostgreSQL (a throw-away
database rapport_faults, dropped at the end), a Redis of its own (redis-server on a free port,
so that stopping it disturbs nothing else), real Celery workers, gunicorn with the production
settings and an SMTP server (aiosmtpd). Each scenario is bounded in time and prints its figures:

1. workers SIGKILLed three times during a full recompute: the work is redelivered and the
   scores equal a clean run's (checksum of the day's snapshots);
2. the broker stopped while users log interactions: every request answers within 2 s, nothing
   is lost, and the waiting recomputes run once it is back;
3. the SMTP server refusing (421) for a while, then accepting, while invitations go out, with a
   worker SIGKILLed while it retries, and the sender of the first accepted message SIGKILLed
   after the server has it and before it hears so (the one window where a message can go out
   twice): none lost, none sent twice but the one in that window, counted apart by their
   X-Rapport-Message-ID;
4. PostgreSQL connections terminated under load: requests recover on the next attempt, and an
   import whose connection is killed writes nothing;
5. a webhook receiver (on loopback) answering 500 for a while, then 200, while events go out,
   with a worker SIGKILLed in between: every event delivered, each signature verified by the
   standardwebhooks package, none delivered twice but in the one window (a kill between the
   receiver's 2xx and its record), counted apart by their webhook-id.

--quick runs the same at a tenth of the scale and shorter outages (the test suite runs it);
--only webhooks runs the last scenario alone, on a small organisation; --outcomes FILE writes
what each scenario left in the database and what the servers received, as JSON, for the test
suite to judge on its own (tests/test_faults.py).
Exits 1 when a promise is broken.
"""

import collections
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

os.environ.setdefault("RAPPORT_BENCH_DB", "rapport_faults")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import load  # noqa: E402

QUICK = "--quick" in sys.argv
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
OUTCOMES = sys.argv[sys.argv.index("--outcomes") + 1] if "--outcomes" in sys.argv else None
ACCOUNTS = 200 if QUICK else 2_000
OUTAGE = 8 if QUICK else 30  # seconds the broker stays down
INVITATIONS = 100 if QUICK else 1_000
EVENTS = 100 if QUICK else 1_000
HOOK_OUTAGE = 8 if QUICK else 30  # seconds the webhook receiver answers 500
DEADLINE = 300  # seconds any scenario may wait for the work to finish
broken: list[str] = []
outcomes: dict[str, dict] = {}  # by scenario: what was stored and received (--outcomes)


def check(promise: str, kept: bool) -> None:
    print(f"  {'kept' if kept else 'BROKEN'}: {promise}")
    if not kept:
        broken.append(promise)


def wait_until(condition, what: str, timeout: float = DEADLINE, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            print(f"  gave up waiting for {what} after {timeout:.0f} s")
            return False
        time.sleep(every)
    return True


class Worker:
    """`celery worker` processes (prefork) with the production settings."""

    def __init__(self, broker: benchlib.Redis, env: dict):
        self.env = {**os.environ, **env, "CELERY_BROKER_URL": broker.url}
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = None

    def start(self) -> "Worker":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
             "--concurrency", "2", "--loglevel", "WARNING", "--without-gossip",
             "--without-mingle", "--hostname", f"faults-{os.getpid()}@%h"],
            cwd=benchlib.PROJECT, env=self.env,
        )  # fmt: skip
        wait_until(lambda: self.children(), "the worker's pool", timeout=60)
        return self

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill_a_child(self) -> bool:
        children = self.children()
        if children:
            os.kill(children[0], signal.SIGKILL)
        return bool(children)

    def child_on_port(self, port: int) -> int | None:
        """The pool process whose socket has this local port (a connection it opened)."""
        inodes = socket_inodes({port})
        return next((pid for pid in self.children() if holds_socket(pid, inodes)), None)

    def child_waiting_on_locks(self) -> int | None:
        """The pool process whose database session waits for a row lock, if one does."""
        inodes = socket_inodes(ports_waiting_on_locks())
        return next((pid for pid in self.children() if holds_socket(pid, inodes)), None)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


def checksum() -> str:
    """The day's account and stakeholder snapshots, what a user sees of them, as one hash."""
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT md5(string_agg(concat_ws('|', account_id, value, label, confidence,
                   components::text, parts::text, customer_voice, product_usage,
                   csm_perception, gap_size, gap_class, quadrant), ',' ORDER BY account_id))
               || md5(coalesce((SELECT string_agg(concat_ws('|', stakeholder_id, value,
                   components::text), ',' ORDER BY stakeholder_id)
                   FROM relationships_stakeholderscore WHERE day = %s), ''))
               FROM relationships_accountscore WHERE day = %s""",
            [timezone.localdate()] * 2,
        )
        return cursor.fetchone()[0]


def scored_today() -> int:
    from django.utils import timezone

    from relationships.models import AccountScore

    return AccountScore.objects.filter(day=timezone.localdate()).count()


def ports_waiting_on_locks() -> set[int]:
    """The client ports of this database's sessions that wait for a row lock (the recompute,
    held by the suite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_port FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND client_port > 0"
        )
        return {port for (port,) in cursor.fetchall()}


def socket_inodes(ports: set[int]) -> set[str]:
    """The inodes of this machine's TCP sockets bound locally to one of `ports`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) in ports:
                inodes.add(fields[9])
    return inodes


def holds_socket(pid: int, inodes: set[str]) -> bool:
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:  # gone meanwhile
        return False
    return any(link.startswith("socket:[") and link[8:-1] in inodes for link in links)


def gone(pid: int) -> bool:
    """The process has exited (a zombie its parent has not reaped yet counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def scenario_worker_kills(worker: Worker) -> None:
    import psycopg
    from django.db import connection

    from config.celery import app
    from relationships.models import AccountScore, RecomputeRequest
    from relationships.scoring.recompute import account_chunks, scores_recompute

    print(f"1. Workers SIGKILLed three times during a full recompute of {ACCOUNTS:,} accounts")
    AccountScore.objects.all().delete()
    started = time.monotonic()
    params = connection.get_connection_params()
    killed = []
    # Holding every account's row keeps the recompute waiting half-way, inside its transaction:
    # the process that runs it is the one whose session waits, and the kill lands mid-task.
    with psycopg.connect(**params) as blocker:
        blocker.execute("SELECT id FROM accounts_account FOR UPDATE")
        app.send_task("scores.recompute_all")

        def running() -> int | None:
            pid = worker.child_waiting_on_locks()
            return pid if pid not in killed else None  # the task is back in a new process

        for _ in range(3):
            if not wait_until(running, "a recompute in progress", timeout=60, every=0.1):
                break
            pid = running()
            os.kill(pid, signal.SIGKILL)
            if wait_until(lambda p=pid: gone(p), f"process {pid} to exit", timeout=10, every=0.1):
                killed.append(pid)
        blocker.rollback()
    done = wait_until(lambda: scored_today() == ACCOUNTS, "every account to be scored")
    RecomputeRequest.objects.all().delete()
    elapsed = time.monotonic() - started
    after_kills, scored = checksum(), scored_today()
    for chunk in account_chunks():
        scores_recompute(account_ids=chunk)
    outcomes["worker_kills"] = {
        "accounts": ACCOUNTS, "scored": scored, "killed": killed,
        "killed_gone": all(map(gone, killed)), "checksum_after_kills": after_kills,
        "checksum_clean_run": checksum(),
    }  # fmt: skip
    pids = ", ".join(map(str, killed))
    print(f"  {len(killed)} processes killed mid-recompute (PIDs {pids}), each gone afterwards")
    print(f"  every account scored {elapsed:.1f} s after the start")
    check("three distinct processes running the recompute were killed", len(set(killed)) == 3)
    check("the killed work was redelivered and finished", done)
    check("the scores equal a clean run's (snapshot checksum)", after_kills == checksum())


def fetch(path: str, cookies: dict, data: dict | None = None):
    """A GET (or a POST of `data`) to the server with these cookies; redirects followed."""
    request = urllib.request.Request(
        f"http://{load.ADDRESS}{path}",
        data=urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None,
        headers={"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())},
    )
    return urllib.request.urlopen(request, timeout=10)


def kill_connections(condition: str = "TRUE") -> int:
    """Terminate the other PostgreSQL sessions of this database that match `condition`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            f" WHERE datname = current_database() AND pid <> pg_backend_pid() AND {condition}"
        )
        return cursor.fetchone()[0]


def scenario_broker_outage(broker: benchlib.Redis, csm_session: str, account_id: int) -> None:
    from relationships.models import Channel, Interaction, RecomputeRequest, Stakeholder, Touchpoint

    print(f"2. The broker stopped for {OUTAGE} s while a manager logs interactions")
    server = load.serve(broker.url, cache_url=broker.url[: -len("/0")] + "/1")
    cookies = {"sessionid": csm_session}
    with fetch(f"/accounts/{account_id}/", cookies) as page:  # sets the CSRF cookie
        csrf = next(
            value.split(";")[0].split("=", 1)[1]
            for value in page.headers.get_all("Set-Cookie")
            if value.startswith("csrftoken=")
        )
    cookies["csrftoken"] = csrf
    form = {
        "interaction-channel": Channel.objects.get(slug="call").pk,
        "interaction-touchpoint": Touchpoint.objects.get(slug="service").pk,
        "interaction-direction": "inbound",
        "interaction-sentiment": "1",
        "interaction-verbosity": "normal",
        "interaction-summary": "Logged during the fault suite.",
        "interaction-stakeholders": Stakeholder.objects.filter(account_id=account_id).first().pk,
        "csrfmiddlewaretoken": csrf,
    }
    before = Interaction.objects.filter(account_id=account_id).count()
    latencies, failures, logged, refusals = [], 0, 0, []
    started = time.monotonic()
    stopped = restarted = False
    try:
        while time.monotonic() - started < OUTAGE + 12:
            elapsed = time.monotonic() - started
            if not stopped and elapsed > 4:
                broker.stop()
                stopped = True
            if stopped and not restarted and elapsed > 4 + OUTAGE:
                broker.start()
                restarted = True
            form["interaction-occurred_at"] = time.strftime("%Y-%m-%dT%H:%M")
            sent = time.monotonic()
            try:
                with fetch(f"/accounts/{account_id}/log/interaction/", cookies, form) as response:
                    ok = response.status == 200 and "/log/" not in response.url
                    if not ok:
                        refusals.append(f"{response.status} at {response.url}")
            except urllib.error.HTTPError as error:
                ok = False
                refusals.append(f"{error.code}: {error.read()[-300:]!r}")
            latencies.append(time.monotonic() - sent)
            logged += ok
            failures += not ok
            time.sleep(0.5)
        caught_up = wait_until(
            lambda: not RecomputeRequest.objects.filter(account_id=account_id).exists(),
            "the waiting recompute",
            timeout=60,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    saved = Interaction.objects.filter(account_id=account_id).count() - before
    outcomes["broker_outage"] = {
        "answered_ok": logged, "failed": failures, "slowest_seconds": max(latencies),
        "saved": saved, "recompute_requests_left": RecomputeRequest.objects.filter(
            account_id=account_id).count(),
    }  # fmt: skip
    print(
        f"  {logged} interactions logged, {failures} failed; slowest answer "
        f"{max(latencies):.2f} s, median {sorted(latencies)[len(latencies) // 2]:.3f} s"
    )
    for refusal in refusals:
        print(f"  failed: {refusal}")
    check("every request answered within 2 s", max(latencies) < 2 and failures == 0)
    check("every logged interaction was saved", saved == logged)
    check("the waiting recompute ran once the broker was back", caught_up)


def scenario_smtp_refusing(worker: Worker, smtp) -> None:
    from accounts.models import User
    from config.celery import app
    from core.mail.models import OutboundEmail
    from relationships.models import Stakeholder
    from surveys.services import campaign_audience, campaign_create

    print(f"3. SMTP answering 421, then accepting, while {INVITATIONS:,} invitations go out")
    people = list(Stakeholder.objects.order_by("pk")[:INVITATIONS])
    for person in people:
        person.email = f"person{person.pk}@customer.example"
    Stakeholder.objects.bulk_update(people, ["email"])
    smtp.refuse("421 4.3.2 Try again later")
    admin = User.objects.get(email="admin@bench.example")
    from django.db import transaction
    from django.utils import timezone

    from surveys.models import SurveyTemplate

    data = {
        "name": "Fault suite", "template": SurveyTemplate.objects.get(slug="relationship-check"),
        "sender_name": "Rapport", "send_at": timezone.now(), "reminder_days": "4,9",
        "expiry_days": 30, "quiet_days": 0,
    }  # fmt: skip
    audience = campaign_audience(
        user=admin, accounts=[], roles=[], stakeholders=people, quiet_days=0,
        send_at=data["send_at"],
    )  # fmt: skip
    with transaction.atomic():
        campaign_create(user=admin, data=data, audience=audience)
    started = time.monotonic()
    time.sleep(3)
    worker.kill_a_child()  # while it retries the refused messages
    time.sleep(2)
    in_window = []

    def kill_the_sender(peer, message) -> None:
        """The server has the message; its sender dies before it hears so, let alone records
        it: the one window where a message can go out twice."""
        if pid := worker.child_on_port(peer[1]):
            os.kill(pid, signal.SIGKILL)
            in_window.append(message["X-Rapport-Message-ID"])

    smtp.recorder.on_accept = kill_the_sender
    smtp.refuse(None)

    def settled() -> bool:
        app.send_task("outbox.sweep")
        return not OutboundEmail.objects.exclude(state__in=["sent", "failed"]).exists()

    done = wait_until(settled, "every message to be sent", every=2)
    received = collections.Counter(m["X-Rapport-Message-ID"] for m in smtp.messages)
    states = collections.Counter(OutboundEmail.objects.values_list("state", flat=True))
    twice = [key for key, count in received.items() if count > 1]
    twice_outside = [key for key in twice if key not in in_window]
    sent_ids = {str(pk) for pk in OutboundEmail.objects.values_list("message_id", flat=True)}
    lost = sent_ids - set(received)
    outcomes["smtp_refusing"] = {
        "invitations": INVITATIONS, "outbox": dict(states), "stored_ids": len(sent_ids),
        "received_distinct": len(received), "received_all": sum(received.values()),
        "lost": len(lost), "received_twice": len(twice), "kills_while_refusing": 1,
        "kills_in_window": len(in_window), "twice_in_window": len(twice) - len(twice_outside),
        "twice_outside_window": len(twice_outside),
    }  # fmt: skip
    print(
        f"  {len(received):,} distinct messages received in {time.monotonic() - started:.1f} s"
        f" ({sum(received.values()):,} in all); outbox: {dict(states)}; a sender killed"
        f" {len(in_window)} time(s) in the acceptance window, sent twice there:"
        f" {len(twice) - len(twice_outside)}, elsewhere: {len(twice_outside)}"
    )
    check("every invitation was sent", done and not lost and states.get("failed", 0) == 0)
    check(
        "no invitation sent twice outside the acceptance window (a kill in it, one before)",
        len(in_window) == 1 and not twice_outside,
    )


def scenario_database_kills(manager_session: str) -> None:
    from accounts.models import Account
    from dataio.importing import file_specs

    print("4. PostgreSQL connections terminated under load, and during an import")
    server = load.serve()
    cookies = {"sessionid": manager_session}
    statuses, streak, worst_streak = collections.Counter(), 0, 0
    started = last_kill = time.monotonic()
    kills = kill_connections()
    try:
        while time.monotonic() - started < (10 if QUICK else 30):
            if time.monotonic() - last_kill > 2:
                kills += kill_connections()
                last_kill = time.monotonic()
            try:
                with fetch("/", cookies) as response:
                    statuses[response.status] += 1
                    streak = 0
            except urllib.error.HTTPError as error:
                statuses[error.code] += 1
                streak += 1
                worst_streak = max(worst_streak, streak)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"  {kills} connections terminated; answers {dict(statuses)}")
    check("requests recover on the next attempt", statuses[200] > 0 and worst_streak <= 1)

    before = Account.objects.count()
    header = next(spec for spec in file_specs() if spec.name == "accounts.csv").columns
    with tempfile.TemporaryDirectory() as folder:
        with open(Path(folder) / "accounts.csv", "w", newline="") as out:
            rows = csv.writer(out)
            rows.writerow([column.name for column in header])
            rows.writerows(benchlib.account_row(n) for n in range(100_000, 140_000))
        command = subprocess.Popen(
            [sys.executable, "manage.py", "import_csv", folder],
            cwd=benchlib.PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        writing = (
            "state = 'active' AND query ILIKE '%accounts_account%'"
            " AND (query ILIKE 'COPY%' OR query ILIKE 'INSERT%')"
        )
        caught = wait_until(lambda: kill_connections(writing), "the import's writes", 60, 0.02)
        command.wait(timeout=120)
    after = Account.objects.count()
    outcomes["database_kills"] = {
        "answers": {str(status): count for status, count in statuses.items()},
        "worst_failure_streak": worst_streak, "import_exit": command.returncode,
        "import_killed": bool(caught), "accounts_before": before, "accounts_after": after,
    }  # fmt: skip
    print(f"  import killed while writing: exit {command.returncode}, accounts {before} -> {after}")
    check("an import killed mid-write writes nothing", caught and after == before)


def scenario_webhook_outage(worker: Worker) -> None:
    from django.db import transaction
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    from accounts.models import Account
    from config.celery import app
    from core import events
    from core.events import EventDraft, events_record_many
    from core.models import Delivery, WebhookEndpoint
    from tests.integrations.receiver import Receiver

    print(f"5. A webhook receiver answering 500 for {HOOK_OUTAGE} s while {EVENTS:,} events go out")
    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=[events.ALERT_RAISED])
        receiver.answer_for(500, HOOK_OUTAGE)
        accounts = list(Account.objects.order_by("pk").values_list("pk", flat=True)[:EVENTS])
        drafts = [
            EventDraft(
                kind=events.ALERT_RAISED,
                summary=f"Fault suite event {n}.",
                account_id=accounts[n % len(accounts)],
            )
            for n in range(EVENTS)
        ]
        started = time.monotonic()
        with transaction.atomic():
            recorded = events_record_many(drafts=drafts)
        time.sleep(min(3, HOOK_OUTAGE / 2))
        killed = worker.kill_a_child()  # while it retries the refused deliveries

        def settled() -> bool:
            app.send_task("webhooks.sweep")
            return not Delivery.objects.exclude(state__in=["delivered", "failed"]).exists()

        done = wait_until(settled, "every event to be delivered", every=2)
        elapsed = time.monotonic() - started
        with receiver.lock:
            received = list(receiver.received)
    accepted = collections.Counter(r.headers["webhook-id"] for r in received if r.status == 200)
    refused = sum(1 for r in received if r.status != 200)
    states = collections.Counter(Delivery.objects.values_list("state", flat=True))
    ids = {str(event.public_id) for event in recorded}
    lost = ids - set(accepted)
    twice = [key for key, count in accepted.items() if count > 1]
    hook, forged = Webhook(endpoint.signing_secret()), 0
    for request in received:
        try:
            hook.verify(request.body, request.headers)
        except WebhookVerificationError:
            forged += 1
    outcomes["webhook_outage"] = {
        "events": EVENTS, "deliveries": dict(states), "delivered_distinct": len(accepted),
        "lost": len(lost), "delivered_twice": len(twice), "requests": len(received),
        "answered_500": refused, "unverified": forged, "kills": int(bool(killed)),
    }  # fmt: skip
    print(
        f"  {len(accepted):,} distinct events delivered in {elapsed:.1f} s ({len(received):,}"
        f" requests, {refused:,} answered 500); deliveries: {dict(states)}; worker killed:"
        f" {killed}; delivered twice in the acceptance window: {len(twice)}"
    )
    check(
        "every event was delivered once the receiver answered again (one kill)",
        done and killed and not lost and states.get("failed", 0) == 0,
    )
    check("every request verified with the endpoint's secret (standardwebhooks)", forged == 0)
    check("no event delivered twice outside the acceptance window (one kill)", len(twice) <= 1)


def run(broker: benchlib.Redis, smtp) -> None:
    from accounts.models import Account

    started = time.perf_counter()
    accounts = 20 if ONLY == "webhooks" else ACCOUNTS
    manager = load.populate(accounts=accounts)
    print(f"Loaded {accounts:,} accounts in {time.perf_counter() - started:.1f} s")
    worker = Worker(broker, {}).start()
    try:
        if ONLY != "webhooks":
            scenario_worker_kills(worker)
            account = Account.objects.visible_to(manager).order_by("pk").first()
            scenario_broker_outage(broker, load.session_for(manager), account.pk)
            scenario_smtp_refusing(worker, smtp)
            scenario_database_kills(load.session_for(manager))
        scenario_webhook_outage(worker)
    finally:
        worker.stop()
    print("All promises kept." if not broken else f"{len(broken)} promise(s) broken.")
    if OUTCOMES:
        Path(OUTCOMES).write_text(json.dumps(outcomes, indent=2))


def main() -> None:
    sys.path.insert(0, str(benchlib.PROJECT))
    from tests.smtp import SmtpServer

    load.ADDRESS = f"127.0.0.1:{benchlib.free_port()}"  # gunicorn's, for this run alone
    smtp = SmtpServer(benchlib.free_port()).start()
    broker = benchlib.Redis().start()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",  # tasks go to the broker, as in production
        CELERY_BROKER_URL=broker.url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        OUTBOX_RETRY_SECONDS="1",
        OUTBOX_STUCK_SECONDS="5",
        WEBHOOK_RETRY_SECONDS="1",
        WEBHOOK_STUCK_SECONDS="5",
        LOG_LEVEL="ERROR",
    )
    try:
        benchlib.run_on_bench_database(lambda: run(broker, smtp))
    finally:
        broker.stop()
        smtp.stop()
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
