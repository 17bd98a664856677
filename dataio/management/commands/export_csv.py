"""Write the accounts' data as the import files (accounts.csv, stakeholders.csv, ...) into a
folder: the mirror of import_csv."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dataio.hooks import hook
from dataio.snapshot import export_to_folder


class Command(BaseCommand):
    help = (
        "Write the data of every account (or of the accounts --user sees) as the CSV files"
        " import_csv reads, into --output DIR; importing them again changes nothing."
        " See docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, metavar="DIR", required=True, help="folder to write the files to"
        )
        parser.add_argument("--user", metavar="EMAIL", help="only the accounts this user sees")

    def handle(self, *args, output: Path | str, user: str | None, **options):
        output = Path(output)  # call_command passes the value code gives it, a str or a Path
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} is not a folder.")
        exporter = None
        if user and not (exporter := get_user_model().objects.filter(email__iexact=user).first()):
            raise CommandError(f"No user has the email {user}.")
        for result in export_to_folder(hook("visible_accounts")(exporter), output):
            self.stdout.write(str(result))
        self.stdout.write(self.style.SUCCESS(f"Wrote the import files to {output}."))
