"""Reading a mailbox into capture (docs/capture.md, "IMAP mailboxes").

`mailbox_sync(mailbox)` claims the mailbox (health "Reading"; a mailbox that is paused or being
read by another worker is left alone), reads INBOX and the Sent folder through `capture.imap`
and hands what it fetches to the pipeline (`capture_mail`). A folder's `last_uid` moves only
after the pipeline has committed the messages up to it, so a read that stops half-way (the
connection drops, the worker stops) carries on next time from the last message stored, and the
pipeline's Message-IDs keep anything fetched twice from being stored twice. The mailbox ends
"Up to date", or "Failed" with what went wrong in words (logged too; the secret never is).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from capture.imap import ImapError, ImapSession, connect_check
from capture.models import Health, Mailbox, MailboxFolder
from capture.pipeline import CaptureResult, Origin, capture_mail
from core.secrets import SecretUnreadable, decrypt

log = logging.getLogger(__name__)


@dataclass
class MailboxSyncResult:
    """What one read of a mailbox did: whether it ran at all (not when paused or already being
    read), the messages fetched per folder, the pipeline's counts over every folder, and the
    error in words when it failed."""

    ran: bool = False
    fetched: dict[str, int] = field(default_factory=dict)
    capture: CaptureResult = field(default_factory=CaptureResult)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.ran and not self.error


def mailbox_claim(*, mailbox_id: int, take_over: bool = False) -> bool:
    """Mark the mailbox as being read, unless it is paused or another worker reads it already
    (a conditional update: of two workers, one claims it). `take_over` claims it although it
    says "Reading": for the read that the worker which was reading it has handed back."""
    rows = Mailbox.objects.filter(pk=mailbox_id, paused=False)
    if not take_over:
        rows = rows.exclude(health=Health.SYNCING)
    return bool(rows.update(health=Health.SYNCING, progress_done=0, progress_total=0))


def mailbox_sync(mailbox: Mailbox, *, take_over: bool = False) -> MailboxSyncResult:
    """Read the mailbox's new mail into capture; see the module's description. `take_over`:
    see `mailbox_claim`."""
    result = MailboxSyncResult()
    if not mailbox_claim(mailbox_id=mailbox.pk, take_over=take_over):
        return result
    result.ran = True
    try:
        _read(mailbox, result)
    except ImapError as error:
        result.error = str(error)
    except SecretUnreadable as error:
        result.error = str(error)
    except LookupError as error:  # the pipeline's missing channel or touchpoint, in words
        result.error = str(error)
    except SoftTimeLimitExceeded:
        result.error = (
            "Reading took longer than the time allowed and was stopped; the next read carries on "
            "from the last message stored."
        )
    except Exception:
        log.exception("Mailbox %s: reading stopped on an unexpected error", mailbox.pk)
        result.error = "Reading stopped on an unexpected error (logged for the administrator)."
    finally:
        _finish(mailbox, result)
    return result


def _read(mailbox: Mailbox, result: MailboxSyncResult) -> None:
    since = (timezone.now() - timedelta(days=settings.CAPTURE_BACKFILL_DAYS)).date()
    origin = Origin.of_mailbox(mailbox)
    with ImapSession(
        host=mailbox.host,
        port=mailbox.port,
        use_tls=mailbox.use_tls,
        username=mailbox.username,
        auth=mailbox.auth,
        secret=decrypt(mailbox.secret),
    ) as session:
        plans = []
        for name in session.folders():
            folder, _ = MailboxFolder.objects.get_or_create(mailbox=mailbox, name=name)
            plan = session.plan(
                name, uidvalidity=folder.uidvalidity, last_uid=folder.last_uid, since=since
            )
            plans.append((folder, plan))
        Mailbox.objects.filter(pk=mailbox.pk).update(
            progress_total=sum(len(plan.uids) for _, plan in plans)
        )
        for folder, plan in plans:
            fetched = _read_folder(session, mailbox, folder, plan, origin, result)
            result.fetched[plan.name] = fetched


def _read_folder(session, mailbox, folder, plan, origin, result) -> int:
    """Hand the folder's new messages to the pipeline; after each batch the pipeline commits,
    move the folder's last UID up to the last message of that batch."""
    uids: list[int] = []  # of the messages handed over, in order
    fetched = stored = 0

    def raws():
        nonlocal fetched
        for batch in session.fetch(plan):
            fetched += len(batch.messages)
            for uid, raw in batch.messages:
                uids.append(uid)
                yield raw

    def committed(read: int) -> None:  # the pipeline has committed its first `read` messages
        nonlocal stored
        if read > stored:
            _advance(mailbox, folder, plan, uids[read - 1], done=read - stored)
            stored = read

    if plan.uids:
        # In one process (workers=1, as a Celery worker must), the pipeline pulls each message
        # only when it reads it, so `read` counts exactly the messages handed over so far.
        part = capture_mail(raws(), origin=origin, progress=committed)
        _add(result.capture, part)
    # Every planned message is stored: the folder is read up to its highest UID (after a
    # restart, what is older than the backfill date is left out on purpose).
    _advance(mailbox, folder, plan, plan.highest_uid, done=0)
    return fetched


def _advance(mailbox, folder, plan, uid: int, *, done: int) -> None:
    """Record that the folder is read up to `uid` and `done` more messages are (the progress
    bar): only forwards within one UIDVALIDITY; a new UIDVALIDITY replaces the old."""
    with transaction.atomic():
        MailboxFolder.objects.filter(pk=folder.pk).filter(
            ~Q(uidvalidity=plan.uidvalidity) | Q(uidvalidity__isnull=True) | Q(last_uid__lt=uid)
        ).update(uidvalidity=plan.uidvalidity, last_uid=uid)
        if done:
            Mailbox.objects.filter(pk=mailbox.pk).update(progress_done=F("progress_done") + done)


def _add(total: CaptureResult, part: CaptureResult) -> None:
    for name, value in vars(part).items():
        if isinstance(value, int):
            setattr(total, name, getattr(total, name) + value)
        elif isinstance(value, set):
            getattr(total, name).update(value)


def _finish(mailbox: Mailbox, result: MailboxSyncResult) -> None:
    """End the read: up to date, or failed with the error in words."""
    if result.error:
        log.warning(
            "Mailbox %s (%s on %s) could not be read: %s",
            mailbox.pk,
            mailbox.username,
            mailbox.host,
            result.error,
        )
        Mailbox.objects.filter(pk=mailbox.pk).update(health=Health.FAILED, last_error=result.error)
    else:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            health=Health.OK,
            last_synced_at=timezone.now(),
            last_error="",
            progress_done=F("progress_total"),
        )
    mailbox.refresh_from_db(
        fields=["health", "last_synced_at", "last_error", "progress_done", "progress_total"]
    )


def mailbox_connect_check(
    *, host: str, port: int, use_tls: bool, username: str, auth: str, secret: str
) -> str:
    """For the mailbox form: log in with these settings and the secret as typed; "" when it
    works, else what went wrong, in words."""
    return connect_check(
        host=host, port=port, use_tls=use_tls, username=username, auth=auth, secret=secret
    )
