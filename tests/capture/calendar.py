"""Calendars for the capture tests, written as a calendar program writes them: `ics(event(...),
...)` gives the bytes of an iCalendar file with CRLF line ends."""

BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE"""


def event(
    uid: str = "meeting-1",
    start: str = "DTSTART:20261102T100000Z",
    *lines: str,
    end: str | None = "DTEND:20261102T103000Z",
    summary: str = "Weekly sync",
    organizer: str | None = "ORGANIZER;CN=Sam Lee:mailto:sam@rapport.example",
    attendees: tuple[str, ...] = ("ATTENDEE;CN=Jane Doe:mailto:jane@acme.example",),
) -> str:
    """One VEVENT; `lines` are added as they are (RRULE, EXDATE, LOCATION, STATUS ...)."""
    parts = ["BEGIN:VEVENT", f"UID:{uid}" if uid else "", start, end or "", f"SUMMARY:{summary}"]
    parts += [organizer or "", *attendees, *lines, "END:VEVENT"]
    return "\n".join(part for part in parts if part)


def ics(*events: str, header: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rapport tests//EN", header, BERLIN]
    text = "\n".join(line for line in [*lines, *events, "END:VCALENDAR"] if line)
    return (text + "\n").replace("\n", "\r\n").encode()
