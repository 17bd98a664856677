"""factory_boy factories for capture's rows: sources (with encrypted secrets), captured
messages, and what capture finds for a CSM to decide."""

import datetime as dt

import factory
from django.utils import timezone

from capture.models import (
    CalendarFeed,
    CapturedMessage,
    Mailbox,
    PersonSignal,
    SuggestedStakeholder,
)
from core.secrets import encrypt
from relationships.models import Channel, Interaction, Touchpoint
from tests.factories import AccountFactory, InteractionFactory, StakeholderFactory, catalog

MAILBOX_SECRET = "app-password-never-shown"
FEED_URL = "https://calendar.example/private-3f9a1c/basic.ics"


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    name = "Work mail"
    host = "imap.example.com"
    port = 993
    username = factory.Sequence(lambda n: f"csm{n}@example.com")
    secret = factory.LazyFunction(lambda: encrypt(MAILBOX_SECRET))


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    name = "Work calendar"
    url = factory.LazyFunction(lambda: encrypt(FEED_URL))


class CapturedMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapturedMessage

    account = factory.SubFactory(AccountFactory)
    message_id = factory.Sequence(lambda n: f"message-{n}@acme.example")
    origin = CapturedMessage.Origin.MAILBOX
    direction = Interaction.Direction.INBOUND
    channel = factory.LazyFunction(lambda: catalog(Channel, "email"))
    touchpoint = factory.LazyFunction(lambda: catalog(Touchpoint, "service"))
    sender = "jane.doe@acme.example"
    outside = "jane.doe@acme.example"
    subject = factory.Sequence(lambda n: f"Rollout plan {n}")
    snippet = "Thanks, the rollout went well; one question about the invoices."
    sent_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    thread = factory.LazyAttribute(lambda message: message.message_id)
    words = 11


def captured_interaction(account, *, person=None, **fields) -> CapturedMessage:
    """A captured message logged as an email interaction with `person`."""
    person = person or StakeholderFactory(account=account)
    interaction = InteractionFactory(
        account=account, stakeholders=[person], source=Interaction.Source.EMAIL, summary=""
    )
    message = CapturedMessageFactory(account=account, interaction=interaction, **fields)
    Interaction.objects.filter(pk=interaction.pk).update(
        summary=message.subject, occurred_at=message.sent_at, sentiment=message.sentiment
    )
    return message


class SuggestedStakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestedStakeholder

    account = factory.SubFactory(AccountFactory)
    email = factory.Sequence(lambda n: f"new.person{n}@acme.example")
    name = factory.Sequence(lambda n: f"New Person {n}")
    title = "Head of Operations"
    messages = 3
    first_seen = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=20))
    last_seen = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class PersonSignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonSignal

    stakeholder = factory.SubFactory(StakeholderFactory)
    account = factory.LazyAttribute(lambda signal: signal.stakeholder.account)
    kind = PersonSignal.Kind.MAY_HAVE_LEFT
    reason = "An automatic answer said: no longer with the company."
