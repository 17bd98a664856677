"""Reading calendars: which occurrences are meetings, and what each one says."""

from datetime import UTC, datetime

import pytest

from capture.calendars import CalendarError, Meeting, read_calendar
from capture.messages import Address
from tests.capture.calendar import event, ics

SINCE = datetime(2026, 10, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 6, tzinfo=UTC)


def read(data: bytes, since=SINCE, until=UNTIL) -> list[Meeting]:
    return list(read_calendar(data, since=since, until=until))


def starts(meetings) -> list[str]:
    return [f"{meeting.start:%m-%d %H:%M}" for meeting in meetings]


def test_calendar_weekly_series_is_expanded_within_the_window():
    data = ics(event("w", "DTSTART:20260901T100000Z", "RRULE:FREQ=WEEKLY", end=None))
    meetings = read(data, until=datetime(2026, 10, 29, tzinfo=UTC))
    assert starts(meetings) == ["10-06 10:00", "10-13 10:00", "10-20 10:00", "10-27 10:00"]
    assert [m.key for m in meetings][:2] == [
        "ics:w/2026-10-06T10:00:00+00:00",
        "ics:w/2026-10-13T10:00:00+00:00",
    ]


def test_calendar_window_includes_its_start_and_leaves_out_its_end():
    data = ics(event("w", "DTSTART:20261001T000000Z", "RRULE:FREQ=DAILY;COUNT=10", end=None))
    meetings = read(data, until=datetime(2026, 10, 5, tzinfo=UTC))
    assert starts(meetings) == ["10-01 00:00", "10-02 00:00", "10-03 00:00", "10-04 00:00"]


def test_calendar_exdate_and_cancelled_instances_are_not_read():
    series = event(
        "w", "DTSTART;TZID=Europe/Berlin:20261102T100000", "RRULE:FREQ=WEEKLY;COUNT=5",
        "EXDATE;TZID=Europe/Berlin:20261109T100000",
        end="DTEND;TZID=Europe/Berlin:20261102T103000",
    )  # fmt: skip
    cancelled = event(
        "w", "DTSTART;TZID=Europe/Berlin:20261116T100000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20261116T100000", "STATUS:CANCELLED",
        end="DTEND;TZID=Europe/Berlin:20261116T103000",
    )  # fmt: skip
    moved = event(
        "w", "DTSTART;TZID=Europe/Berlin:20261124T150000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20261123T100000",
        end="DTEND;TZID=Europe/Berlin:20261124T153000",
    )  # fmt: skip
    meetings = read(ics(series, cancelled, moved))
    assert starts(meetings) == ["11-02 09:00", "11-24 14:00", "11-30 09:00"]


def test_calendar_cancelled_event_is_not_read():
    data = ics(event("off", "STATUS:CANCELLED"), event("on"))
    assert [meeting.key.split("/")[0] for meeting in read(data)] == ["ics:on"]


def test_calendar_cancelled_series_reads_none_of_its_occurrences():
    data = ics(event("w", "DTSTART:20261001T100000Z", "RRULE:FREQ=DAILY", "STATUS:CANCELLED"))
    assert read(data) == []


def test_calendar_organizer_and_attendees_without_rooms_or_who_declined():
    attendees = (
        "ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:Jane@Acme.Example",
        'ATTENDEE;CN="Doe, John":MAILTO:john@acme.example',
        "ATTENDEE;CN=Board room;CUTYPE=ROOM:mailto:board@rapport.example",
        "ATTENDEE;PARTSTAT=DECLINED:mailto:bob@acme.example",
        "ATTENDEE;CN=Jane again:mailto:jane@acme.example",
        "ATTENDEE;CN=Sam Lee:mailto:sam@rapport.example",
    )
    organizer = "ORGANIZER;CN=Sam Lee:mailto:Sam@Rapport.example"
    (meeting,) = read(ics(event(organizer=organizer, attendees=attendees)))
    assert meeting.organizer == Address("sam@rapport.example", "Sam Lee")
    assert meeting.attendees == (
        Address("jane@acme.example", "Jane Doe"),
        Address("john@acme.example", "Doe, John"),
        Address("sam@rapport.example", "Sam Lee"),
    )
    assert meeting.summary == "Weekly sync"
    assert meeting.end == datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def test_calendar_event_without_organizer_has_an_empty_one():
    (meeting,) = read(ics(event(organizer=None, attendees=())))
    assert meeting.organizer == Address("", "")
    assert meeting.attendees == ()


