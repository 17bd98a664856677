"""Reading IMAP mailboxes into capture, against a real Dovecot (tests/capture/imap_server.py)
with mail APPENDed as a mail program would."""

import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from capture.imap import ImapError, ImapSession
from capture.models import CapturedMessage, Health, Mailbox, MailboxFolder
from capture.sync import mailbox_connect_check, mailbox_sync
from core.queue import enqueue
from core.secrets import decrypt, encrypt
from tests.capture.imap_server import CuttingProxy, mail
from tests.factories import AccountFactory, UserFactory

SAM = "sam@example.com"


@pytest.fixture
def sam(db):
    """The CSM whose mailbox is read; Acme (acme.example) is a customer."""
    AccountFactory(name="Acme", domain="acme.example")
    return UserFactory(email=SAM, full_name="Sam")


def mailbox_for(imap, owner, *, user: str = SAM, **fields) -> Mailbox:
    values = {
        "name": "Work mail",
        "owner": owner,
        "host": imap.host,
        "port": imap.port,
        "use_tls": False,
        "username": user,
        "secret": encrypt(imap.users[user]),
        **fields,
    }
    return Mailbox.objects.create(**values)


def replies(numbers) -> list[bytes]:
    """Messages Sam sent to Jane at Acme."""
    return [
        mail(n, sender="Sam <sam@example.com>", to="Jane Doe <jane@acme.example>") for n in numbers
    ]


def captured_ids() -> list[str]:
    return sorted(CapturedMessage.objects.values_list("message_id", flat=True))


def ids(numbers) -> list[str]:
    return sorted(f"{n}.test@acme.example" for n in numbers)


def folder(mailbox, name) -> MailboxFolder:
    return MailboxFolder.objects.get(mailbox=mailbox, name=name)


def test_first_sync_reads_inbox_and_sent(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(n) for n in (1, 2, 3)])
    imap.deliver(SAM, "Sent", replies([4, 5]))
    mailbox = mailbox_for(imap, sam)

    result = mailbox_sync(mailbox)

    assert result.error == ""
    assert result.fetched == {"INBOX": 3, "Sent": 2}
    assert captured_ids() == ids(range(1, 6))
    directions = dict(CapturedMessage.objects.values_list("message_id", "direction"))
    assert directions["1.test@acme.example"] == "inbound"
    assert directions["4.test@acme.example"] == "outbound"
    assert (mailbox.health, mailbox.last_error) == (Health.OK, "")
    assert mailbox.last_synced_at is not None
    assert (mailbox.progress_done, mailbox.progress_total, mailbox.progress_percent) == (5, 5, 100)
    assert (folder(mailbox, "INBOX").last_uid, folder(mailbox, "Sent").last_uid) == (3, 2)


def test_second_sync_fetches_only_the_new_messages(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(n) for n in (1, 2, 3)])
    imap.deliver(SAM, "Sent", replies([4]))
    mailbox = mailbox_for(imap, sam)
    mailbox_sync(mailbox)
    imap.deliver(SAM, "INBOX", [mail(n) for n in (6, 7)])

    result = mailbox_sync(mailbox)

    assert result.fetched == {"INBOX": 2, "Sent": 0}
    assert (result.capture.captured, result.capture.duplicates) == (2, 0)
    assert captured_ids() == ids([1, 2, 3, 4, 6, 7])
    assert folder(mailbox, "INBOX").last_uid == 5
    assert (mailbox.progress_done, mailbox.progress_total) == (2, 2)


def test_sync_with_nothing_new_fetches_nothing(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(1)])
    mailbox = mailbox_for(imap, sam)
    mailbox_sync(mailbox)

    result = mailbox_sync(mailbox)

    assert result.fetched == {"INBOX": 0}
    assert mailbox.health == Health.OK
    assert captured_ids() == ids([1])


