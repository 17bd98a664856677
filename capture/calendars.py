"""Calendars, read: the meetings in an iCalendar file (an .ics export or a published feed), a
`Meeting` per occurrence (docs/capture.md, "Calendars").

`read_calendar(data, since=..., until=...)` gives, in the order they start, the occurrences that
start in [since, until): recurring series are expanded (RRULE, RDATE, moved instances), and what was
called off is left out (STATUS:CANCELLED events, cancelled instances, EXDATE). All-day events
are not meetings (holidays, out-of-office days, birthdays) and are left out too, as are
occurrences of series that repeat more often than hourly.

Calendars are written by many programs, so one broken event does not stop the rest: a series
whose rule cannot be read, or whose events have no start, is skipped and counted in
`CalendarReading.unreadable`. The only refusal is `CalendarError`, for input that is not a
calendar at all. Plain Python: icalendar and recurring-ical-events.
"""

import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from icalendar.parser import Contentline

from capture.messages import Address

# A series yields at most this many occurrences in one read (a daily meeting over ten years).
MAX_OCCURRENCES = 5_000
UID_LENGTH = 200  # longer UIDs are hashed, so that a key fits the Message-ID column

# Where a meeting happens on a screen: conference hosts, and properties conference tools write.
_CONFERENCE = re.compile(
    r"(https?://)?([\w-]+\.)*(zoom\.us|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|"
    r"meet\.google\.com|webex\.com|whereby\.com|gotomeeting\.com|meet\.goto\.com|"
    r"bluejeans\.com|chime\.aws|meet\.jit\.si|join\.skype\.com|around\.co|"
    r"app\.livestorm\.co|ringcentral\.com)\b"
    r"|\b(microsoft teams meeting|teams meeting|zoom meeting|google meet|webex meeting)\b",
    re.IGNORECASE,
)
_CONFERENCE_PROPERTIES = (
    "CONFERENCE",  # RFC 7986
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
)
_TOO_OFTEN = {"SECONDLY", "MINUTELY"}


class CalendarError(ValueError):
    """The input is not a calendar at all."""


@dataclass(frozen=True)
class Meeting:
    key: str  # "ics:" + UID + "/" + start in UTC ISO: one occurrence, stable across reads
    start: datetime  # aware, UTC
    end: datetime | None  # aware, UTC
    organizer: Address  # Address("", "") when the event names none (the owner's own event)
    attendees: tuple[Address, ...]  # as listed (the organizer too, if so); no rooms, no decliners
    summary: str
    location: str
    conference: bool  # a conference link or a conference tool's property

    def channel(self) -> str:
        """The interaction channel: on a screen when there is a conference link, in person at
        a place, and on a screen when the invitation says neither (most meetings today)."""
        if self.conference:
            return "video"
        return "in_person" if self.location else "video"


class CalendarReading:
    """The meetings of one calendar in the order they start, read when first iterated;
    `unreadable` then counts the series skipped because they are broken."""

    def __init__(self, calendars: list, since: datetime, until: datetime):
        self._calendars = calendars
        self._since = since
        self._until = until
        self._meetings: list[Meeting] | None = None
        self.unreadable = 0

    def __iter__(self) -> Iterator["Meeting"]:
        if self._meetings is None:
            self._meetings = sorted(self._read(), key=lambda meeting: (meeting.start, meeting.key))
        return iter(self._meetings)

    def _read(self) -> Iterator["Meeting"]:
        seen: set[str] = set()
        for calendar in self._calendars:
            try:
                default_zone = _default_zone(calendar)
                timezones = [part for part in calendar.subcomponents if part.name == "VTIMEZONE"]
                groups = _series(calendar)
            except Exception:  # noqa: BLE001 - a calendar too broken to walk
                self.unreadable += 1
                continue
            for events in groups:
                try:
                    # The whole series or nothing: a rule that breaks half way skips it.
                    found = list(self._series_meetings(events, timezones, default_zone))
                except Exception:  # noqa: BLE001 - a broken series of any kind is skipped
                    self.unreadable += 1
                    continue
                for meeting in found:  # the same meeting twice (two copies in one file): once
                    if meeting.key not in seen:
                        seen.add(meeting.key)
                        yield meeting

    def _series_meetings(self, events, timezones, default_zone) -> Iterator["Meeting"]:
        if any(_unreadable(event) for event in events):
            raise ValueError("a broken event")
        if any(_too_often(event) for event in events):
            return
        single = icalendar.Calendar()
        for part in (*timezones, *events):
            single.add_component(part)
        query = recurring_ical_events.of(single)
        # A day's margin each side: times without a zone are placed only in _meeting.
        margin = timedelta(days=1)
        for series in query.series:
            occurrences = series.between(self._since - margin, self._until + margin)
            for occurrence in itertools.islice(occurrences, MAX_OCCURRENCES):
                event = occurrence.as_component(False)
                meeting = _meeting(event, default_zone)
                if meeting is not None and self._since <= meeting.start < self._until:
                    yield meeting


