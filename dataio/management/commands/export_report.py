"""Write the account report CSV (one row per account) to a file or to stdout."""

from pathlib import Path

from django.core.management.base import BaseCommand

from dataio.hooks import hook
from dataio.services import report_lines


class Command(BaseCommand):
    help = "Write the account report as CSV, every account, to --output or stdout."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, metavar="FILE", help="default: stdout")

    def handle(self, *args, output: Path | str | None, **options):
        lines = report_lines(accounts=hook("visible_accounts")(None))
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        output = Path(output)  # call_command passes the value code gives it, a str or a Path
        with output.open("w", encoding="utf-8", newline="") as file:
            file.writelines(lines)
        self.stdout.write(f"Wrote {output}.")
