"""Reading calendars into capture (docs/capture.md, "Calendars").

`calendar_capture(data, owner=..., origin=...)` reads an iCalendar file's meetings from
CAPTURE_BACKFILL_DAYS ago until now (a meeting still to come is not an interaction yet) and
hands them to the pipeline (`capture_meetings`); the `capture_calendar` command calls it with a
file, `calendar_feed_sync(feed)` with what a user's published calendar address answers.

`calendar_feed_sync` claims the feed (health "Reading"; a feed that is paused or being read by
another worker is left alone), fetches its address over HTTP(S) with a time limit and a size
limit, and ends "Up to date", or "Failed" with what went wrong in words (logged too; the address
is secret and never is). Reading the same calendar again stores nothing twice: a meeting is
kept once per account by its UID and start.
"""

import dataclasses
import http.client
import ipaddress
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from capture.calendars import CalendarError, Meeting, read_calendar
from capture.messages import Address
from capture.models import CalendarFeed, Health
from capture.pipeline import CaptureResult, Origin, capture_meetings
from core.secrets import SecretUnreadable, decrypt

log = logging.getLogger(__name__)

FEED_TIMEOUT = 30  # seconds without an answer before a read gives up
FEED_MAX_BYTES = 20 * 1024 * 1024  # a calendar of years of meetings is a few MB
USER_AGENT = "Rapport calendar capture"


class FeedError(Exception):
    """The calendar address could not be read; the message says why, in words."""


def calendar_capture(data: bytes, *, owner, origin: Origin) -> CaptureResult:
    """Capture the meetings of an iCalendar file for `owner` (whose calendar it is) from
    CAPTURE_BACKFILL_DAYS ago until now. Raises CalendarError when `data` is not a calendar.
    Broken events the file holds count as unreadable."""
    until = timezone.now()
    since = until - timedelta(days=settings.CAPTURE_BACKFILL_DAYS)
    reading = read_calendar(data, since=since, until=until)
    meetings = (_organized(meeting, owner) for meeting in reading)
    result = capture_meetings(meetings, origin=origin)
    result.unreadable += reading.unreadable
    return result


def _organized(meeting: Meeting, owner) -> Meeting:
    """An event that names no organizer is the calendar owner's own (calendars write ORGANIZER
    only for meetings sent to others): its organizer is the owner."""
    if meeting.organizer.address or owner is None:
        return meeting
    name = getattr(owner, "full_name", "") or ""
    return dataclasses.replace(meeting, organizer=Address(owner.email.lower(), name))


# Feeds -------------------------------------------------------------------------------------


@dataclass
class FeedSyncResult:
    """What one read of a feed did: whether it ran at all (not when paused or already being
    read), the pipeline's counts, and the error in words when it failed."""

    ran: bool = False
    capture: CaptureResult = field(default_factory=CaptureResult)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.ran and not self.error


def calendar_feed_claim(*, feed_id: int, take_over: bool = False) -> bool:
    """Mark the feed as being read, unless it is paused or another worker reads it already (a
    conditional update: of two workers, one claims it). `take_over` claims it although it says
    "Reading": for the read that the worker which was reading it has handed back."""
    rows = CalendarFeed.objects.filter(pk=feed_id, paused=False)
    if not take_over:
        rows = rows.exclude(health=Health.SYNCING)
    return bool(rows.update(health=Health.SYNCING))


def calendar_feed_sync(feed: CalendarFeed, *, take_over: bool = False) -> FeedSyncResult:
    """Read the feed's calendar into capture; see the module's description. `take_over`: see
    `calendar_feed_claim`."""
    result = FeedSyncResult()
    if not calendar_feed_claim(feed_id=feed.pk, take_over=take_over):
        return result
    result.ran = True
    try:
        data = feed_fetch(decrypt(feed.url))
        result.capture = calendar_capture(data, owner=feed.owner, origin=Origin.of_feed(feed))
    except (FeedError, SecretUnreadable) as error:
        result.error = str(error)
    except CalendarError as error:
        result.error = f"The calendar address did not answer with a calendar: {error}"
    except LookupError as error:  # the pipeline's missing channel or touchpoint, in words
        result.error = str(error)
    except SoftTimeLimitExceeded:
        result.error = "Reading the calendar took longer than the time allowed and was stopped."
    except Exception:
        log.exception("Calendar feed %s: reading stopped on an unexpected error", feed.pk)
        result.error = "Reading stopped on an unexpected error (logged for the administrator)."
    finally:
        _finish(feed, result)
    return result


