"""python manage.py capture_mailbox PATH --user EMAIL: capture an exported mailbox (an mbox file
or a Maildir folder, told apart by themselves) as the mail of the Rapport user EMAIL, through the
same pipeline as the IMAP sync. Running it again changes nothing; it is also how a team backfills
years of mail."""

import os

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from capture.mailboxes import read_mailbox
from capture.models import CapturedMessage
from capture.pipeline import Origin, capture_mail


class Command(BaseCommand):
    help = "Capture an mbox file or a Maildir folder as the mail of a Rapport user."

    def add_arguments(self, parser):
        parser.add_argument("path", help="An mbox file or a Maildir folder.")
        parser.add_argument("--user", required=True, help="The Rapport user whose mail it is.")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes reading messages while one writes (default: one per core).",
        )

    def handle(self, *args, path, user, workers, **options):
        owner = User.objects.filter(email__iexact=user.strip()).first()
        if owner is None:
            raise CommandError(f"There is no Rapport user with the email {user!r}.")
        try:
            raws = read_mailbox(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        origin = Origin(CapturedMessage.Origin.FILE, owner)
        try:
            result = capture_mail(
                raws, origin=origin, progress=self.progress, workers=max(1, workers)
            )
        except (LookupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{path}: {result}."))

    def progress(self, read: int) -> None:
        self.stderr.write(f"{read} messages read", ending="\r")
