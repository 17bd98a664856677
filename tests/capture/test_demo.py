"""The demo's mail: seed_demo captures a mailbox through the pipeline, once."""

from io import StringIO

from django.core.management import call_command

from capture.models import CapturedMessage, PersonSignal, SuggestedStakeholder
from relationships.models import Interaction, OpenItem


def captured() -> tuple:
    return (
        sorted(CapturedMessage.objects.values_list("message_id", "account__name")),
        sorted(PersonSignal.objects.values_list("kind", "stakeholder__name")),
        list(SuggestedStakeholder.objects.values_list("email", "messages")),
        OpenItem.objects.filter(kind=OpenItem.Kind.REPEATED_REQUEST).count(),
    )


def test_the_demo_shows_every_kind_of_captured_finding_and_seeding_again_adds_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    first = captured()
    call_command("seed_demo", stdout=StringIO())

    assert captured() == first
    messages, signals, suggestions, repeated = first
    assert len(messages) == 10
    assert {kind for kind, _ in signals} == {"may_have_left", "going_dark"}
    assert [email for email, _ in suggestions] == ["priya.natarajan@acme-logistics.example"]
    assert repeated == 1
    assert Interaction.objects.filter(source=Interaction.Source.EMAIL).count() == 9