def _finish(feed: CalendarFeed, result: FeedSyncResult) -> None:
    if result.error:
        log.warning("Calendar feed %s could not be read: %s", feed.pk, result.error)
        CalendarFeed.objects.filter(pk=feed.pk).update(
            health=Health.FAILED, last_error=result.error
        )
    else:
        CalendarFeed.objects.filter(pk=feed.pk).update(
            health=Health.OK, last_synced_at=timezone.now(), last_error=""
        )
    feed.refresh_from_db(fields=["health", "last_synced_at", "last_error"])


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http and https addresses only (urllib would also follow ftp)."""

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("location") or headers.get("uri") or ""
        if urlsplit(urljoin(req.full_url, location)).scheme.lower() not in ("http", "https"):
            fp.close()
            raise FeedError(
                "The calendar address redirects to an address that is not http or https."
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _public(connection: http.client.HTTPConnection) -> None:
    """Refuse a connection to an address inside the network (loopback, private, link-local such
    as a cloud's metadata service) unless CAPTURE_FEED_PRIVATE_ADDRESSES: a feed address is
    typed by a user and must not reach what only the server can. Checked on the address
    connected to, after any DNS answer and redirect, before the request is sent."""
    if settings.CAPTURE_FEED_PRIVATE_ADDRESSES:
        return
    peer = connection.sock.getpeername()[0]
    if not ipaddress.ip_address(peer.split("%")[0]).is_global:
        connection.close()
        raise FeedError(
            "The calendar address is inside the network, which calendar feeds may not reach "
            "(an administrator allows it with CAPTURE_FEED_PRIVATE_ADDRESSES)."
        )


class _PublicHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _public(self)


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        _public(self)


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_PublicHTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(_HttpOnlyRedirects, _PublicHTTPHandler, _PublicHTTPSHandler)


def feed_fetch(url: str, *, timeout: float | None = None, limit: int | None = None) -> bytes:
    """The bytes a calendar address answers; FeedError in words when it answers anything but a
    calendar-sized success in time. webcal:// addresses (as calendar programs publish them)
    are read over https."""
    timeout = FEED_TIMEOUT if timeout is None else timeout
    limit = FEED_MAX_BYTES if limit is None else limit
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("webcal", "webcals"):
        url = "https" + url[len(scheme) :]
    elif scheme not in ("http", "https"):
        raise FeedError("The calendar address must start with https://, http:// or webcal://.")
    if not urlsplit(url).hostname:
        raise FeedError("The calendar address names no host.")
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*"}
    )
    late = f"The calendar address did not answer within {timeout:g} seconds."
    try:
        with _opener.open(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise FeedError(_http_words(error.code, error.reason)) from None
    except TimeoutError:
        raise FeedError(late) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FeedError(late) from None
        raise FeedError(f"The calendar address cannot be reached: {error.reason}.") from None
    except (OSError, ValueError, http.client.HTTPException) as error:  # dropped, malformed
        raise FeedError(f"The calendar address cannot be read: {error}.") from None
    if len(data) > limit:
        raise FeedError(
            f"The calendar is larger than {limit // (1024 * 1024)} MB: publish a smaller one "
            "(fewer past months) or ask an administrator."
        )
    return data


def _http_words(code: int, reason) -> str:
    if code in (401, 403):
        return (
            f"The calendar address refused access ({code} {reason}): the link may have been "
            "reset; publish the calendar again and enter the new address."
        )
    if code in (404, 410):
        return (
            f"The calendar address answered {code} {reason}: the calendar is no longer "
            "published there; check the address, or publish it again."
        )
    return f"The calendar address answered {code} {reason}; the next read tries again."
