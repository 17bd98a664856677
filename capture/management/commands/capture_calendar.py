"""Capture the meetings of an exported calendar (an .ics file) for one user."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from capture.calendars import CalendarError
from capture.feeds import calendar_capture
from capture.models import CapturedMessage
from capture.pipeline import Origin


class Command(BaseCommand):
    help = (
        "Capture the meetings in an iCalendar file (.ics) as the calendar of --user: meetings"
        " with people at a customer from CAPTURE_BACKFILL_DAYS ago until now become"
        " interactions; running it again stores nothing twice. See docs/capture.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE.ics", help="the calendar file")
        parser.add_argument("--user", metavar="EMAIL", required=True, help="whose calendar it is")

    def handle(self, *args, file: Path | str, user: str, **options):
        file = Path(file)  # call_command passes the value code gives it, a str or a Path
        owner = get_user_model().objects.filter(email__iexact=user).first()
        if owner is None:
            raise CommandError(f"No user has the email {user}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror or error}.") from None
        origin = Origin(kind=CapturedMessage.Origin.CALENDAR, owner=owner)
        try:
            result = calendar_capture(data, owner=owner, origin=origin)
        except CalendarError as error:
            raise CommandError(f"{file}: {error}") from None
        except LookupError as error:  # the pipeline's missing channel or touchpoint, in words
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{file}: {result}."))
