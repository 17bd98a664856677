"""The CSV import framework: file specs and their registry, reading a file, the error report.

Each import file is a `FileSpec` subclass registered with `@register` in its app's `imports`
module; the registry imports those modules on first use, so a later app adds a file by adding
a spec. Specs run in `order` (accounts before the files that refer to accounts). Reading checks
every cell of a file column by column; a spec's `check` adds the checks across rows, files and
the database; `write` runs only when no file has an error. A file may leave out the columns
that are not required: they read as empty cells, and the write keeps the values stored in them
(`FileSpec.kept_fields`).
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model
from django.utils import timezone

from core.db.bulk import record_history
from dataio.cells import Kind, cell_text, shown
from dataio.hooks import Parts, discover, hook


@dataclass(frozen=True)
class RowError:
    """One problem: a file-level one has no line, a row-level one no column."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.file:
            return self.message
        if not self.line and not self.column:  # about the whole file: "accounts.csv has ..."
            return f"{self.file} {self.message}"
        place = self.file + (f" line {self.line}" if self.line else "")
        place += f", column {self.column}" if self.column else ""
        return f"{place}: {self.message}"


class ImportRejected(Exception):
    """The import wrote nothing because of these errors."""

    def __init__(self, errors: list[RowError], ignored: list[str] = ()):
        super().__init__(f"{len(errors)} error{'s' if len(errors) != 1 else ''}")
        self.errors = errors
        self.ignored = list(ignored)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    field: str = ""  # the model field (attname) it is stored in, when not the column's name

    @property
    def stored_as(self) -> str:
        return self.field or self.name


@dataclass
class FileResult:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts: set[int] = field(default_factory=set, repr=False)  # ids whose data changed

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.created:,} created, {self.updated:,} updated,"
            f" {self.unchanged:,} unchanged"
        )


class Table:
    """One file's rows, held column by column; a bad cell's value is None."""

    def __init__(self, spec: "FileSpec"):
        self.spec = spec
        self.name = spec.name
        self.lines: list[int] = []  # the line each row starts on (the header is line 1)
        self.values: dict[str, list] = {}
        self.errors: list[RowError] = []
        self.readable = True
        self.absent: set[str] = set()  # the optional columns the file leaves out

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, column: str) -> list:
        return self.values[column]

    def rows(self, *columns: str) -> Iterator[tuple]:
        """The values of these columns (all, in file spec order, when none are named), by row."""
        names = columns or [column.name for column in self.spec.columns]
        return zip(*(self.values[name] for name in names), strict=True)

    def error(self, index: int, column: str | None, message: str) -> None:
        self.errors.append(RowError(self.name, self.lines[index], column, message))

    def unreadable(self, message: str, line: int | None = None) -> None:
        self.errors.append(RowError(self.name, line, None, message))
        self.readable = False
        self.lines, self.values = [], {}

    def reject_repeated_rows(self, *columns: str) -> None:
        """Rows equal to an earlier row in all these columns (empty cells included) are errors,
        reported on the first column; rows with a bad cell in them are left to that error."""
        keys = list(self.rows(*columns))
        if len(set(keys)) == len(keys):
            return
        first: dict = {}
        for index, key in enumerate(keys):
            if None in key:
                continue
            if key in first:
                message = f"repeats line {first[key]}: the same {listed(columns)}"
                self.error(index, columns[0], message)
            else:
                first[key] = self.lines[index]

    def reject_duplicates(self, *columns: str) -> None:
        """Rows that repeat the key of an earlier row are errors, reported on the first column."""
        keys = self.values[columns[0]] if len(columns) == 1 else list(self.rows(*columns))
        if len(set(keys)) == len(keys):
            return
        first: dict = {}
        for index, key in enumerate(self.rows(*columns)):
            if None in key or "" in key:
                continue
            if key in first:
                shown_key = " and ".join(shown(str(part)) for part in key)
                self.error(index, columns[0], f"{shown_key} is already on line {first[key]}")
            else:
                first[key] = self.lines[index]


