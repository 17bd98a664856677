"""Calendars into capture, on the database: the capture_calendar command and the polled feed
(a real HTTP server on the loopback address), end to end through the pipeline."""

import datetime as dt
import http.server
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from capture.feeds import FeedError, calendar_feed_sync, feed_fetch
from capture.models import CalendarFeed, CapturedMessage, Health, TouchpointKeyword
from core.queue import enqueue
from core.secrets import encrypt
from relationships.models import Interaction, Touchpoint
from tests.capture.calendar import event, ics
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(second=0, microsecond=0)


def stamp(days_ago: float) -> str:
    """An iCalendar UTC time this many days ago."""
    return f"{NOW - dt.timedelta(days=days_ago):%Y%m%dT%H%M%SZ}"


def calendar() -> bytes:
    """A CSM's calendar: a weekly call with Jane on Zoom (three past weeks, two to come), a
    business review she organised at her office, an internal meeting, a cancelled one, and a
    holiday."""
    jane = ("ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:Jane.Doe@acme.example",)
    return ics(
        event("weekly@rapport", f"DTSTART:{stamp(20)}", "RRULE:FREQ=WEEKLY;COUNT=5",
              "LOCATION:https://example.zoom.us/j/42", summary="Weekly sync", end=None,
              organizer="ORGANIZER;CN=Casey:mailto:csm@example.com", attendees=jane),
        event("qbr@acme", f"DTSTART:{stamp(3)}", "LOCATION:Acme HQ\\, Berlin",
              summary="Quarterly business review", end=None,
              organizer="ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example",
              attendees=("ATTENDEE:mailto:csm@example.com",)),
        event("internal@rapport", f"DTSTART:{stamp(2)}", summary="Team stand-up", end=None,
              organizer="ORGANIZER:mailto:csm@example.com",
              attendees=("ATTENDEE:mailto:teammate@example.com",)),
        event("off@acme", f"DTSTART:{stamp(4)}", "STATUS:CANCELLED", end=None, attendees=jane),
        event("holiday", f"DTSTART;VALUE=DATE:{stamp(5)[:8]}", end=None, attendees=jane),
    )  # fmt: skip


@pytest.fixture
def acme(org, settings):
    settings.CAPTURE_INTERNAL_DOMAINS = ["example.com"]
    org.account.domain = "acme.example"
    org.account.save(update_fields=["domain"])
    jane = StakeholderFactory(account=org.account, name="Jane Doe", email="jane.doe@acme.example")
    TouchpointKeyword.objects.create(
        keyword="business review", touchpoint=Touchpoint.objects.get(slug="sales")
    )
    return org.account, jane


@pytest.fixture
def ics_file(tmp_path):
    path = tmp_path / "calendar.ics"
    path.write_bytes(calendar())
    return path


def captured(account) -> list[tuple]:
    return [
        (i.occurred_at, i.channel.slug, i.direction, i.touchpoint.slug, i.summary, i.source,
         [person.name for person in i.stakeholders.all()], i.our_person.email)
        for i in Interaction.objects.filter(account=account).order_by("occurred_at")
    ]  # fmt: skip


def expected() -> list[tuple]:
    weekly = [
        (NOW - dt.timedelta(days=days), "video", "outbound", "service", "Weekly sync",
         "meeting", ["Jane Doe"], "csm@example.com")
        for days in (20, 13, 6)
    ]  # fmt: skip
    qbr = (NOW - dt.timedelta(days=3), "in_person", "inbound", "sales",
           "Quarterly business review", "meeting", ["Jane Doe"], "csm@example.com")  # fmt: skip
    return sorted([*weekly, qbr])


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("capture_calendar", *args, stdout=out)
    return out.getvalue()


def test_capture_calendar_command_makes_past_meetings_with_customers_interactions(
    org, acme, ics_file
):
    account, _ = acme
    said = run(str(ics_file), "--user", "CSM@example.com")
    assert captured(account) == expected()
    assert "4 captured" in said
    assert set(CapturedMessage.objects.values_list("kind", "origin")) == {("meeting", "calendar")}


def test_capture_calendar_command_run_again_changes_nothing(org, acme, ics_file):
    account, _ = acme
    run(str(ics_file), "--user", "csm@example.com")
    before = captured(account), CapturedMessage.objects.count()
    said = run(str(ics_file), "--user", "csm@example.com")
    assert (captured(account), CapturedMessage.objects.count()) == before
    assert "0 captured, 4 already captured" in said


