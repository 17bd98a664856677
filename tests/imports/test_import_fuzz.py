"""Garbage in random cells of good files: a clean rejection or a good import, never a crash."""

import csv
import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.dataio.importing import ImportRejected
from accounts.dataio.services import csv_import
from tests.imports.files import HEADERS, csv_bytes, good_files

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
]
GARBAGE = st.one_of(st.sampled_from(TRICKY), st.text(max_size=20))


def good_rows() -> dict[str, list[list[str]]]:
    return {
        name: list(csv.reader(io.StringIO(data.decode())))[1:]
        for name, data in good_files().items()
    }


def physical_lines(data: bytes) -> int:
    return len(io.StringIO(data.decode("utf-8"), newline="").readlines())


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_garbage_cells_are_rejected_cleanly_or_imported(org, database_state, data):
    rows = good_rows()
    for _ in range(data.draw(st.integers(1, 4), label="cells")):
        name = data.draw(st.sampled_from(sorted(rows)), label="file")
        row = data.draw(st.sampled_from(rows[name]), label="row")
        row[data.draw(st.integers(0, len(row) - 1), label="column")] = data.draw(GARBAGE)
    files = {name: csv_bytes(HEADERS[name], file_rows) for name, file_rows in rows.items()}
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
