"""python manage.py capture_mailbox PATH --user EMAIL: an exported mailbox through the pipeline."""

import mailbox
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from capture.models import CapturedMessage
from relationships.models import Interaction
from tests.capture.mail import inbound, outbound

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path):
    """An mbox and a Maildir holding the same twelve messages, two of them not emails."""
    raws = [inbound(message_id=f"<{n}@acme.example>", hours_ago=n + 1) for n in range(5)]
    raws += [outbound(message_id=f"<{n}@example.com>", hours_ago=n + 1) for n in range(5)]
    raws += [b"no headers here at all", b"\r\n\r\n"]
    box, folder = mailbox.mbox(tmp_path / "mail.mbox"), mailbox.Maildir(tmp_path / "Maildir")
    for raw in raws:
        box.add(raw)
        folder.add(raw)
    box.close()
    return tmp_path


def run(*args) -> str:
    out = StringIO()
    call_command("capture_mailbox", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_mbox_is_captured_as_the_users_mail_in_one_or_more_processes(
    org,
    acme,
    exported,
    workers,
):
    said = run(str(exported / "mail.mbox"), "--user", "CSM@example.com", "--workers", workers)

    assert "12 read: 10 captured, 0 already captured" in said
    assert "2 unreadable or undated" in said
    assert Interaction.objects.filter(our_person=org.csm).count() == 10
    inbound_feelings = set(
        Interaction.objects.filter(direction="inbound").values_list("sentiment", flat=True)
    )
    assert inbound_feelings == {0}  # "see you on Tuesday": graded, neutral
    assert set(CapturedMessage.objects.values_list("origin", flat=True)) == {"file"}


def test_a_maildir_holding_the_same_mail_adds_nothing(org, acme, exported):
    run(str(exported / "mail.mbox"), "--user", "csm@example.com")

    said = run(str(exported / "Maildir"), "--user", "csm@example.com")

    assert "0 captured, 10 already captured" in said
    assert CapturedMessage.objects.count() == 10


def test_an_unknown_user_or_path_is_refused_in_words(org, exported):
    with pytest.raises(CommandError, match="no Rapport user with the email 'nobody@x.example'"):
        run(str(exported / "mail.mbox"), "--user", "nobody@x.example")
    with pytest.raises(CommandError, match="does not exist"):
        run(str(exported / "missing.mbox"), "--user", "csm@example.com")
    assert not CapturedMessage.objects.exists()
