"""The import refuses, as row errors, the dates, texts and emails the forms refuse (the rules
live on the models: core.limits, Account and Stakeholder), and writes nothing."""

import pytest

from accounts.models import Account
from dataio.importing import ImportRejected
from dataio.services import csv_import
from tests.dataio.files import (
    account,
    all_good_files,
    as_csv,
    csv_bytes,
    good_files,
    interaction,
    moment,
    open_item,
    stakeholder,
)
from tests.factories import StakeholderFactory


def rejected_errors(files) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files)
    return [str(error) for error in rejected.value.errors]


BAD_ROWS = {
    "interaction dated 1900": (
        [interaction(occurred_at="1900-01-01T10:00:00")],
        "interactions.csv line 2, column occurred_at: must be between 1 Jan 2000 and now,"
        ' got "1900-01-01T10:00:00"',
    ),
    "summary over 5,000 characters": (
        [interaction(summary="x" * 5001)],
        "interactions.csv line 2, column summary: must be at most 5000 characters, got 5001",
    ),
    "moment note over 5,000 characters": (
        [moment(note="x" * 5001)],
        "moments.csv line 2, column note: must be at most 5000 characters, got 5001",
    ),
    "open item due in 2100": (
        [open_item(due_on="2100-01-01")],
        "open_items.csv line 2, column due_on: must be between 1 Jan 2000 and 31 Dec 2099,"
        ' got "2100-01-01"',
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_activity_out_of_range_is_a_row_error(org, database_state, case):
    rows, expected = BAD_ROWS[case]
    name = expected.split(" ")[0]
    before = database_state()

    assert rejected_errors({**all_good_files(), name: as_csv(name, rows)}) == [expected]
    assert database_state() == before


def test_relationship_start_in_2035_is_a_row_error(org, database_state):
    rows = [stakeholder("S-1", relationship_since="2035-01-01")]
    files = {**good_files(), "stakeholders.csv": as_csv("stakeholders.csv", rows)}
    before = database_state()

    assert rejected_errors(files) == [
        "stakeholders.csv line 2, column relationship_since: must be between 1 Jan 2000 and"
        ' today, got "2035-01-01"'
    ]
    assert database_state() == before


def test_renewal_before_customer_since_is_a_row_error(org, database_state):
    rows = [account("A-1", customer_since="2021-03-01", renewal_date="2021-02-28")]
    before = database_state()

    assert rejected_errors({"accounts.csv": as_csv("accounts.csv", rows)}) == [
        "accounts.csv line 2, column renewal_date: must not be before customer_since"
        " (2021-03-01), got 2021-02-28"
    ]
    assert database_state() == before


def test_customer_since_after_the_stored_renewal_is_a_row_error(org, database_state):
    csv_import(files=good_files())  # A-1 renews on 2026-03-01
    header = ["external_id", "name", "owner_email", "team", "customer_since"]  # no renewal_date
    row = ["A-1", "Acme", "csm@example.com", "Team A", "2026-04-01"]
    files = {"accounts.csv": csv_bytes(header, [row])}
    before = database_state()

    assert rejected_errors(files) == [
        "accounts.csv line 2, column customer_since: must not be after renewal_date"
        " (2026-03-01), got 2026-04-01"
    ]
    assert database_state() == before


def test_two_people_of_an_account_with_one_email_is_a_row_error(org, database_state):
    rows = [
        stakeholder("S-1", email="dana@acme.example"),
        stakeholder("S-2", "A-2", email="dana@acme.example"),  # another account: allowed
        stakeholder("S-3", email="Dana@ACME.example"),
    ]
    files = {**good_files(), "stakeholders.csv": as_csv("stakeholders.csv", rows)}
    before = database_state()

    assert rejected_errors(files) == [
        'stakeholders.csv line 4, column email: "Dana@ACME.example" is the email of another'
        " person of this account (line 2); each person needs their own"
    ]
    assert database_state() == before


def test_an_email_taken_by_someone_in_rapport_is_a_row_error(org, database_state):
    csv_import(files=good_files())
    acme = Account.objects.get(external_id="A-1")
    StakeholderFactory(account=acme, name="Rita Alvarez", email="rita@acme.example")
    rows = [stakeholder("S-1", email="RITA@acme.example")]
    before = database_state()

    assert rejected_errors({"stakeholders.csv": as_csv("stakeholders.csv", rows)}) == [
        'stakeholders.csv line 2, column email: "RITA@acme.example" is the email of another'
        ' person of this account ("Rita Alvarez" in Rapport); each person needs their own'
    ]
    assert database_state() == before
