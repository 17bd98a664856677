"""Import accounts.csv, stakeholders.csv and usage.csv from a folder, all or nothing."""

import sys
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dataio.importing import ImportRejected, file_specs
from dataio.services import csv_import

LONG_IMPORT = 1_000_000  # bytes: from about 8,000 stakeholders on, show a progress bar
BAR = "{desc}: {percentage:3.0f}%|{bar}| step {n} of {total} [{elapsed}]"


class Command(BaseCommand):
    help = (
        "Import the CSV files in DIR (accounts.csv, stakeholders.csv, usage.csv, ...) in one"
        " transaction: when any row is bad nothing is written and every bad row is listed."
        " See docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="folder holding the CSV files")
        parser.add_argument(
            "--user", metavar="EMAIL", help="import as this user (recorded in the history)"
        )

    def handle(self, *args, dir: Path, user: str | None, **options):
        if not dir.is_dir():
            raise CommandError(f"{dir} is not a folder.")
        importer = None
        if user and not (importer := get_user_model().objects.filter(email__iexact=user).first()):
            raise CommandError(f"No user has the email {user}.")
        files = {path.name: path.read_bytes() for path in sorted(dir.iterdir()) if path.is_file()}
        long = sum(map(len, files.values())) >= LONG_IMPORT
        bar = partial(
            tqdm, file=sys.stderr, leave=False, disable=None if long else True, bar_format=BAR
        )
        try:
            summary = csv_import(files=files, user=importer, progress=bar)
        except ImportRejected as rejected:
            self.report_ignored(rejected.ignored)
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Import rejected ({rejected}); nothing was written. Fix the rows and run it again."
            ) from None
        self.report_ignored(summary.ignored)
        for result in summary.files:
            self.stdout.write(str(result))
        self.stdout.write(self.style.SUCCESS("Import done."))

    def report_ignored(self, names: list[str]) -> None:
        expected = ", ".join(spec.name for spec in file_specs())
        for name in names:
            self.stderr.write(f"Ignored {name}: not a file Rapport imports ({expected}).")