class FileSpec:
    """One kind of import file: its name, columns, checks and writes."""

    name: ClassVar[str]
    order: ClassVar[int]
    columns: ClassVar[tuple[Column, ...]]
    paired: ClassVar[tuple[tuple[str, str], ...]] = ()  # columns a file has both or neither of

    def kept_fields(self, table: Table) -> set[str]:
        """The fields of the columns the file leaves out: a row keeps their stored values."""
        return {column.stored_as for column in self.columns if column.name in table.absent}

    def check(self, table: Table, context: "ImportContext") -> None:
        """Checks across rows, files and the database; report with `table.error`."""

    def write(self, table: Table, context: "ImportContext") -> FileResult:
        raise NotImplementedError

    def finish(
        self,
        model: type[Model],
        table: Table,
        created: list,
        changed: list,
        context,
        accounts: Iterable[int] = (),
    ) -> FileResult:
        """Keep the history of the rows this file created and changed; count what it did.

        `accounts`: the ids of the accounts whose data the file created or changed."""
        if hasattr(model, "history"):
            user_pk = context.user.pk if context.user else None
            for kind, pks in (("+", created), ("~", changed)):
                record_history(
                    model,
                    pks,
                    kind=kind,
                    user_pk=user_pk,
                    reason=f"CSV import ({self.name})",
                    when=context.started,
                )
        unchanged = len(table) - len(created) - len(changed)
        return FileResult(self.name, len(created), len(changed), unchanged, set(accounts))


_registry: dict[str, type[FileSpec]] = {}


def register(spec: type[FileSpec]) -> type[FileSpec]:
    _registry[spec.name] = spec
    return spec


def file_specs() -> list[type[FileSpec]]:
    """Every import file, in the order they are imported."""
    discover()
    return sorted(_registry.values(), key=lambda spec: spec.order)


@dataclass
class ImportContext(Parts):
    """What the files of one import share: who imports, when, the accounts they may refer to.
    An app's own lookups and the state its files pass on live in its `part` of the context."""

    user: AbstractBaseUser | None
    started: datetime = field(default_factory=timezone.now)
    # accounts.csv's external ids when it is part of the import (None: not part, or unreadable)
    accounts_in_file: set[str] | None = None
    unreadable: set[str] = field(default_factory=set)  # files too broken to check their rows
    account_pks: dict[str, int] = field(default_factory=dict)  # filled when accounts are written
    _slugs: dict = field(default_factory=dict, repr=False)

    def slugs(self, model: type[Model]) -> dict[str, int]:
        """Slug -> id of every row of a catalog (channels, touchpoints, ...), oldest first."""
        if model not in self._slugs:
            rows = model._default_manager.order_by("pk").values_list("slug", "pk")
            self._slugs[model] = dict(rows)
        return self._slugs[model]

    @cached_property
    def sees_everything(self) -> bool:
        """Whether the import may see and change every account (the command line, an admin);
        for others it sees only their teams, and rows naming anything else are refused as if
        it did not exist."""
        return hook("sees_everything")(self.user)

    def no(self, noun: str) -> str:
        """The start of a message that nothing such was found: "no user", or for an importer
        who sees only their teams, "no user of your teams"."""
        return f"no {noun}" if self.sees_everything else f"no {noun} of your teams"

    @cached_property
    def accounts(self) -> dict[str, int]:
        """External id -> pk of every account that has one."""
        every_account = hook("visible_accounts")(None)
        return dict(every_account.exclude(external_id="").values_list("external_id", "pk"))

    @cached_property
    def visible_account_pks(self) -> set[int] | None:
        """Accounts the importing user may change (None: all of them)."""
        if self.sees_everything:
            return None
        return set(hook("visible_accounts")(self.user).values_list("pk", flat=True))

    def may_change(self, account_pk: int) -> bool:
        return self.visible_account_pks is None or account_pk in self.visible_account_pks

    def account_problem(self, external_id: str) -> str | None:
        """Why a row may not refer to this account, or None when it may. An account the
        importing user may not change is one they do not know of."""
        if self.accounts_in_file is not None and external_id in self.accounts_in_file:
            return None
        pk = self.accounts.get(external_id)
        if pk is not None and self.may_change(pk):
            return None
        if "accounts.csv" in self.unreadable:
            return None  # accounts.csv could not be read; its own error says so
        return (
            f"{self.no('account')} has the external id {shown(external_id)}"
            " (in accounts.csv or Rapport)"
        )

    def check_accounts(self, table: Table, column: str) -> None:
        """Report the rows whose `column` names an account they may not refer to."""
        problems = {
            external_id: problem
            for external_id in set(table[column]) - {None, ""}
            if (problem := self.account_problem(external_id))
        }
        if problems:
            for index, external_id in enumerate(table[column]):
                if external_id in problems:
                    table.error(index, column, problems[external_id])

    def account_pk(self, external_id: str) -> int:
        return self.account_pks.get(external_id) or self.accounts[external_id]


