"""Fuzzing the calendar reader: whatever bytes arrive, `read_calendar` yields well-formed
meetings or raises CalendarError, never anything else (RAPPORT_FUZZ_EXAMPLES examples each;
1,000 in CI)."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from capture.calendars import CalendarError, Meeting, read_calendar
from capture.messages import Address
from tests.capture.calendar import event, ics
from tests.fuzz import FUZZ

SINCE = datetime(2026, 10, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 6, tzinfo=UTC)

SAMPLES = [
    ics(
        event("w", "DTSTART;TZID=Europe/Berlin:20261005T100000", "RRULE:FREQ=WEEKLY;COUNT=8",
              "EXDATE;TZID=Europe/Berlin:20261012T100000", "LOCATION:https://acme.zoom.us/j/1",
              end="DTEND;TZID=Europe/Berlin:20261005T103000"),
        event("w", "DTSTART;TZID=Europe/Berlin:20261019T100000",
              "RECURRENCE-ID;TZID=Europe/Berlin:20261019T100000", "STATUS:CANCELLED",
              end=None),
        event("o", "DTSTART:20261105T140000", "LOCATION:Acme HQ\\, Berlin",
              "X-GOOGLE-CONFERENCE:https://meet.google.com/x", end="DURATION:PT1H"),
        header="X-WR-TIMEZONE:Europe/Berlin",
    ),
    ics(event("d", "DTSTART;VALUE=DATE:20261104", "RDATE;VALUE=DATE:20261111", end=None),
        event("m", "DTSTART:20261102T090000Z", "RRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270101",
              attendees=("ATTENDEE;CUTYPE=ROOM:mailto:r@x.example",
                         "ATTENDEE;PARTSTAT=DECLINED;CN=No:mailto:n@acme.example"))),
]  # fmt: skip
FRAGMENTS = [
    b"\r\n", b"\r\n ", b":", b";", b"=", b",", b"\\", b'"', b"\xff\xfe\x00", b"\xc3", b"\x00",
    b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n", b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n",
    b"BEGIN:VTIMEZONE\r\n", b"BEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n",
    b"DTSTART:20261103T100000Z\r\n", b"DTSTART;TZID=Nowhere/Land:20261103T100000\r\n",
    b"DTSTART;VALUE=DATE:20261301\r\n", b"DTEND:19991231T235959Z\r\n", b"DURATION:-P1D\r\n",
    b"DURATION:P99999999W\r\n", b"RRULE:FREQ=DAILY\r\n", b"RRULE:FREQ=SECONDLY\r\n",
    b"RRULE:FREQ=YEARLY;BYWEEKNO=54;BYYEARDAY=-400\r\n", b"RRULE:FREQ=WEEKLY;UNTIL=0\r\n",
    b"RRULE:FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,30\r\n", b"EXDATE:garbage\r\n",
    b"RDATE;VALUE=PERIOD:20261103T100000Z/20261102T100000Z\r\n", b"STATUS:CANCELLED\r\n",
    b"RECURRENCE-ID;RANGE=THISANDFUTURE:20261012T080000Z\r\n", b"UID:\r\n", b"UID:w\r\n",
    b"ORGANIZER;CN=\"\r\n", b"ATTENDEE:mailto:\r\n", b"ATTENDEE;EMAIL=a@b:urn:x\r\n",
    b"CALSCALE:JULIAN\r\n", b"X-WR-TIMEZONE:../../etc/passwd\r\n", b"TZOFFSETFROM:+9999\r\n",
]  # fmt: skip


START = len(b"BEGIN:VCALENDAR\r\n")  # arbitrary bytes try the first line; mutations the rest


@st.composite
def mutated(draw) -> bytes:
    """A real calendar with a few bytes inserted, deleted, overwritten or cut off."""
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(START, len(raw)))
        kind = draw(st.sampled_from(["insert", "fragment", "delete", "overwrite", "cut"]))
        if kind == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "fragment":
            raw[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif kind == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif kind == "overwrite" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at:]
    return bytes(raw)


def assert_well_formed(raw: bytes) -> None:
    try:
        reading = read_calendar(raw, since=SINCE, until=UNTIL)
    except CalendarError as error:
        refusal = str(error)
        reading = None
    if reading is None:
        assert refusal, "a refusal says why in words"
        return
    meetings = list(reading)
    assert isinstance(reading.unreadable, int)
    assert reading.unreadable >= 0
    assert len({meeting.key for meeting in meetings}) == len(meetings)
    for meeting in meetings:
        assert isinstance(meeting, Meeting)
        assert meeting.key.startswith("ics:")
        assert len(meeting.key) <= 255
        assert meeting.start.tzinfo == UTC
        assert SINCE <= meeting.start < UNTIL
        assert meeting.end is None or (meeting.end.tzinfo == UTC and meeting.end >= meeting.start)
        for address in (meeting.organizer, *meeting.attendees):
            assert isinstance(address, Address)
            assert address.address == address.address.lower()
            assert isinstance(address.name, str)
        assert isinstance(meeting.summary, str)
        assert isinstance(meeting.location, str)
        assert isinstance(meeting.conference, bool)
        assert meeting.channel() in ("video", "in_person")


@FUZZ
@given(st.binary(max_size=3000))
def test_calendar_arbitrary_bytes(raw):
    assert_well_formed(raw)


@FUZZ
@given(st.binary(max_size=2000).map(lambda tail: b"BEGIN:VCALENDAR\r\n" + tail))
def test_calendar_arbitrary_bytes_after_a_calendar_start(raw):
    assert_well_formed(raw)


@FUZZ
@given(mutated())
def test_calendar_mutated_real_calendars(raw):
    assert_well_formed(raw)


def test_calendar_every_sample_unmutated():
    for raw in SAMPLES:
        assert list(read_calendar(raw, since=SINCE, until=UNTIL))