@pytest.mark.parametrize(
    ("lines", "conference", "channel"),
    [
        (("LOCATION:https://acme.zoom.us/j/123456",), True, "video"),
        (("LOCATION:Microsoft Teams Meeting",), True, "video"),
        (("LOCATION:Room 4", "DESCRIPTION:Join: https://meet.google.com/abc-defg-hij"), True,
         "video"),
        (("X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",), True, "video"),
        (("CONFERENCE;VALUE=URI:https://example.com/call/7",), True, "video"),
        (("LOCATION:https://calls.example.com/7",), True, "video"),
        (("DESCRIPTION:https://acme.webex.com/meet/jane",), True, "video"),
        (("LOCATION:Acme HQ\\, Hauptstraße 5\\, Berlin",), False, "in_person"),
        ((), False, "video"),
    ],
)  # fmt: skip
def test_calendar_conference_link_or_place_gives_the_channel(lines, conference, channel):
    (meeting,) = read(ics(event("m", "DTSTART:20261102T100000Z", *lines)))
    assert (meeting.conference, meeting.channel()) == (conference, channel)


def test_calendar_location_is_read_as_written():
    (meeting,) = read(ics(event("m", "DTSTART:20261102T100000Z", "LOCATION:Acme HQ\\, Berlin")))
    assert meeting.location == "Acme HQ, Berlin"


def test_calendar_times_in_zones_become_utc():
    zoned = event("berlin", "DTSTART;TZID=Europe/Berlin:20261102T100000", end=None)
    summer = event("summer", "DTSTART;TZID=Europe/Berlin:20261015T100000", end=None)
    offset = event("iana", "DTSTART;TZID=America/New_York:20261102T100000", end=None)
    floating = event("floating", "DTSTART:20261103T100000", end=None)
    meetings = {m.key.split("/")[0]: m.start for m in read(ics(zoned, summer, offset, floating))}
    assert meetings == {
        "ics:berlin": datetime(2026, 11, 2, 9, tzinfo=UTC),
        "ics:summer": datetime(2026, 10, 15, 8, tzinfo=UTC),
        "ics:iana": datetime(2026, 11, 2, 15, tzinfo=UTC),
        "ics:floating": datetime(2026, 11, 3, 10, tzinfo=UTC),
    }
    assert all(start.tzinfo is UTC for start in meetings.values())


def test_calendar_floating_times_are_in_the_calendars_own_zone():
    data = ics(event("f", "DTSTART:20261103T100000", end=None), header="X-WR-TIMEZONE:Asia/Tokyo")
    (meeting,) = read(data)
    assert meeting.start == datetime(2026, 11, 3, 1, tzinfo=UTC)


def test_calendar_all_day_events_are_not_meetings():
    data = ics(event("day", "DTSTART;VALUE=DATE:20261104", end="DTEND;VALUE=DATE:20261105"))
    reading = read_calendar(data, since=SINCE, until=UNTIL)
    assert list(reading) == []
    assert reading.unreadable == 0


