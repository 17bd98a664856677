"""The data of some accounts written as the import files, so that importing them again changes
nothing, and importing them into another Rapport makes the same accounts.

Each file has exactly its import header (`file_specs()`) and each cell is written the way the
import reads it: dates as YYYY-MM-DD, times in UTC as YYYY-MM-DDTHH:MM:SSZ, numbers with a dot
and no thousands separator, people as their external ids separated by ";", catalog rows by
slug, users by email, an unknown value as an empty cell.

What the import files cannot hold is left out, so that a re-import never duplicates or loses
data: accounts and stakeholders without an external id (nor anything of such an account), and
activity rows the import cannot find again by their import key (rows without one, and imported
rows whose identity was edited in Rapport since). A stakeholder's first owner is its
owner_email, the others its other_owner_emails.

One query per file (each streamed with `.iterator()`), and a few for the lookups they share
(the ids of the accounts and stakeholders, users' emails, catalog slugs, competitor names).

Each app writes the rows of its own files: a function registered with `@exported(file name)`
in its `exports` module (accounts/exports.py, relationships/exports.py).
"""

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO

from django.db.models import QuerySet

from dataio.formulas import quote_formula
from dataio.hooks import Parts
from dataio.importing import FileSpec, file_specs

CHUNK = 2000  # rows fetched at a time


def cell(value) -> str:
    """A value as the import reads it; None (unknown) as an empty cell, a text that looks like
    a formula behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return quote_formula(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass
class FileExport:
    file: str
    rows: int = 0
    left_out: int = 0  # rows of the exported accounts the import file cannot hold

    def __str__(self) -> str:
        left_out = f", {self.left_out:,} left out" if self.left_out else ""
        return f"{self.file}: {self.rows:,} rows{left_out}"


RowsOf = Callable[["Snapshot", FileSpec, FileExport], Iterator[list[str]]]
_rows_of: dict[str, RowsOf] = {}


def exported(*names: str) -> Callable[[RowsOf], RowsOf]:
    """Register the decorated function as the writer of the rows of these import files."""

    def register(rows_of: RowsOf) -> RowsOf:
        _rows_of.update(dict.fromkeys(names, rows_of))
        return rows_of

    return register


class Snapshot(Parts):
    """The import files of `accounts` (a queryset: pass the `visible_accounts` hook's accounts
    of a user to export what they may see). An app's own lookups live in its `part`."""

    def __init__(self, accounts: QuerySet):
        self.accounts = accounts.exclude(external_id="")
        self._slugs: dict = {}

    @cached_property
    def account_ids(self) -> dict[int, str]:
        return dict(self.accounts.values_list("pk", "external_id"))

    def slugs(self, model) -> dict[int, str]:
        if model not in self._slugs:
            self._slugs[model] = dict(model._default_manager.values_list("pk", "slug"))
        return self._slugs[model]

    def write(self, open_file: Callable[[str], IO[str]]) -> list[FileExport]:
        """Write every import file an app exports, each to `open_file(name)` (a text file opened
        with newline=""), header first; returns what each file holds."""
        results = []
        for spec in file_specs():
            if spec.name not in _rows_of:
                continue
            result = FileExport(spec.name)
            with open_file(spec.name) as file:
                writer = csv.writer(file, lineterminator="\n")
                writer.writerow([column.name for column in spec.columns])
                writer.writerows(_rows_of[spec.name](self, spec, result))
            results.append(result)
        return results


def counted(rows: Iterator[list[str]], result: FileExport) -> Iterator[list[str]]:
    for row in rows:
        result.rows += 1
        yield row


def export_files(accounts: QuerySet) -> tuple[dict[str, bytes], list[FileExport]]:
    """The import files of `accounts` in memory, by name, and what each holds."""
    texts: dict[str, io.StringIO] = {}

    @contextmanager
    def open_file(name: str):
        texts[name] = io.StringIO(newline="")
        yield texts[name]

    results = Snapshot(accounts).write(open_file)
    return {name: text.getvalue().encode() for name, text in texts.items()}, results


def export_to_folder(accounts: QuerySet, folder: Path) -> list[FileExport]:
    """Write the import files of `accounts` into `folder` (made if missing), streaming."""
    folder.mkdir(parents=True, exist_ok=True)
    return Snapshot(accounts).write(
        lambda name: (folder / name).open("w", encoding="utf-8", newline="")
    )
