"""Benchmark: creating a survey campaign of 1,000 people and sending its emails over SMTP.

    DATABASE_URL=postgres://user@host:5432/anything python bench/survey_campaign.py

Creates the throw-away database rapport_bench_campaign (RAPPORT_BENCH_DB names another stem;
dropped at the end) with a team of 50 accounts and 20 people at each (1,000 stakeholders with
email addresses, all roles), managed by the user who creates the campaign, and prints:

- creating a campaign of everyone at the 50 accounts, sent now, as the campaign page's "Create"
  button does: the audience (`campaign_audience`: who is invited, who is skipped) and
  `campaign_create` (the campaign, its 1,000 invitations, two link tokens each and 1,000
  rendered outbox rows, committed, and a send task queued for each row; the tasks go to an
  in-memory broker, as to a real one, and no worker takes them). The median and range of three
  runs, each a fresh campaign on tables emptied of the one before (not timed), after one run
  that counts the SQL queries, BEGIN, COMMIT and savepoints included (and warms the template
  and URL caches, as a running web process has them);
- sending the last campaign's 1,000 queued messages from the outbox in this one process, one
  after the other, as the worker's send task does (the task function called in place: claim
  the row, build the message, connect to the SMTP server, send, record it as sent), to an
  aiosmtpd server on 127.0.0.1 in a process of its own; messages per second, and how many
  distinct messages (by their X-Rapport-Message-ID header) the server received.

It prints figures and asserts nothing.
"""

import multiprocessing
import re
import statistics
import time

import benchlib

ACCOUNTS, PER_ACCOUNT = 50, 20
RUNS = 3
benchlib.BENCH_DB += "_campaign"
TRANSACTION_CONTROL = re.compile(r"(BEGIN|COMMIT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK)\b")
MESSAGE_ID = re.compile(rb"^X-Rapport-Message-ID:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


def smtp_server(port: int, pipe) -> None:
    """An aiosmtpd server that accepts every message and keeps its X-Rapport-Message-ID; answers
    each request on `pipe` with (messages received, distinct ids) until it is sent "stop"."""
    from aiosmtpd.controller import Controller

    ids = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            found = MESSAGE_ID.search(envelope.content)
            ids.append(found.group(1) if found else None)
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    while pipe.recv() != "stop":
        pipe.send((len(ids), len(set(ids) - {None})))
    controller.stop()


def load():
    """A manager, their team's 50 accounts and 20 people at each; returns the manager."""
    from accounts.models import Account, Team, User
    from relationships.models import Stakeholder

    manager = User.objects.create_user(
        email="manager@bench.example", full_name="Morgan Manager", role=User.Role.MANAGER
    )
    team = Team.objects.create(name="Team 0", manager=manager)
    accounts = Account.objects.bulk_create(
        Account(external_id=f"A-{a}", name=f"Customer {a:02d}", owner=manager, team=team)
        for a in range(ACCOUNTS)
    )
    roles = Stakeholder.Role.values
    Stakeholder.objects.bulk_create(
        Stakeholder(
            account=account,
            external_id=f"S-{a}-{p}",
            name=f"Person {p} of {a}",
            email=f"p{p}@customer{a}.example",
            role=roles[p % len(roles)],
        )  # fmt: skip
        for a, account in enumerate(accounts)
        for p in range(PER_ACCOUNT)
    )
    return manager


def create_campaign(manager, accounts, template) -> int:
    """What the campaign page's "Create" runs once its form is valid (the form has looked up the
    template and the accounts); returns how many people were invited."""
    from django.utils import timezone

    from surveys.services import campaign_audience, campaign_create

    data = {
        "name": "Spring relationship check",
        "template": template,
        "sender_name": "Acme Customer Success",
        "send_at": timezone.now(),
        "reminder_days": "4,9",
        "expiry_days": 30,
        "quiet_days": 60,
        "chosen_roles": [],
    }
    audience = campaign_audience(
        user=manager, accounts=accounts, roles=[], stakeholders=[],
        quiet_days=data["quiet_days"], send_at=data["send_at"],
    )  # fmt: skip
    campaign_create(user=manager, data=data, audience=audience, chosen_accounts=accounts)
    return len(audience.invite)


def empty_campaigns() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE surveys_campaign, surveys_outboundemail CASCADE")


def run(smtp_port: int, pipe) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account
    from core.mail.models import OutboundEmail
    from core.mail.tasks import send_email
    from surveys.models import Invitation, InvitationToken, SurveyTemplate

    benchlib.queue_tasks_in_memory()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_port, "timeout": 10},
        }
    }
    print(f"Rapport survey campaign benchmark on PostgreSQL {benchlib.server_version()}")
    manager = load()
    accounts = list(Account.objects.order_by("pk"))
    template = SurveyTemplate.objects.get(slug="relationship-check")
    print(f"({ACCOUNTS} accounts, {ACCOUNTS * PER_ACCOUNT:,} stakeholders)")

    with CaptureQueriesContext(connection) as queries:
        invited = create_campaign(manager, accounts, template)
    times = []
    for _ in range(RUNS):
        empty_campaigns()
        times.append(benchlib.timed(lambda: create_campaign(manager, accounts, template)))
    control = [q for q in queries.captured_queries if TRANSACTION_CONTROL.match(q["sql"])]
    print(
        f"create a campaign of {invited:,} people: {statistics.median(times):.2f} s "
        f"(median of {RUNS}; {min(times):.2f}-{max(times):.2f} s), {len(queries)} queries "
        f"({len(control)} of them BEGIN, COMMIT and savepoints)"
    )
    print(
        f"  stored: {Invitation.objects.count():,} invitations, "
        f"{InvitationToken.objects.count():,} link tokens, "
        f"{OutboundEmail.objects.filter(state=OutboundEmail.State.QUEUED).count():,} queued emails"
    )

    queued = list(
        OutboundEmail.objects.filter(state=OutboundEmail.State.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    start = time.perf_counter()
    for email_id in queued:
        send_email(email_id=email_id)
    seconds = time.perf_counter() - start
    pipe.send("count")
    received, distinct = pipe.recv()
    sent = OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count()
    print(
        f"send {len(queued):,} from the outbox over SMTP, one process: {seconds:.2f} s, "
        f"{len(queued) / seconds:,.0f} messages/s"
    )
    print(
        f"  recorded as sent: {sent:,}; the SMTP server received {received:,}, "
        f"{distinct:,} distinct"
    )


def main() -> None:
    port = benchlib.free_port()
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=smtp_server, args=(port, theirs), daemon=True
    )
    server.start()
    try:
        ours.recv()  # ready
        benchlib.run_on_bench_database(lambda: run(port, ours))
    finally:
        ours.send("stop")
        server.join(10)


if __name__ == "__main__":
    main()