@pytest.mark.parametrize(
    "broken",
    [
        event("bad-until", "DTSTART:20261103T100000Z", "RRULE:FREQ=WEEKLY;UNTIL=soon", end=None),
        event("bad-freq", "DTSTART:20261103T100000Z", "RRULE:FREQ=FORTNIGHTLY", end=None),
        event("bad-day", "DTSTART:20261103T100000Z", "RRULE:FREQ=WEEKLY;BYDAY=XX", end=None),
        event("no-start", "", end=None),
        event("bad-start", "DTSTART:tomorrow", end=None),
    ],
)
def test_calendar_broken_event_is_skipped_and_counted(broken):
    reading = read_calendar(ics(broken, event("good")), since=SINCE, until=UNTIL)
    assert [meeting.key for meeting in reading] == ["ics:good/2026-11-02T10:00:00+00:00"]
    assert reading.unreadable == 1


def test_calendar_series_repeating_every_minute_is_not_read():
    data = ics(event("m", "DTSTART:20261001T100000Z", "RRULE:FREQ=MINUTELY", end=None))
    reading = read_calendar(data, since=SINCE, until=UNTIL)
    assert list(reading) == []


def test_calendar_keys_are_stable_across_reads():
    data = ics(event("w", "DTSTART:20261001T100000Z", "RRULE:FREQ=WEEKLY", end=None), event())
    first = [meeting.key for meeting in read(data)]
    assert first == [meeting.key for meeting in read(data)]
    assert len(set(first)) == len(first) == 11


def test_calendar_event_without_uid_gets_a_stable_key():
    data = ics(event("", "DTSTART:20261102T100000Z"))
    (first,) = read(data)
    (again,) = read(data)
    assert first.key == again.key
    assert first.key.startswith("ics:sha256:")


def test_calendar_long_uid_is_hashed_to_fit_a_message_id():
    (meeting,) = read(ics(event("x" * 900)))
    assert len(meeting.key) <= 255


def test_calendar_events_sharing_a_uid_are_each_a_meeting():
    first = event("same", "DTSTART:20261102T100000Z", end=None)
    second = event("same", "DTSTART:20261103T100000Z", end=None)
    assert starts(read(ics(first, second))) == ["11-02 10:00", "11-03 10:00"]


def test_calendar_later_version_of_an_event_replaces_the_earlier():
    old = event("same", "DTSTART:20261102T100000Z", "SEQUENCE:1", end=None)
    new = event("same", "DTSTART:20261104T100000Z", "SEQUENCE:2", end=None)
    assert starts(read(ics(old, new))) == ["11-04 10:00"]
    assert starts(read(ics(new, old))) == ["11-04 10:00"]


def test_calendar_same_meeting_twice_in_a_file_is_read_once():
    assert len(read(ics(event("same"), event("same")))) == 1
    assert len(read(ics(event("same")) + ics(event("same")))) == 1


def test_calendar_with_several_calendars_reads_them_all():
    data = ics(event("a")) + ics(event("b"))
    assert [meeting.key.split("/")[0] for meeting in read(data)] == ["ics:a", "ics:b"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \r\n", "empty"),
        (b"Hello, this is a letter.", "BEGIN:VCALENDAR"),
        (b"BEGIN:VCARD\r\nFN:Jane\r\nEND:VCARD\r\n", "BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", "no whole calendar"),
    ],
)
def test_calendar_refuses_what_is_not_a_calendar_in_words(data, words):
    with pytest.raises(CalendarError, match=words):
        read_calendar(data, since=SINCE, until=UNTIL)


def test_calendar_line_that_is_no_property_is_left_out():
    data = ics("this line is no property", event("a"), "nor: is; this", event("b"))
    assert [meeting.key.split("/")[0] for meeting in read(data)] == ["ics:a", "ics:b"]


def test_calendar_time_zone_that_cannot_be_read_is_left_out():
    zone = "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\nDTSTART:yesterday\nEND:STANDARD"
    data = ics(zone + "\nEND:VTIMEZONE", event("a", "DTSTART;TZID=Europe/Berlin:20261102T100000"))
    (meeting,) = read(data)
    assert meeting.start == datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_calendar_empty_calendar_has_no_meetings():
    assert read(ics()) == []
