"""Capture's Celery tasks: thin and idempotent. Beat runs "capture.sync_all" every
CAPTURE_INTERVAL_MINUTES; it queues one read per source that is not paused, and each read claims
its source before it starts, so a source already being read elsewhere is left alone."""

from celery import shared_task

from capture.feeds import calendar_feed_sync
from capture.models import CalendarFeed, Mailbox
from capture.sync import mailbox_sync
from core.queue import enqueue

SYNC_TIME_LIMIT = 30 * 60  # seconds; a stopped read carries on from its last stored message

# Each kind of source: its model, the task that reads one, and the keyword that task takes.
SOURCES = [
    (Mailbox, "capture.sync_mailbox", "mailbox_id"),
    (CalendarFeed, "capture.sync_calendar", "feed_id"),
]


@shared_task(name="capture.sync_all")
def sync_all() -> int:
    """Queue a read of every source that is not paused; returns how many were queued."""
    queued = 0
    for model, task, keyword in SOURCES:
        for pk in model.objects.filter(paused=False).values_list("pk", flat=True):
            enqueue(task, **{keyword: pk})
            queued += 1
    return queued


@shared_task(name="capture.sync_mailbox", bind=True, soft_time_limit=SYNC_TIME_LIMIT)
def sync_mailbox(self, *, mailbox_id: int) -> str:
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        return "gone"
    # A read comes back from the broker (redelivered) when the worker running it was lost: the
    # mailbox still says "Reading" from it, and nobody reads it any more, so this one takes over
    # (it carries on from the last message stored). A read still running is never redelivered:
    # it ends within SYNC_TIME_LIMIT, well inside the broker's visibility timeout.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    result = mailbox_sync(mailbox, take_over=redelivered)
    if not result.ran:
        return "skipped"
    return result.error or str(result.capture)


@shared_task(name="capture.sync_calendar", bind=True, soft_time_limit=SYNC_TIME_LIMIT)
def sync_calendar(self, *, feed_id: int) -> str:
    feed = CalendarFeed.objects.filter(pk=feed_id).first()
    if feed is None:
        return "gone"
    # As for a mailbox: a read redelivered after its worker was lost takes the feed over.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    result = calendar_feed_sync(feed, take_over=redelivered)
    if not result.ran:
        return "skipped"
    return result.error or str(result.capture)
