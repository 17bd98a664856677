"""Import and export operations: what the management commands and the /data/ pages call."""

import csv
import gc
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from dataio.exporting import report_rows
from dataio.hooks import hook
from dataio.importing import (
    FileResult,
    FileSpec,
    ImportContext,
    ImportRejected,
    RowError,
    Table,
    file_specs,
    read_table,
)

logger = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    files: list[FileResult]
    ignored: list[str] = field(default_factory=list)

    @property
    def touched_accounts(self) -> set[int]:
        """Ids of the accounts whose data the import created or changed, over all its files."""
        return set().union(*(result.accounts for result in self.files))


class _NoProgress:
    """Stands in for a tqdm bar when nobody watches."""

    def __init__(self, **options):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def set_description_str(self, description: str) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def gc_paused():
    """Pause Python's cycle collector while importing. An import makes millions of small tuples,
    lists and dicts that live until it ends, and every full collection walks all of them: about
    a tenth of a large import's time, for cycles there are none of. Reference counting frees
    everything as usual; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def step(bar, description: str):
    """Show what the import does now on the progress bar; count it done afterwards."""
    bar.set_description_str(description)
    yield
    bar.update()


def csv_import(
    *,
    files: Mapping[str, bytes],
    user: AbstractBaseUser | None = None,
    progress: Callable[..., object] | None = None,
) -> ImportSummary:
    """Import CSV files by name (accounts.csv, ...) in one transaction, all or nothing.

    The import acts as `user`: the history records their name, and a user who does not see
    every account may only import into their own teams. Raises ImportRejected with every
    problem when any file has one; nothing is written then. `progress` is a tqdm-like
    factory; its bar counts the steps (reading, checking and writing each file).
    """
    specs = {spec.name: spec for spec in file_specs()}
    ignored = sorted(set(files) - set(specs))
    chosen = [spec() for name, spec in specs.items() if name in files]
    if not chosen:
        expected = ", ".join(specs)
        raise ImportRejected(
            [RowError("", None, None, f"no file to import: expected {expected}")], ignored
        )
    context = ImportContext(user=user)
    try:
        with (progress or _NoProgress)(total=3 * len(chosen), unit="step") as bar, gc_paused():
            results = import_tables(chosen, files, context, bar, ignored)
    except IntegrityError as error:
        # The database's words may name rows the user cannot see: they go to the log only.
        logger.warning(
            "CSV import by %s refused by the database: %s", user or "the command line", error
        )
        message = (
            "the database refused the data, so nothing was written; did the same data change"
            " during the import?"
        )
        raise ImportRejected([RowError("", None, None, message)], ignored) from error
    summary = ImportSummary(results, ignored)
    logger.info("CSV import by %s: %s", user or "the command line", "; ".join(map(str, results)))
    return summary


def import_tables(
    specs: list[FileSpec],
    files: Mapping[str, bytes],
    context: ImportContext,
    bar,
    ignored: list[str],
) -> list[FileResult]:
    """Read and check every file, then write them all, in one transaction."""
    with transaction.atomic():
        tables = []
        for spec in specs:
            with step(bar, f"Reading {spec.name}"):
                table = read_table(spec, files[spec.name], context)
            with step(bar, f"Checking {spec.name}"):
                if table.readable:
                    spec.check(table, context)
                else:
                    context.unreadable.add(spec.name)
            tables.append(table)
        if errors := [error for table in tables for error in sorted_errors(table)]:
            raise ImportRejected(errors, ignored)
        results = []
        for spec, table in zip(specs, tables, strict=True):
            with step(bar, f"Writing {spec.name}"):
                results.append(spec.write(table, context))
        # What the changed accounts need next (their recompute) is written with the import,
        # so it is never lost apart from it.
        hook("imported")(account_ids=set().union(*(result.accounts for result in results)))
        return results


def sorted_errors(table: Table) -> list[RowError]:
    """A file's errors by line, then in the order of its columns."""
    order = {column.name: position for position, column in enumerate(table.spec.columns)}
    return sorted(table.errors, key=lambda error: (error.line or 0, order.get(error.column, -1)))


class _Echo:
    def write(self, value: str) -> str:
        return value


def report_lines(*, accounts: QuerySet) -> Iterator[str]:
    """The account report as CSV text, line by line (for streaming); see exporting."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    for row in report_rows(accounts):
        yield writer.writerow(row)
