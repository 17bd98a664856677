"""Benchmark: an incremental IMAP read of 100 new messages over loopback, against a real Dovecot.

    DATABASE_URL=postgres://user@host:5432/anything python bench/imap_sync.py

Creates the throw-away database rapport_bench_imap (RAPPORT_BENCH_DB names another stem; dropped
at the end) with 2,000 customer accounts (each with its mail domain) and 20,000 stakeholders
with addresses, which every read's pipeline loads to decide about a message; starts Dovecot with
a private configuration on a free port (tests/capture/imap_server.py; needs dovecot-imapd), puts
1,000 messages in the CSM's INBOX and Sent and reads them (the first read), then three times
puts 100 new messages there (70 from customers, 30 answers) and times `mailbox_sync` reading
them: login, folder plan, fetch, the pipeline's writes and the bookkeeping. The score
recompute the new interactions ask for is queued, as with a broker, and not timed (a worker does
it; bench/recompute_scores.py times it). Prints the first read and the best of the three
incremental reads against the 5-second target. It asserts nothing about time.
"""

import logging
import os
import time

import benchlib

ACCOUNTS, PEOPLE_PER_ACCOUNT = 2_000, 10
FIRST, NEW, ROUNDS = 1_000, 100, 3
TARGET = 5.0  # seconds an incremental read of 100 messages may take
benchlib.BENCH_DB += "_imap"
CSM = "sam@example.com"


def load_directory() -> None:
    from accounts.models import Account
    from relationships.models import Stakeholder
    from tests.factories import TeamFactory, UserFactory

    csm = UserFactory(email=CSM, full_name="Sam")
    team = TeamFactory(name="Team A", members=[csm])
    accounts = Account.objects.bulk_create(
        Account(
            external_id=f"A-{n}",
            name=f"Customer {n}",
            domain=f"customer{n}.example",
            owner=csm,
            team=team,
        )
        for n in range(ACCOUNTS)
    )
    Stakeholder.objects.bulk_create(
        (
            Stakeholder(
                account=account,
                name=f"Person {k} of {account.name}",
                email=f"person{k}@customer{n}.example",
            )
            for n, account in enumerate(accounts)
            for k in range(PEOPLE_PER_ACCOUNT)
        ),
        batch_size=5_000,
    )
    return csm


def messages(start: int, count: int) -> tuple[list[bytes], list[bytes]]:
    """`count` messages numbered from `start`: 70 % from a stakeholder to the CSM (INBOX), the
    rest the CSM's answers (Sent)."""
    from tests.capture.imap_server import mail

    inbox, sent = [], []
    for number in range(start, start + count):
        person = f"person{number % PEOPLE_PER_ACCOUNT}@customer{number % ACCOUNTS}.example"
        body = (
            f"Hi Sam, following up on ticket {number}: the export still fails for our finance "
            "team and we need it fixed before the quarterly review. Can you escalate? " * 3
        )
        if number % 10 < 7:
            inbox.append(mail(number, sender=person, to=f"Sam <{CSM}>", body=body))
        else:
            sent.append(mail(number, sender=f"Sam <{CSM}>", to=person, body=body))
    return inbox, sent


def run() -> None:
    from capture.models import CapturedMessage, Mailbox
    from capture.sync import mailbox_sync
    from core.secrets import encrypt
    from tests.capture.imap_server import Dovecot

    logging.getLogger("capture").setLevel(logging.ERROR)
    benchlib.queue_tasks_in_memory()
    csm = load_directory()
    server = Dovecot().start()
    try:
        mailbox = Mailbox.objects.create(
            name="Work mail",
            owner=csm,
            host=server.host,
            port=server.port,
            use_tls=False,
            username=CSM,
            secret=encrypt(server.users[CSM]),
        )

        def deliver(start: int, count: int) -> None:
            inbox, sent = messages(start, count)
            server.deliver(CSM, "INBOX", inbox)
            server.deliver(CSM, "Sent", sent)

        deliver(0, FIRST)
        first = benchlib.timed(lambda: check(mailbox_sync(mailbox), FIRST))
        print(f"{f'First read of {FIRST:,} messages':<62} {first:>7.2f} s")

        times = []
        for round_ in range(ROUNDS):
            deliver(FIRST + round_ * NEW, NEW)
            start = time.perf_counter()
            check(mailbox_sync(mailbox), NEW)
            times.append(time.perf_counter() - start)
        best = min(times)
        label = f"Incremental read of {NEW} new messages (best of {ROUNDS})"
        print(
            f"{label:<62} {best:>7.2f} s   target {TARGET:.0f} s: {best / TARGET:.2f} of it"
            f"   (all: {', '.join(f'{t:.2f}' for t in times)})"
        )
        print(f"Captured rows: {CapturedMessage.objects.count():,}")
    finally:
        server.stop()


def check(result, expected: int) -> None:
    fetched = sum(result.fetched.values())
    if result.error or fetched != expected:
        raise SystemExit(f"The read went wrong: {result.error or f'{fetched} fetched'}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    benchlib.run_on_bench_database(run)