def test_changed_uidvalidity_reads_the_folder_again_without_duplicates(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(1)])
    imap.deliver(SAM, "Sent", replies([2, 3]))
    mailbox = mailbox_for(imap, sam)
    mailbox_sync(mailbox)
    before = folder(mailbox, "Sent").uidvalidity
    client = imap.client(SAM)  # the server rebuilds Sent: same mail, new UIDs, and one more
    client.delete_folder("Sent")
    client.logout()
    imap.deliver(SAM, "Sent", replies([2, 3, 4]))

    result = mailbox_sync(mailbox)

    assert folder(mailbox, "Sent").uidvalidity != before
    assert result.fetched == {"INBOX": 0, "Sent": 3}
    assert (result.capture.captured, result.capture.duplicates) == (1, 2)
    assert captured_ids() == ids([1, 2, 3, 4])
    assert folder(mailbox, "Sent").last_uid == 3


def test_first_sync_reaches_back_to_the_backfill_date_only(imap, sam, settings):
    settings.CAPTURE_BACKFILL_DAYS = 30
    long_ago = datetime.now(UTC) - timedelta(days=60)
    imap.deliver(SAM, "INBOX", [mail(1, sent_at=long_ago)], arrived=long_ago)
    imap.deliver(SAM, "INBOX", [mail(2)])
    mailbox = mailbox_for(imap, sam)

    result = mailbox_sync(mailbox)

    assert result.fetched == {"INBOX": 1}
    assert captured_ids() == ids([2])
    assert folder(mailbox, "INBOX").last_uid == 2  # the old one is left out for good


def test_wrong_password_fails_in_words_and_writes_nothing(imap, sam):
    mailbox = mailbox_for(imap, sam, secret=encrypt("not-the-password"))

    result = mailbox_sync(mailbox)

    assert result.error == "The server refused the user name or password."
    assert (mailbox.health, mailbox.last_error) == (Health.FAILED, result.error)
    assert mailbox.last_synced_at is None
    assert not MailboxFolder.objects.exists()
    assert not CapturedMessage.objects.exists()


def test_a_server_that_refuses_connections_fails_with_its_host_and_port(sam):
    port = _closed_port()
    mailbox = Mailbox.objects.create(
        name="Work mail",
        owner=sam,
        host="127.0.0.1",
        port=port,
        use_tls=False,
        username=SAM,
        secret=encrypt("x"),
    )

    result = mailbox_sync(mailbox)

    assert result.error == (
        f"127.0.0.1:{port} refused the connection: check the server name and port."
    )
    assert mailbox.health == Health.FAILED


def test_a_server_that_does_not_answer_times_out_in_words():
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        session = ImapSession(
            host="127.0.0.1",
            port=port,
            use_tls=False,
            username=SAM,
            auth="password",
            secret="x",
            timeout=0.3,
        )
        with pytest.raises(ImapError) as raised:
            session.__enter__()
    assert str(raised.value) == f"127.0.0.1:{port} did not answer within 0.3 seconds (connecting)."


def test_a_connection_dropped_mid_fetch_carries_on_next_time(imap, sam, monkeypatch):
    monkeypatch.setattr("capture.imap.FETCH_BATCH", 10)
    monkeypatch.setattr("capture.pipeline.BATCH", 10)  # the pipeline commits every 10 messages
    numbers = range(1, 61)
    imap.deliver(SAM, "INBOX", [mail(n, body="word " * 200) for n in numbers])
    proxy = CuttingProxy(imap.port, cut_after=40_000)  # about 30 messages into the fetch
    mailbox = mailbox_for(imap, sam, port=proxy.port)
    try:
        first = mailbox_sync(mailbox)
    finally:
        proxy.close()

    assert proxy.cuts == 1
    assert first.error.startswith(f"The connection to 127.0.0.1:{proxy.port} was dropped")
    assert mailbox.health == Health.FAILED
    stored = folder(mailbox, "INBOX").last_uid
    assert 0 < stored < 60
    assert captured_ids() == ids(range(1, stored + 1))  # whole batches only, up to the last UID

    Mailbox.objects.filter(pk=mailbox.pk).update(port=imap.port)
    mailbox.refresh_from_db()
    second = mailbox_sync(mailbox)

    assert second.error == ""
    assert second.fetched == {"INBOX": 60 - stored}
    assert captured_ids() == ids(numbers)
    assert CapturedMessage.objects.count() == 60
    assert folder(mailbox, "INBOX").last_uid == 60


def test_paused_mailbox_is_not_read(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(1)])
    mailbox = mailbox_for(imap, sam, paused=True)

    result = mailbox_sync(mailbox)

    assert (result.ran, result.fetched) == (False, {})
    mailbox.refresh_from_db()
    assert mailbox.health == Health.NEW
    assert not MailboxFolder.objects.exists()
    assert not CapturedMessage.objects.exists()