def test_capture_calendar_command_meeting_without_organizer_is_the_owners(org, acme, tmp_path):
    account, _ = acme
    path = tmp_path / "own.ics"
    path.write_bytes(ics(event("mine", f"DTSTART:{stamp(1)}", organizer=None, end=None,
                               attendees=("ATTENDEE:mailto:jane.doe@acme.example",))))  # fmt: skip
    run(str(path), "--user", "csm@example.com")
    assert [(row[2], row[7]) for row in captured(account)] == [("outbound", "csm@example.com")]


def test_capture_calendar_command_reads_only_the_backfill_window(org, acme, tmp_path, settings):
    account, _ = acme
    settings.CAPTURE_BACKFILL_DAYS = 10
    path = tmp_path / "c.ics"
    path.write_bytes(calendar())
    run(str(path), "--user", "csm@example.com")
    assert [row[0] for row in captured(account)] == [NOW - dt.timedelta(days=d) for d in (6, 3)]


def test_capture_calendar_command_counts_broken_events_as_unreadable(org, acme, tmp_path):
    path = tmp_path / "broken.ics"
    path.write_bytes(ics(event("bad", f"DTSTART:{stamp(2)}", "RRULE:FREQ=FORTNIGHTLY")))
    assert "1 unreadable" in run(str(path), "--user", "csm@example.com")


@pytest.mark.parametrize(
    ("name", "user", "words"),
    [
        ("calendar.ics", "nobody@example.com", "No user has the email nobody@example.com."),
        ("missing.ics", "csm@example.com", "missing.ics cannot be read: No such file"),
        ("letter.ics", "csm@example.com", "letter.ics: The file is not a calendar"),
    ],
)
def test_capture_calendar_command_refuses_in_words(org, acme, tmp_path, name, user, words):
    (tmp_path / "calendar.ics").write_bytes(calendar())
    (tmp_path / "letter.ics").write_bytes(b"Dear Jane,\r\nsee you on Tuesday.")
    with pytest.raises(CommandError, match=words):
        run(str(tmp_path / name), "--user", user)
    assert CapturedMessage.objects.count() == 0