def read_calendar(data: bytes, *, since: datetime, until: datetime) -> CalendarReading:
    """The meetings in an iCalendar file that start from `since` (inclusive) to `until`
    (exclusive), both aware. Raises `CalendarError` only when the input is not a calendar."""
    if since.tzinfo is None or until.tzinfo is None:
        raise TypeError("since and until must be aware datetimes")
    if not data or not bytes(data).strip():
        raise CalendarError("The file is empty, so it is not a calendar.")
    text = bytes(data).decode("utf-8", "replace").lstrip("\ufeff")
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise CalendarError("The file is not a calendar: an iCalendar file starts BEGIN:VCALENDAR.")
    try:
        found = _parsed(text)
    except Exception as error:  # noqa: BLE001 - icalendar raises more than ValueError
        raise CalendarError(f"The calendar cannot be read: {_words(error)}") from None
    calendars = [part for part in found if getattr(part, "name", "") == "VCALENDAR"]
    if not calendars:
        raise CalendarError("The file holds no whole calendar (BEGIN:VCALENDAR ... END:VCALENDAR).")
    return CalendarReading(calendars, since.astimezone(UTC), until.astimezone(UTC))


def _parsed(text: str) -> list:
    """The components icalendar reads from the text. icalendar keeps what it cannot read inside
    an event as that event's errors, but refuses the whole file for a line outside the events it
    cannot read or a time zone it cannot: then the file is read again without such lines, and
    then without its time zones (times then name their zones, which are looked up by name)."""
    try:
        return icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # noqa: BLE001
        first = error
    lines = [line for line in _unfolded(text) if _content_line(line)]
    try:
        return icalendar.Calendar.from_ical("\r\n".join(lines), multiple=True)
    except Exception:  # noqa: BLE001
        pass
    try:
        return icalendar.Calendar.from_ical("\r\n".join(_without_timezones(lines)), multiple=True)
    except Exception:  # noqa: BLE001
        raise first from None