def test_mailbox_being_read_by_another_worker_is_left_alone(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(1)])
    mailbox = mailbox_for(imap, sam, health=Health.SYNCING)

    result = mailbox_sync(mailbox)

    assert result.ran is False
    assert not CapturedMessage.objects.exists()


def test_sync_all_reads_every_mailbox_that_is_not_paused(imap, sam):
    imap.deliver(SAM, "INBOX", [mail(1)])
    imap.deliver("bcc@example.com", "INBOX", replies([2]))  # Sam BCC'd the team's address
    reading = mailbox_for(imap, sam)
    bcc = mailbox_for(imap, None, user="bcc@example.com", is_bcc_log=True, name="BCC")
    paused = mailbox_for(imap, UserFactory(), user="oauth@example.com", paused=True)

    enqueue("capture.sync_all")  # tasks run in place in the tests

    states = dict(Mailbox.objects.values_list("pk", "health"))
    assert states == {reading.pk: Health.OK, bcc.pk: Health.OK, paused.pk: Health.NEW}
    origins = dict(CapturedMessage.objects.values_list("message_id", "origin"))
    assert origins == {"1.test@acme.example": "mailbox", "2.test@acme.example": "bcc"}


def test_sync_mailbox_task_for_a_deleted_mailbox_does_nothing(db):
    enqueue("capture.sync_mailbox", mailbox_id=987654)

    assert not CapturedMessage.objects.exists()


def test_xoauth2_mailbox_is_read_with_its_bearer_token(imap, sam):
    user = "oauth@example.com"
    imap.deliver(user, "INBOX", [mail(1, to=user)])
    mailbox = mailbox_for(imap, sam, user=user, auth=Mailbox.Auth.XOAUTH2)

    result = mailbox_sync(mailbox)

    assert result.error == ""
    assert captured_ids() == ids([1])


def test_xoauth2_with_an_expired_token_fails_in_words(imap, sam):
    user = "oauth@example.com"
    mailbox = mailbox_for(
        imap, sam, user=user, auth=Mailbox.Auth.XOAUTH2, secret=encrypt("ya29.expired")
    )

    result = mailbox_sync(mailbox)

    assert result.error == "The server refused the user name or password."


def test_sent_folder_is_found_by_its_name_without_the_special_use_flag(imap, sam):
    imap.deliver(SAM, "Sent Items", replies([1]))
    mailbox = mailbox_for(imap, sam)

    result = mailbox_sync(mailbox)

    assert result.fetched == {"INBOX": 0, "Sent Items": 1}
    assert captured_ids() == ids([1])


def test_connect_check_says_what_is_wrong_or_nothing(imap):
    settings = {"host": imap.host, "port": imap.port, "use_tls": False, "auth": "password"}

    assert mailbox_connect_check(**settings, username=SAM, secret=imap.users[SAM]) == ""
    assert mailbox_connect_check(**settings, username=SAM, secret="wrong") == (
        "The server refused the user name or password."
    )


def test_secret_is_stored_encrypted_and_never_logged(imap, sam, caplog):
    password = imap.users[SAM]
    mailbox = mailbox_for(imap, sam)
    wrong = mailbox_for(imap, sam, user="bcc@example.com", secret=encrypt(password))
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM capture_mailbox WHERE id = %s", [mailbox.pk])
        (stored,) = cursor.fetchone()
    caplog.set_level(logging.DEBUG)

    mailbox_sync(mailbox)
    mailbox_sync(wrong)

    assert password not in stored
    assert decrypt(stored) == password
    assert wrong.health == Health.FAILED
    assert "The server refused the user name or password." in caplog.text
    assert password not in caplog.text
    assert all(password not in str(record.args) for record in caplog.records)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_tls_against_a_plain_port_fails_in_words(imap, sam):
    mailbox = mailbox_for(imap, sam, use_tls=True)

    result = mailbox_sync(mailbox)

    assert result.error.startswith(f"The TLS connection to 127.0.0.1:{imap.port} failed (")
    assert result.error.endswith("check the port and whether the server expects TLS.")
    assert mailbox.health == Health.FAILED
