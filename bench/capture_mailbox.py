"""Benchmark: capturing an exported mailbox of 100,000 messages on PostgreSQL, against the floor
of parsing the same file with Python's email package alone.

    DATABASE_URL=postgres://user@host:5432/anything python bench/capture_mailbox.py

Writes an mbox of realistic threads (BENCH_SCALE scales it): 300 accounts with their own
domains and five known people each, twenty CSMs; threads of two to six messages going back and
forth (In-Reply-To and References, the earlier message quoted under "On ... wrote:", signatures,
one in five in HTML beside the plain text), written in warm, neutral and cold words; besides
them newsletters, out-of-office replies, messages from people not yet known at a customer
(suggestions) and mail between colleagues (not about a customer).

Prints (the best of two runs, but the comparison floor's one):
- the floor: every message of the file read with the same reader and parsed with the email
  package alone (`BytesParser()`, its default policy compat32, as capture parses); and, for
  comparison, parsed with `policy.default` taking out the body's text and the addresses;
- capture: `python manage.py capture_mailbox`'s pipeline (parse, grade, decide, write), on a
  database emptied of what the run before captured;
and the ratio of capture's messages per second to the first floor (target >= 0.25) and to the
second (BENCH_CAPTURE_COMPARISON=0 leaves that second floor out). It asserts nothing about
time. BENCH_CAPTURE_MBOX=PATH keeps the mbox at PATH and reads it again in the runs after
(writing it takes minutes).
"""

import datetime as dt
import mailbox
import os
import random
import tempfile
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

import benchlib

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
MESSAGES = int(100_000 * SCALE)
ACCOUNTS, PEOPLE, CSMS = 300, 5, 20
TARGET = 0.25
# BENCH_CAPTURE_COMPARISON=0 leaves out the slow policy.default floor (compared with, not judged)
COMPARISON = os.environ.get("BENCH_CAPTURE_COMPARISON", "1") != "0"
benchlib.BENCH_DB += "_capture"

WARM = [
    "Thanks so much, the new dashboards are excellent and the team loves them.",
    "Great call today, we really appreciate how quickly you sorted this out.",
    "The rollout went smoothly and everyone is happy with the results so far.",
]
NEUTRAL = [
    "Attached is the list of users for the next training session.",
    "Can we move Thursday's review to 3pm? The agenda stays the same.",
    "Here are the numbers for the quarter, let me know if anything is missing.",
]
COLD = [
    "This is the third outage this month and it is not acceptable for our team.",
    "We are disappointed with the support response and are reviewing our options.",
    "Honestly we are considering termination if the export keeps failing like this.",
]
ASK_AGAIN = "Following up on this: we are still waiting for an answer."


def paragraph(rng: random.Random) -> str:
    pool = rng.choices([WARM, NEUTRAL, COLD], weights=[3, 5, 2])[0]
    return " ".join(rng.sample(pool, 2))


def person(a: int, p: int) -> str:
    return f"Person {p} of {a} <p{p}@customer{a}.example>"


def write_mbox(path: Path, rng: random.Random) -> int:
    """Write the benchmark's mailbox; returns how many messages it holds."""
    box = mailbox.mbox(path)
    box.lock()
    start = time.time() - 170 * 86_400
    written = 0
    try:
        while written < MESSAGES:
            a = rng.randrange(ACCOUNTS)
            csm = f"CSM {a % CSMS} <csm{a % CSMS}@bench.example>"
            kind = rng.random()
            when = start + rng.random() * 165 * 86_400
            if kind < 0.05:  # a newsletter
                mail = build(
                    f"News <news@customer{a}.example>", csm, "Our newsletter", paragraph(rng), when
                )
                mail["List-Unsubscribe"] = f"<mailto:leave@customer{a}.example>"
                messages = [mail]
            elif kind < 0.07:  # an out-of-office
                mail = build(person(a, 0), csm, "Out of office", "I am away until Monday.", when)
                mail["Auto-Submitted"] = "auto-replied"
                messages = [mail]
            elif kind < 0.15:  # between colleagues
                messages = [build(csm, "Team <team@bench.example>", "Notes", paragraph(rng), when)]
            else:
                customer = person(a, rng.randrange(PEOPLE + (1 if kind < 0.2 else 0)))
                messages = thread(rng, csm, customer, when)
            for mail in messages[: MESSAGES - written]:
                box.add(mail)
                written += 1
    finally:
        box.flush()
        box.unlock()
        box.close()
    return written


