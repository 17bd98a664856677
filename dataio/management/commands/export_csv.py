"""Write the accounts' data as the import files (accounts.csv, stakeholders.csv, ...) into a
folder: the mirror of import_csv."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account, User
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
        accounts = Account.objects.all()
        if user:
            exporter = User.objects.filter(email__iexact=user).first()
            if exporter is None:
                raise CommandError(f"No user has the email {user}.")
            accounts = Account.objects.visible_to(exporter)
        for result in export_to_folder(accounts, output):
            self.stdout.write(str(result))
        self.stdout.write(self.style.SUCCESS(f"Wrote the import files to {output}."))
