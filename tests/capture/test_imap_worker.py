"""A real Celery worker reading a real Dovecot mailbox: a worker process killed in the middle of
a read hands the read back, and the read that comes back takes over the mailbox (still marked
"Reading" by the dead one) and carries on from the last message stored."""

import os
import signal

import pytest
from cryptography.fernet import Fernet

from capture.models import CapturedMessage, Health, Mailbox, MailboxFolder
from capture.pipeline import BATCH
from core.queue import enqueue
from core.secrets import encrypt
from tests.capture.imap_server import CuttingProxy, mail
from tests.factories import AccountFactory, UserFactory
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
SAM = "sam@example.com"
COUNT = BATCH + BATCH // 2  # the pipeline commits every BATCH: the kill comes after the first


def test_a_worker_killed_mid_read_hands_it_back_and_every_message_is_stored_once(
    imap, worker_factory, settings, monkeypatch
):
    key = Fernet.generate_key().decode()  # the worker decrypts the password with the same key
    monkeypatch.setenv("ENCRYPTION_KEY", key)
    settings.ENCRYPTION_KEY = key
    AccountFactory(name="Acme", domain="acme.example")
    sam = UserFactory(email=SAM, full_name="Sam")
    imap.deliver(SAM, "INBOX", [mail(n, body="word " * 200) for n in range(1, COUNT + 1)])
    proxy = CuttingProxy(imap.port, delay=0.05)  # a slow line: the read takes seconds
    mailbox = Mailbox.objects.create(
        name="Work mail",
        owner=sam,
        host=imap.host,
        port=proxy.port,
        use_tls=False,
        username=SAM,
        secret=encrypt(imap.users[SAM]),
    )
    worker = worker_factory(pool="prefork")
    readers = worker.child_pids()  # asked before the read: the kill must not wait for an answer
    try:
        enqueue("capture.sync_mailbox", mailbox_id=mailbox.pk)

        def first_batch_stored():
            inbox = MailboxFolder.objects.filter(mailbox=mailbox, name="INBOX").first()
            return inbox is not None and inbox.last_uid >= BATCH

        wait_until(first_batch_stored, 60, "the first batch to be stored")
        for pid in readers:
            os.kill(pid, signal.SIGKILL)  # the process reading the mailbox dies mid-read
        stopped_at = MailboxFolder.objects.get(mailbox=mailbox, name="INBOX").last_uid
        assert stopped_at < COUNT
        assert Mailbox.objects.get(pk=mailbox.pk).health == Health.SYNCING

        def done():
            return Mailbox.objects.filter(pk=mailbox.pk, health=Health.OK).exists()

        wait_until(done, 60, "the read handed back to be finished")
    finally:
        proxy.close()

    assert MailboxFolder.objects.get(mailbox=mailbox, name="INBOX").last_uid == COUNT
    assert CapturedMessage.objects.count() == COUNT
    assert CapturedMessage.objects.values("message_id").distinct().count() == COUNT
    assert Mailbox.objects.get(pk=mailbox.pk).last_error == ""