def build(sender, to, subject, body, when, html=False, reply_to=None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = format_datetime(dt.datetime.fromtimestamp(when, dt.UTC))
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    if reply_to is not None:
        mail["In-Reply-To"] = reply_to["Message-ID"]
        mail["References"] = " ".join(
            filter(None, [reply_to.get("References", ""), reply_to["Message-ID"]])
        )
    mail.set_content(body)
    if html:
        mail.add_alternative(
            f"<html><body><p>{body.replace(chr(10), '<br>')}</p></body></html>", subtype="html"
        )
    return mail


def thread(rng: random.Random, csm: str, customer: str, when: float) -> list[EmailMessage]:
    """A conversation: the customer or we begin, then answers go back and forth, each quoting
    the one before."""
    subject = rng.choice(["Renewal", "Export failing", "Training", "QBR agenda", "Invoice"])
    ours = rng.random() < 0.5
    messages, previous_text = [], ""
    for turn in range(rng.randint(2, 6)):
        sender, to = (csm, customer) if ours else (customer, csm)
        name = sender.split(" <")[0]
        words = ASK_AGAIN if (not ours and turn >= 3 and rng.random() < 0.3) else paragraph(rng)
        text = f"Hi,\n\n{words}\n\nBest regards,\n{name}\n"
        if previous_text:
            quoted = "\n".join("> " + line for line in previous_text.splitlines())
            text += f"\nOn Mon, 2 Nov 2026, someone wrote:\n{quoted}\n"
        mail = build(
            sender, to, ("Re: " if turn else "") + subject, text, when,
            html=rng.random() < 0.2, reply_to=messages[-1] if messages else None,
        )  # fmt: skip
        messages.append(mail)
        previous_text, ours = text, not ours
        when += rng.uniform(0.5, 48) * 3600
    return messages


def load_directory() -> None:
    """The CSMs, the accounts with their domains, and five known people at each."""
    from accounts.models import Account, Team, User
    from relationships.models import Stakeholder

    users = User.objects.bulk_create(
        User(email=f"csm{n}@bench.example", full_name=f"CSM {n}") for n in range(CSMS)
    )
    teams = Team.objects.bulk_create(Team(name=f"Team {n}") for n in range(4))
    accounts = Account.objects.bulk_create(
        Account(name=f"Customer {a}", domain=f"customer{a}.example", owner=users[a % CSMS],
                team=teams[a % 4])
        for a in range(ACCOUNTS)
    )  # fmt: skip
    Stakeholder.objects.bulk_create(
        Stakeholder(account=account, name=f"Person {p} of {a}", email=f"p{p}@customer{a}.example")
        for a, account in enumerate(accounts)
        for p in range(PEOPLE)
    )


def floor(path: Path, with_body: bool, email_policy=policy.compat32) -> float:
    from capture.mailboxes import read_mailbox

    parser = BytesParser(policy=email_policy)
    for raw in read_mailbox(path):
        message = parser.parsebytes(bytes(raw))
        if with_body:
            body = message.get_body(("plain", "html"))
            if body is not None:
                body.get_content()
            message.get_all("to"), message.get_all("cc"), message.get("subject")
    return 0.0


def empty_capture() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE capture_capturedmessage, capture_suggestedstakeholder, capture_personsignal,"
            " capture_repeatedrequest, relationships_interaction_stakeholders,"
            " relationships_interaction, relationships_openitem, relationships_recomputerequest"
        )


def run() -> None:
    from django.core.management import call_command

    benchlib.queue_tasks_in_memory()
    print(f"Rapport mailbox capture benchmark on PostgreSQL {benchlib.server_version()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(os.environ.get("BENCH_CAPTURE_MBOX") or Path(folder) / "bench.mbox")
        if path.exists():  # written by an earlier run: the same file for a series of runs
            from capture.mailboxes import read_mailbox

            count = sum(1 for _ in read_mailbox(path))
        else:
            count = write_mbox(path, random.Random(19))
        size = path.stat().st_size / 1e6
        print(
            f"({count:,} messages, {size:,.0f} MB, {ACCOUNTS} accounts, {ACCOUNTS * PEOPLE} people)"
        )
        load_directory()
        figures = [
            (
                "floor: the email package's parse (compat32)",
                benchlib.best_of(2, lambda: floor(path, False), lambda: None),
            ),
        ]
        if COMPARISON:
            figures.append(
                (  # ten times slower: run once
                    "floor: policy.default parse, body text and addresses",
                    benchlib.timed(lambda: floor(path, True, email_policy=policy.default)),
                )
            )
        with open(os.devnull, "w") as out:
            figures.append(
                (
                    "capture_mailbox (best of 2)",
                    benchlib.best_of(
                        2,
                        lambda: call_command(
                            "capture_mailbox",
                            str(path),
                            user="csm0@bench.example",
                            stdout=out,
                            stderr=out,
                        ),  # fmt: skip
                        empty_capture,
                    ),
                )
            )
        for label, seconds in figures:
            print(f"{label:<55} {seconds:7.2f} s {count / seconds:9,.0f} messages/s")
        capture_time = figures[-1][1]
        print(
            f"capture / email package floor: {figures[0][1] / capture_time:.2f} "
            f"(target >= {TARGET})"
            + (
                f"; capture / policy.default floor: {figures[1][1] / capture_time:.2f}"
                if COMPARISON
                else ""
            )
        )
        from capture.models import CapturedMessage
        from relationships.models import Interaction

        print(
            f"stored: {CapturedMessage.objects.count():,} captured messages, "
            f"{Interaction.objects.count():,} interactions"
        )


if __name__ == "__main__":
    import logging

    logging.getLogger("relationships").setLevel(logging.WARNING)
    benchlib.run_on_bench_database(run)