def _unfolded(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


def _content_line(line: str) -> bool:
    try:
        Contentline(line).parts()
    except Exception:  # noqa: BLE001
        return False
    return True


def _without_timezones(lines: list[str]) -> list[str]:
    kept, depth = [], 0
    for line in lines:
        upper = line.upper()
        if upper.startswith("BEGIN:VTIMEZONE"):
            depth += 1
        elif depth and upper.startswith("END:VTIMEZONE"):
            depth -= 1
            continue
        if not depth:
            kept.append(line)
    return kept


def _words(error: Exception) -> str:
    said = " ".join(str(error).split())[:200]
    return said or type(error).__name__


# Series ------------------------------------------------------------------------------------


def _series(calendar) -> list[list]:
    """The calendar's events grouped by UID (a series and its moved or cancelled instances), in
    the order they first appear; an event without a UID is a series of its own. Two events with
    one UID, neither an instance of the other, are two meetings when they are the same version
    (programs that export a meeting per day under one UID); of different versions (SEQUENCE),
    the later one is the meeting."""
    groups: dict[str, list] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        uid = _text(event.get("UID")) or f"#{index}"
        group = groups.setdefault(uid, [])
        if "RECURRENCE-ID" not in event and any(
            "RECURRENCE-ID" not in other
            and _text(other.get("SEQUENCE")) == _text(event.get("SEQUENCE"))
            for other in group
        ):
            groups[f"{uid}#{index}"] = [event]
        else:
            group.append(event)
    return list(groups.values())


def _unreadable(event) -> bool:
    """An event without a start, or with a start, end or rule icalendar could not read."""
    if "DTSTART" not in event:
        return True
    broken = {name.upper() for name, _ in getattr(event, "errors", ())}
    return bool(broken & {"DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID"})


def _too_often(event) -> bool:
    """A series repeating more often than hourly is not a meeting (and would be millions of
    occurrences)."""
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        freq = [str(value).upper() for value in rule.get("FREQ", [])]
        if set(freq) & _TOO_OFTEN:
            return True
        if len(rule.get("BYSECOND", [])) > 1 or len(rule.get("BYMINUTE", [])) > 1:
            return True
    return False


def _default_zone(calendar) -> tzinfo:
    """Where times without a zone ("floating") are: the calendar's X-WR-TIMEZONE, else UTC."""
    name = _text(calendar.get("X-WR-TIMEZONE"))
    if name:
        try:
            return ZoneInfo(name)
        except Exception:  # noqa: BLE001 - not a zone name (ValueError, KeyError, OSError ...)
            pass
    return UTC


# One occurrence ----------------------------------------------------------------------------


def _meeting(event, default_zone: tzinfo) -> Meeting | None:
    """The occurrence as a Meeting; None when it is not one (cancelled, all-day)."""
    if _text(event.get("STATUS")).upper() == "CANCELLED":
        return None
    start = _when(event.get("DTSTART"), default_zone)
    if start is None:
        return None
    end = _when(event.get("DTEND"), default_zone)
    if end is not None and end < start:
        end = None
    uid = _text(event.get("UID")) or _made_up_uid(event, start)
    if len(uid) > UID_LENGTH:
        uid = "sha256:" + hashlib.sha256(uid.encode("utf-8", "replace")).hexdigest()
    location = " ".join(_text(event.get("LOCATION")).split())
    return Meeting(
        key=f"ics:{uid}/{start.isoformat()}",
        start=start,
        end=end,
        organizer=_address(event.get("ORGANIZER")) or Address("", ""),
        attendees=_attendees(event.get("ATTENDEE")),
        summary=" ".join(_text(event.get("SUMMARY")).split()),
        location=location,
        conference=_conference(event, location),
    )


def _when(value, default_zone: tzinfo) -> datetime | None:
    """A DTSTART or DTEND as an aware UTC datetime; None for a date (all day) or nothing."""
    when = getattr(value, "dt", value)
    if not isinstance(when, datetime):
        return None  # a date, a duration or a broken value
    if when.tzinfo is None:
        when = when.replace(tzinfo=default_zone)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _made_up_uid(event, start: datetime) -> str:
    """A stable stand-in for a missing UID: a hash of what identifies the event."""
    seen = "\n".join(
        (start.isoformat(), _text(event.get("SUMMARY")), _text(event.get("ORGANIZER")).lower())
    )
    return "sha256:" + hashlib.sha256(seen.encode("utf-8", "replace")).hexdigest()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    try:
        return str(value).strip()
    except Exception:  # noqa: BLE001 - a value odd enough not to print
        return ""


def _param(value, name: str) -> str:
    params = getattr(value, "params", None) or {}
    try:
        found = params.get(name, "")
    except Exception:  # noqa: BLE001
        return ""
    return _text(found)


def _address(value) -> Address | None:
    """A calendar user ("mailto:jane@acme.example" with CN=Jane Doe) as an Address; None when
    it has no email address."""
    if value is None:
        return None
    written = _text(value)
    address = re.sub(r"^mailto:", "", written, flags=re.IGNORECASE).strip().strip("<>")
    address = "".join(address.split()).lower()
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        email = _param(value, "EMAIL")
        if "@" not in email:
            return None
        address = "".join(email.split()).lower()
    return Address(address, " ".join(_param(value, "CN").strip('"').split()))


def _attendees(values) -> tuple[Address, ...]:
    """Who was invited, each once: not rooms and resources, not who declined."""
    if values is None:
        return ()
    found: list[Address] = []
    for value in values if isinstance(values, list) else [values]:
        if _param(value, "CUTYPE").upper() in ("ROOM", "RESOURCE"):
            continue
        if _param(value, "PARTSTAT").upper() == "DECLINED":
            continue
        entry = _address(value)
        if entry is not None and entry.address not in (known.address for known in found):
            found.append(entry)
    return tuple(found)


def _conference(event, location: str) -> bool:
    """Whether the meeting is on a screen: a conference property, a link to a conference tool
    in the location, description or URL, or a location that is only a link."""
    if any(name in event for name in _CONFERENCE_PROPERTIES):
        return True
    if re.match(r"^https?://\S+$", location, re.IGNORECASE):
        return True
    said = " ".join(
        _text(event.get(name))[:20_000] for name in ("LOCATION", "DESCRIPTION", "URL", "X-ALT-DESC")
    )
    return bool(_CONFERENCE.search(said))
