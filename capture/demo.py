"""The demo's mail, for `seed_demo`: a few weeks of Dana Reyes's mailbox with Enterprise
customers, captured through the real pipeline, so that the account pages show captured
messages with their sentiment and response times, a suggested stakeholder, a champion who may
have left, someone going dark and a repeated request. Message-IDs are fixed, so seeding again
stores nothing twice."""

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from accounts.models import Account, User
from capture.models import CapturedMessage
from capture.pipeline import Origin, capture_mail
from relationships.models import Stakeholder
from surveys import demo as surveys_demo

OWNER = "csm@rapport.example"


def seed() -> None:
    """The whole demo: every app's data (surveys puts it together), then the captured mail."""
    surveys_demo.seed()
    seed_mail()


def _mail(sender, to, subject, body, sent_at, key, **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = f"<demo-{key}@rapport.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def _people(account: Account) -> list[Stakeholder]:
    return list(account.stakeholders.filter(status=Stakeholder.Status.ACTIVE).order_by("pk"))


def seed_mail() -> None:
    csm = User.objects.get(email=OWNER)
    accounts = list(Account.objects.filter(owner=csm).order_by("name")[:3])
    if len(accounts) < 3:
        return
    now = timezone.now().replace(microsecond=0)
    dana = f"Dana Reyes <{OWNER}>"

    def ago(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    raws = []
    first, second, third = accounts
    # A warm thread with response times both ways, and a question asked again.
    jane = _people(first)[0]
    them = f"{jane.name} <{jane.email}>"
    raws += [
        _mail(dana, them, "Rollout plan", "Here is the regional rollout plan.", ago(20), "a1"),
        _mail(them, dana, "Re: Rollout plan",
              "Thanks Dana, this looks great and the team is excited to start.", ago(19), "a2",
              In_Reply_To="<demo-a1@rapport.example>", References="<demo-a1@rapport.example>"),
        _mail(dana, them, "Re: Rollout plan", "Wonderful, see you on Monday.", ago(18.9), "a3",
              In_Reply_To="<demo-a2@rapport.example>",
              References="<demo-a1@rapport.example> <demo-a2@rapport.example>"),
        _mail(them, dana, "SSO certificate",
              "Could you send us the SSO certificate for the security review?", ago(9), "a4"),
        _mail(them, dana, "Re: SSO certificate",
              "Following up: we are still waiting for the SSO certificate, which is holding "
              "up our review.", ago(4), "a5",
              In_Reply_To="<demo-a4@rapport.example>", References="<demo-a4@rapport.example>"),
        # Someone new at the customer: a suggested stakeholder.
        _mail(f"Priya Natarajan <priya.natarajan@{first.domain}>", dana, "Invoices",
              "Hello Dana, I took over accounts payable; please copy me on invoices.", ago(3),
              "a6"),
    ]  # fmt: skip
    # The champion's out-of-office says they have left.
    people = _people(second)
    leaver = next((p for p in people if p.role == Stakeholder.Role.CHAMPION), people[0])
    raws.append(
        _mail(
            f"{leaver.name} <{leaver.email}>",
            dana,
            "Automatic reply: QBR agenda",
            f"{leaver.name} is no longer with {second.name}. Please contact our front desk.",
            ago(2),
            "b1",
            Auto_Submitted="auto-replied",
        )  # fmt: skip
    )
    # Someone who used to answer and has not answered our last three messages.
    quiet = _people(third)[0]
    quiet_address = f"{quiet.name} <{quiet.email}>"
    raws.append(
        _mail(quiet_address, dana, "Usage review", "Sure, send the numbers.", ago(30), "c1")
    )
    raws += [
        _mail(dana, quiet_address, f"Usage review ({n})", "Any thoughts on the numbers?",
              ago(days), f"c{n + 2}")
        for n, days in enumerate((21, 14, 7))
    ]  # fmt: skip
    capture_mail(raws, origin=Origin(CapturedMessage.Origin.FILE, csm))