def read_table(spec: FileSpec, data: bytes, context: ImportContext) -> Table:
    """Parse and check every cell of one file."""
    table = Table(spec)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        table.unreadable("is not UTF-8 text; save the file as CSV UTF-8", line=line)
        return table
    header, rows = read_rows(table, data)
    if header is None:
        return table
    # Column by column: each column's text is let go once its values are made.
    texts_by_name = dict(zip(header, zip(*rows, strict=True), strict=True)) if rows else {}
    del rows
    for column in spec.columns:
        if column.name in header:
            clean_column(table, column, texts_by_name.pop(column.name, ()), context)
        else:  # read as empty cells; the write keeps the stored values (FileSpec.kept_fields)
            table.absent.add(column.name)
            table.values[column.name] = [column.kind.empty] * len(table)
    return table


def csv_rows(data: bytes):
    """A CSV reader of the file, decoding as it reads (a big file is not held twice)."""
    return csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))


def read_rows(table: Table, data: bytes) -> tuple[list[str] | None, list[list[str]]]:
    """The header and the rows of a file, with the line each row starts on in `table.lines`.
    A row with the wrong number of cells is an error, a blank line is skipped; a bad header or
    broken CSV makes the file unreadable (header None)."""
    spec = table.spec
    reader = csv_rows(data)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if problems := header_problems(header, spec):
            for problem in problems:
                table.unreadable(problem)
            return None, []
        rows = list(reader)
    except csv.Error as error:
        table.unreadable(f"cannot be read as CSV: {error}", line=reader.line_num)
        return None, []
    if reader.line_num == len(rows) + 1 and set(map(len, rows)) <= {len(header)}:
        table.lines = list(range(2, len(rows) + 2))  # one line a row, as files mostly are
        return header, rows
    del rows  # cells spanning lines, blank lines or short rows: read again, line by line
    reader = csv_rows(data)
    next(reader)
    rows = []
    previous = reader.line_num
    for record in reader:
        line, previous = previous + 1, reader.line_num
        if len(record) == len(header):
            rows.append(record)
            table.lines.append(line)
        elif any(cell.strip() for cell in record):
            message = f"has {len(record)} cells, the header has {len(header)}"
            table.errors.append(RowError(spec.name, line, None, message))
    return header, rows


def clean_column(table: Table, column: Column, raw: tuple[str, ...], context) -> None:
    kind = column.kind
    if type(kind).clean is Kind.clean:  # a kind that converts each distinct text
        values, errors = kind.clean_cells(raw, context, required=column.required)
    else:
        texts = list(map(cell_text, raw))
        values, errors = kind.clean(texts, context)
        if column.required and "" in texts:
            errors += [(i, "is required") for i, text in enumerate(texts) if not text]
    for index, message in errors:
        table.error(index, column.name, message)
        values[index] = None
    table.values[column.name] = values


def header_problems(header: list[str], spec: FileSpec) -> list[str]:
    """What makes a header unusable: no header, a required column missing, a column unknown or
    repeated, one column of a pair without the other."""
    names = [column.name for column in spec.columns]
    if not any(header):
        return [f"has no header row; the first line must name the columns: {', '.join(names)}"]
    problems = []
    required = [column.name for column in spec.columns if column.required]
    if missing := [name for name in required if name not in header]:
        many = len(missing) > 1
        problems.append(
            f"has no column{'s' if many else ''} {listed(missing)},"
            f" which {'are' if many else 'is'} required"
        )
    if unknown := [name for name in header if name not in names]:
        problems.append(
            f"has {'unknown columns' if len(unknown) > 1 else 'an unknown column'}"
            f" {', '.join(map(shown, unknown))}; its columns are {', '.join(names)}"
        )
    if repeated := sorted({name for name in header if header.count(name) > 1}):
        many = len(repeated) > 1
        problems.append(f"has column{'s' if many else ''} {listed(repeated)} more than once")
    for pair in spec.paired:
        if (pair[0] in header) != (pair[1] in header):
            given, absent = pair if pair[0] in header else reversed(pair)
            problems.append(f"has column {given} without {absent}; give both or neither")
    return problems


def listed(names) -> str:
    """Names as in a sentence: "a", "a and b", "a, b and c"."""
    *first, last = names
    return f"{', '.join(first)} and {last}" if first else last
