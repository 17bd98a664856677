"""The account report: one CSV row per account, its columns in one ordered list.

The top app that adds columns provides them all (the `report_columns` hook; today
capture/exports.py, after relationships/exports.py's). Later releases append columns (a
column never changes its name or place). A column says how to read its value from an account
and, when it needs one, how to prepare the query (select_related, an annotation), so the whole
report stays a single query.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from django.db.models import QuerySet

from dataio.formulas import quote_formula
from dataio.hooks import hook


@dataclass(frozen=True)
class ReportColumn:
    name: str
    value: Callable[[object], object]
    prepare: Callable[[QuerySet], QuerySet] | None = None


def stored(name: str) -> ReportColumn:
    """A column holding a stored field of the account."""
    return ReportColumn(name, attrgetter(name))


def report_columns() -> list[ReportColumn]:
    """The report's columns, in order, as the app that owns the report lists them."""
    return hook("report_columns")()


def encode(value) -> str:
    """Booleans as true/false, unknown as an empty cell, dates as YYYY-MM-DD, a text that looks
    like a formula behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return quote_formula(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_rows(accounts: QuerySet) -> Iterator[list[str]]:
    """The header, then one row per account ordered by name; one query in all."""
    columns = report_columns()
    for column in columns:
        if column.prepare:
            accounts = column.prepare(accounts)
    yield [column.name for column in columns]
    for account in accounts.order_by("name", "pk").iterator(chunk_size=2000):
        yield [encode(column.value(account)) for column in columns]


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows (the header first) as UTF-8 CSV, written the way the report is."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()
