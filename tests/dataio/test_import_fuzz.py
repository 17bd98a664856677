"""Garbage in random cells of good files: a clean rejection or a good import, never a crash."""

import csv
import io

from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from dataio.importing import ImportRejected
from dataio.services import csv_import
from tests.dataio.files import ACTIVITY_FILES, HEADERS, all_good_files, csv_bytes, good_files
from tests.fuzz import FUZZ

TRICKY = [
    "",
    "0",
    "9",
    "-1",
    "1.005",
    "1e3",
    "NaN",
    "１２",
    "2025-02-30",
    "25/12/2025",
    "A-1",
    "A-2",
    "S-1",
    "S-3",
    "S-4",
    "high",
    "left",
    "csm@example.com",
    "Team B",
    "x" * 300,
    'quote"inside',
    "comma, inside",
    "line\nbreak",
    "\x00",
    # for the activity files
    "2999-01-01",
    "2025-03-04T10:30:00+01:00",
    "2025-03-04T25:00:00",
    "2025-03-04T10:30:00+14:59",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+01:00",
    "email",
    "qbr",
    "inbound",
    "+2",
    "-5000",
    "+0",
    "99999999999999",
    "created",
    "S-1;S-2",
    "S-5",
    ";;",
    "S-1;S-404",
    "teammate@example.com",
]
GARBAGE = st.one_of(st.sampled_from(TRICKY), st.text(max_size=20))


def good_rows(files: dict[str, bytes]) -> dict[str, list[list[str]]]:
    return {name: list(csv.reader(io.StringIO(data.decode())))[1:] for name, data in files.items()}


def physical_lines(data: bytes) -> int:
    return len(io.StringIO(data.decode("utf-8"), newline="").readlines())


def check_import(files: dict[str, bytes], database_state) -> None:
    """The import either succeeds (undone for the next example) or is cleanly rejected."""
    before = database_state()
    try:
        with transaction.atomic():
            csv_import(files=files)
            transaction.set_rollback(True)  # a good import: undo it for the next example
    except ImportRejected as rejected:
        errors = rejected.errors
    else:
        return
    assert errors
    assert database_state() == before
    for error in errors:
        assert error.file in files, error
        assert 1 <= error.line <= physical_lines(files[error.file]), error
        assert error.column is None or error.column in HEADERS[error.file], error
        assert error.message


def spoiled(data, files: dict[str, bytes], names: list[str]) -> dict[str, bytes]:
    """`files` with garbage in one to four random cells of the files `names`."""
    rows = good_rows(files)
    for _ in range(data.draw(st.integers(1, 4), label="cells")):
        name = data.draw(st.sampled_from(names), label="file")
        row = data.draw(st.sampled_from(rows[name]), label="row")
        row[data.draw(st.integers(0, len(row) - 1), label="column")] = data.draw(GARBAGE)
    return {name: csv_bytes(HEADERS[name], file_rows) for name, file_rows in rows.items()}


@FUZZ
@given(data=st.data())
def test_garbage_cells_are_rejected_cleanly_or_imported(org, database_state, data):
    files = good_files()
    check_import(spoiled(data, files, sorted(files)), database_state)


@FUZZ
@given(data=st.data())
def test_garbage_in_activity_files_is_rejected_cleanly_or_imported(org, database_state, data):
    check_import(spoiled(data, all_good_files(), ACTIVITY_FILES), database_state)
