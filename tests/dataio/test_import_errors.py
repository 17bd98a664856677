"""Bad files change nothing, and the report names every bad row by line and column."""

import pytest

from dataio.importing import ImportRejected
from dataio.services import csv_import
from tests.dataio.files import HEADERS, account, as_csv, csv_bytes, good_files, stakeholder, usage


def rejected_errors(files, user=None) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files, user=user)
    return [str(error) for error in rejected.value.errors]


def with_rows(name: str, rows: list[dict]) -> dict[str, bytes]:
    """The good files, with `name` replaced by these rows."""
    return {**good_files(), name: as_csv(name, rows)}


PEOPLE = [stakeholder(f"S-{n}") for n in range(1, 7)]

BAD_ROWS = {
    "unknown role code": (
        "stakeholders.csv",
        [stakeholder("S-1"), stakeholder("S-2", role="ceo")],
        "stakeholders.csv line 3, column role: must be one of decision_maker, economic_buyer,"
        ' executive_sponsor, champion, user, influencer, blocker, got "ceo"',
    ),
    "strength 9": (
        "stakeholders.csv",
        [*PEOPLE[:5], stakeholder("S-6", strength="9")],
        'stakeholders.csv line 7, column strength: must be a whole number from 1 to 5, got "9"',
    ),
    "trust not high or low": (
        "stakeholders.csv",
        [stakeholder("S-1", trust="medium")],
        'stakeholders.csv line 2, column trust: must be one of high, low or empty, got "medium"',
    ),
    "unknown owner email": (
        "accounts.csv",
        [account("A-1", owner_email="nobody@example.com"), account("A-2")],
        'accounts.csv line 2, column owner_email: no user has the email "nobody@example.com"',
    ),
    "unknown stakeholder owner": (
        "stakeholders.csv",
        [stakeholder("S-1", owner_email="ghost@example.com")],
        'stakeholders.csv line 2, column owner_email: no user has the email "ghost@example.com"',
    ),
    "unknown team": (
        "accounts.csv",
        [account("A-1"), account("A-2", team="Team Z")],
        'accounts.csv line 3, column team: no team is named "Team Z"',
    ),
    "unknown leading competitor": (
        "accounts.csv",
        [account("A-1"), account("A-2", leading_competitor="Rivalry Inc.")],
        'accounts.csv line 3, column leading_competitor: no competitor is named "Rivalry Inc."',
    ),
    "reports_to in another account": (
        "stakeholders.csv",
        [stakeholder("S-1"), stakeholder("S-5", "A-2", reports_to_external_id="S-1")],
        'stakeholders.csv line 3, column reports_to_external_id: "S-1" is a stakeholder of'
        " another account",
    ),
    "reports_to nobody": (
        "stakeholders.csv",
        [stakeholder("S-1", reports_to_external_id="S-404")],
        "stakeholders.csv line 2, column reports_to_external_id: no stakeholder has the external"
        ' id "S-404" (in stakeholders.csv or Rapport)',
    ),
    "duplicate account external id": (
        "accounts.csv",
        [account("A-1"), account("A-2"), account("A-1")],
        'accounts.csv line 4, column external_id: "A-1" is already on line 2',
    ),
    "duplicate stakeholder external id": (
        "stakeholders.csv",
        [stakeholder("S-1"), stakeholder("S-1", "A-2")],
        'stakeholders.csv line 3, column external_id: "S-1" is already on line 2',
    ),
    "impossible date": (
        "accounts.csv",
        [account("A-1", customer_since="2021-02-30"), account("A-2")],
        "accounts.csv line 2, column customer_since: must be a date as YYYY-MM-DD, got"
        ' "2021-02-30"',
    ),
    "date in another format": (
        "stakeholders.csv",
        [stakeholder("S-1", relationship_since="03/01/2021")],
        "stakeholders.csv line 2, column relationship_since: must be a date as YYYY-MM-DD, got"
        ' "03/01/2021"',
    ),
    "share_of_wallet 150": (
        "accounts.csv",
        [account("A-1", share_of_wallet="150"), account("A-2")],
        "accounts.csv line 2, column share_of_wallet: must be a number from 0 to 100 with at"
        ' most 2 decimals, got "150"',
    ),
    "negative seats": (
        "accounts.csv",
        [account("A-1", seats_purchased="-3"), account("A-2")],
        "accounts.csv line 2, column seats_purchased: must be a whole number of 0 or more,"
        ' got "-3"',
    ),
    "arr with three decimals": (
        "accounts.csv",
        [account("A-1", arr="10.005"), account("A-2")],
        "accounts.csv line 2, column arr: must be a number of 0 or more with at most 2 decimals,"
        ' got "10.005"',
    ),
    "unknown account status": (
        "accounts.csv",
        [account("A-1", status="deleted"), account("A-2")],
        "accounts.csv line 2, column status: must be one of onboarding, active, at_risk,"
        ' churned, archived, got "deleted"',
    ),
    "missing required name": (
        "accounts.csv",
        [account("A-1", name=""), account("A-2")],
        "accounts.csv line 2, column name: is required",
    ),
    "name too long": (
        "stakeholders.csv",
        [stakeholder("S-1", name="x" * 201)],
        "stakeholders.csv line 2, column name: must be at most 200 characters, got 201",
    ),
    "bad email": (
        "stakeholders.csv",
        [stakeholder("S-1", email="eve at acme")],
        'stakeholders.csv line 2, column email: must be an email address, got "eve at acme"',
    ),
    "features_used > features_available": (
        "usage.csv",
        [usage("A-1", "2025-01-01", features_used="12", features_available="10")],
        "usage.csv line 2, column features_used: must not be more than features_available"
        " (10), got 12",
    ),
    "unknown account_external_id": (
        "usage.csv",
        [usage("A-404", "2025-01-01")],
        "usage.csv line 2, column account_external_id: no account has the external id"
        ' "A-404" (in accounts.csv or Rapport)',
    ),
    "two usage rows for one period": (
        "usage.csv",
        [usage("A-1", "2025-01-01"), usage("A-1", "2025-01-01", active_users="3")],
        'usage.csv line 3, column account_external_id: "A-1" and "2025-01-01" is already on line 2',
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_bad_row_is_reported_and_nothing_is_written(org, database_state, case):
    name, rows, expected = BAD_ROWS[case]
    before = database_state()

    errors = rejected_errors(with_rows(name, rows))

    assert errors == [expected]
    assert database_state() == before


def test_reporting_cycle_is_reported_on_each_row_in_it(org, database_state):
    before = database_state()
    rows = [
        stakeholder("S-1", reports_to_external_id="S-3"),
        stakeholder("S-2", reports_to_external_id="S-1"),
        stakeholder("S-3", reports_to_external_id="S-2"),
        stakeholder("S-4", reports_to_external_id="S-4"),
        stakeholder("S-5", reports_to_external_id="S-1"),  # under the loop, not in it
    ]

    errors = rejected_errors(with_rows("stakeholders.csv", rows))

    column = "column reports_to_external_id: makes a reporting cycle"
    assert errors == [
        f"stakeholders.csv line 2, {column}: S-1 → S-3 → S-2 → S-1",
        f"stakeholders.csv line 3, {column}: S-2 → S-1 → S-3 → S-2",
        f"stakeholders.csv line 4, {column}: S-3 → S-2 → S-1 → S-3",
        f"stakeholders.csv line 5, {column}: S-4 → S-4",
    ]
    assert database_state() == before


def test_cycle_through_stored_stakeholders_is_found(org):
    csv_import(files=good_files())  # S-2 reports to S-1
    files = {
        "stakeholders.csv": as_csv(
            "stakeholders.csv", [stakeholder("S-1", reports_to_external_id="S-2")]
        )
    }

    assert rejected_errors(files) == [
        "stakeholders.csv line 2, column reports_to_external_id: makes a reporting cycle:"
        " S-1 → S-2 → S-1"
    ]


def test_every_bad_row_of_every_file_is_listed_in_order(org, database_state):
    before = database_state()
    files = {
        "accounts.csv": as_csv(
            "accounts.csv", [account("A-1", arr="lots", status="gone"), account("A-2", team="")]
        ),
        "stakeholders.csv": as_csv(
            "stakeholders.csv", [stakeholder("S-1", strength="0"), stakeholder("S-2", "A-3")]
        ),
    }

    errors = rejected_errors(files)

    assert [error.split(":")[0] for error in errors] == [
        "accounts.csv line 2, column arr",
        "accounts.csv line 2, column status",
        "accounts.csv line 3, column team",
        "stakeholders.csv line 2, column strength",
        "stakeholders.csv line 3, column account_external_id",
    ]
    assert database_state() == before


def test_good_accounts_are_not_written_when_another_file_is_bad(org, database_state):
    before = database_state()
    files = with_rows("usage.csv", [usage("A-1", "2025-1-1")])

    assert rejected_errors(files) == [
        'usage.csv line 2, column period_start: must be a date as YYYY-MM-DD, got "2025-1-1"'
    ]
    assert database_state() == before


MALFORMED = {
    "missing required columns": (
        csv_bytes(["external_id", "name"], [["A-1", "Acme"]]),
        "accounts.csv has no columns owner_email and team, which are required",
    ),
    "extra column": (
        csv_bytes([*HEADERS["accounts.csv"], "remarks"], []),
        'accounts.csv has an unknown column "remarks"; its columns are '
        + ", ".join(HEADERS["accounts.csv"]),
    ),
    "repeated column": (
        csv_bytes([*HEADERS["accounts.csv"], "name"], []),
        "accounts.csv has column name more than once",
    ),
    "empty file": (
        b"",
        "accounts.csv has no header row; the first line must name the columns: "
        + ", ".join(HEADERS["accounts.csv"]),
    ),
    "not UTF-8": (
        as_csv("accounts.csv", [account("A-1", name="Café")]).replace(b"Caf\xc3\xa9", b"Caf\xe9"),
        "accounts.csv line 2: is not UTF-8 text; save the file as CSV UTF-8",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_file_is_a_clear_file_error(org, database_state, case):
    data, expected = MALFORMED[case]
    before = database_state()

    assert rejected_errors({**good_files(), "accounts.csv": data})[0] == expected
    assert database_state() == before


def test_row_with_the_wrong_number_of_cells_is_a_row_error(org):
    data = as_csv("accounts.csv", [account("A-1"), account("A-2")]) + b"A-3,Short row\n\n"

    assert rejected_errors({"accounts.csv": data}) == [
        f"accounts.csv line 4: has 2 cells, the header has {len(HEADERS['accounts.csv'])}"
    ]


def test_header_in_another_order_with_a_byte_order_mark_is_fine(org):
    header = list(reversed(HEADERS["usage.csv"]))
    data = "\ufeff".encode() + csv_bytes(header, [["", "", "", "", "2025-01-01", "A-1"]])
    files = {**good_files(), "usage.csv": data}

    assert csv_import(files=files).files[2].created == 1


def test_only_unknown_files_is_an_error(org):
    with pytest.raises(ImportRejected) as rejected:
        csv_import(files={"contacts.csv": b"id\n1\n"})

    assert [str(error) for error in rejected.value.errors] == [
        "no file to import: expected accounts.csv, stakeholders.csv, usage.csv,"
        " interactions.csv, moments.csv, pulse_checks.csv, open_items.csv,"
        " competitor_ratings.csv"
    ]
    assert rejected.value.ignored == ["contacts.csv"]


def test_moving_a_manager_away_from_their_reports_is_an_error(org):
    csv_import(files=good_files())  # S-2 and S-4 report to S-1 in A-1
    files = {"stakeholders.csv": as_csv("stakeholders.csv", [stakeholder("S-1", "A-2")])}

    assert rejected_errors(files) == [
        "stakeholders.csv line 2, column account_external_id: would move this stakeholder away"
        ' from "S-2", who reports to them',
        "stakeholders.csv line 2, column account_external_id: would move this stakeholder away"
        ' from "S-4", who reports to them',
    ]