# Feeds -------------------------------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes, float]] = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        status, body, delay = self.routes.get(self.path, (404, b"Not here", 0.0))
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", body.decode())
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    """An HTTP server on 127.0.0.1 in a thread; `routes` maps a path to (status, body, delay).
    Feeds may reach it: loopback is inside the network."""
    settings.CAPTURE_FEED_PRIVATE_ADDRESSES = True
    routes: dict[str, tuple[int, bytes, float]] = {}
    handler = type("Routes", (Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, routes
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def feed_for(owner, url: str) -> CalendarFeed:
    return CalendarFeed.objects.create(owner=owner, name="Work", url=encrypt(url))


def test_calendar_feed_sync_captures_the_feed_and_is_up_to_date(org, acme, server):
    account, _ = acme
    base, routes = server
    routes["/feed.ics"] = (200, calendar(), 0.0)
    feed = feed_for(org.csm, f"{base}/feed.ics")
    result = calendar_feed_sync(feed)
    assert (result.ok, result.capture.captured) == (True, 4)
    assert captured(account) == expected()
    assert (feed.health, feed.last_error) == (Health.OK, "")
    assert feed.last_synced_at is not None
    assert calendar_feed_sync(feed).capture.duplicates == 4
    assert captured(account) == expected()


def test_calendar_feed_fetch_reads_a_webcal_address_over_https(server):
    base, routes = server  # the server speaks plain http, so the https handshake fails
    routes["/feed.ics"] = (200, calendar(), 0.0)
    with pytest.raises(FeedError, match="cannot be (reached|read)"):
        feed_fetch(base.replace("http://", "webcal://") + "/feed.ics", timeout=2)


def test_calendar_feed_sync_not_found_fails_in_words(org, acme, server):
    base, _ = server
    feed = feed_for(org.csm, f"{base}/gone.ics")
    result = calendar_feed_sync(feed)
    assert feed.health == Health.FAILED
    assert feed.last_error == result.error
    assert feed.last_error == (
        "The calendar address answered 404 Not Found: the calendar is no longer published "
        "there; check the address, or publish it again."
    )
    assert CapturedMessage.objects.count() == 0


def test_calendar_feed_fetch_timeout_says_so(server):
    base, routes = server
    routes["/slow.ics"] = (200, calendar(), 1.5)
    with pytest.raises(FeedError) as refused:
        feed_fetch(f"{base}/slow.ics", timeout=0.3)
    assert str(refused.value) == "The calendar address did not answer within 0.3 seconds."


def test_calendar_feed_sync_timeout_fails_in_words(org, acme, server, monkeypatch):
    base, routes = server
    routes["/slow.ics"] = (200, calendar(), 1.5)
    monkeypatch.setattr("capture.feeds.FEED_TIMEOUT", 0.3)
    feed = feed_for(org.csm, f"{base}/slow.ics")
    calendar_feed_sync(feed)
    assert (feed.health, feed.last_error) == (
        Health.FAILED,
        "The calendar address did not answer within 0.3 seconds.",
    )


def test_calendar_feed_sync_answer_that_is_not_a_calendar_fails_in_words(org, acme, server):
    base, routes = server
    routes["/page"] = (200, b"<html>Sign in</html>", 0.0)
    feed = feed_for(org.csm, f"{base}/page")
    calendar_feed_sync(feed)
    assert feed.health == Health.FAILED
    assert feed.last_error.startswith("The calendar address did not answer with a calendar: ")


def test_calendar_feed_fetch_refuses_a_calendar_larger_than_the_limit(server):
    base, routes = server
    routes["/big.ics"] = (200, calendar(), 0.0)
    with pytest.raises(FeedError, match="larger than"):
        feed_fetch(f"{base}/big.ics", limit=100)


def test_calendar_feed_fetch_follows_redirects_to_http_addresses_only(server):
    base, routes = server
    routes["/moved.ics"] = (302, f"{base}/feed.ics".encode(), 0.0)
    routes["/feed.ics"] = (200, calendar(), 0.0)
    routes["/file.ics"] = (302, b"file:///etc/passwd", 0.0)
    routes["/ftp.ics"] = (302, b"ftp://example.com/c.ics", 0.0)
    assert feed_fetch(f"{base}/moved.ics") == calendar()
    for path in ("/file.ics", "/ftp.ics"):
        with pytest.raises(FeedError, match="redirects to an address that is not http or https"):
            feed_fetch(f"{base}{path}")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/c.ics", "c.ics"])
def test_calendar_feed_fetch_reads_only_http_addresses(url):
    with pytest.raises(FeedError, match="must start with https://"):
        feed_fetch(url)


def test_calendar_feed_sync_refuses_an_address_inside_the_network(org, acme, server, settings):
    base, routes = server
    routes["/feed.ics"] = (200, calendar(), 0.0)
    settings.CAPTURE_FEED_PRIVATE_ADDRESSES = False
    feed = feed_for(org.csm, f"{base}/feed.ics")
    calendar_feed_sync(feed)
    assert (feed.health, feed.last_error) == (
        Health.FAILED,
        "The calendar address is inside the network, which calendar feeds may not reach "
        "(an administrator allows it with CAPTURE_FEED_PRIVATE_ADDRESSES).",
    )
    assert CapturedMessage.objects.count() == 0


def test_calendar_feed_sync_leaves_a_paused_feed_alone(org, acme, server):
    base, routes = server
    routes["/feed.ics"] = (200, calendar(), 0.0)
    feed = feed_for(org.csm, f"{base}/feed.ics")
    CalendarFeed.objects.filter(pk=feed.pk).update(paused=True)
    assert calendar_feed_sync(feed).ran is False
    assert CapturedMessage.objects.count() == 0


def test_calendar_feeds_are_read_on_the_capture_schedule(org, acme, server):
    account, _ = acme
    base, routes = server
    routes["/feed.ics"] = (200, calendar(), 0.0)
    reading = feed_for(org.csm, f"{base}/feed.ics")
    gone = feed_for(org.teammate, f"{base}/gone.ics")
    paused = feed_for(org.manager, f"{base}/feed.ics")
    CalendarFeed.objects.filter(pk=paused.pk).update(paused=True)

    enqueue("capture.sync_all")  # tasks run in place in the tests

    states = dict(CalendarFeed.objects.values_list("pk", "health"))
    assert states == {reading.pk: Health.OK, gone.pk: Health.FAILED, paused.pk: Health.NEW}
    assert captured(account) == expected()


def test_calendar_sync_task_for_a_deleted_feed_does_nothing(db):
    enqueue("capture.sync_calendar", feed_id=987654)
    assert not CapturedMessage.objects.exists()


def test_calendar_feed_being_read_is_left_alone_unless_taken_over(org, acme, server):
    base, routes = server
    routes["/feed.ics"] = (200, calendar(), 0.0)
    feed = feed_for(org.csm, f"{base}/feed.ics")
    CalendarFeed.objects.filter(pk=feed.pk).update(health=Health.SYNCING)
    assert calendar_feed_sync(feed).ran is False
    assert CapturedMessage.objects.count() == 0
    assert calendar_feed_sync(feed, take_over=True).capture.captured == 4
    assert feed.health == Health.OK
