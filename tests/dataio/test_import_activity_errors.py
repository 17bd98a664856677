"""Bad activity rows change nothing, and each is reported by line, column and reason."""

import datetime as dt

import pytest
from django.utils import timezone

from dataio.importing import ImportRejected
from dataio.services import csv_import
from tests.dataio.files import (
    all_good_files,
    as_csv,
    competitor_rating,
    good_files,
    interaction,
    moment,
    open_item,
    pulse_check,
    stakeholder,
)
from tests.factories import StakeholderFactory


def rejected_errors(files, user=None) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files, user=user)
    return [str(error) for error in rejected.value.errors]


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
IN_AN_HOUR = (timezone.localtime() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
CHANNELS = "email, call, video, chat, text, in_person"
TIME = (
    "must be a date and time as YYYY-MM-DDTHH:MM:SS, optionally with an offset such as +01:00"
    " or Z, or a date as YYYY-MM-DD"
)
IMPACT = (
    "must be created, destroyed or an amount other than 0 (1200 or +1200 created, -5000"
    " destroyed) with at most 2 decimals"
)

BAD_ROWS = {
    # interactions.csv
    "unknown channel": (
        [interaction(channel="fax")],
        f'interactions.csv line 2, column channel: must be one of {CHANNELS}, got "fax"',
    ),
    "unknown touchpoint": (
        [interaction(touchpoint="marketing")],
        "interactions.csv line 2, column touchpoint: must be one of sales, service, delivery,"
        ' packaging, implementation, billing, got "marketing"',
    ),
    "channel by name": (
        [interaction(channel="Email")],
        f'interactions.csv line 2, column channel: must be one of {CHANNELS}, got "Email"',
    ),
    "unknown direction": (
        [interaction(direction="sideways")],
        "interactions.csv line 2, column direction: must be one of inbound, outbound,"
        ' got "sideways"',
    ),
    "sentiment 3": (
        [interaction(sentiment="3")],
        'interactions.csv line 2, column sentiment: must be a whole number from -2 to 2, got "3"',
    ),
    "sentiment not whole": (
        [interaction(sentiment="1.5")],
        'interactions.csv line 2, column sentiment: must be a whole number from -2 to 2, got "1.5"',
    ),
    "unknown verbosity": (
        [interaction(verbosity="chatty")],
        "interactions.csv line 2, column verbosity: must be one of short, normal, long,"
        ' got "chatty"',
    ),
    "negative response hours": (
        [interaction(response_hours="-1")],
        "interactions.csv line 2, column response_hours: must be a number of 0 or more with at"
        ' most 2 decimals, got "-1"',
    ),
    "time in another format": (
        [interaction(occurred_at="04/03/2025 10:30")],
        f'interactions.csv line 2, column occurred_at: {TIME}, got "04/03/2025 10:30"',
    ),
    "impossible time": (
        [interaction(occurred_at="2025-03-04T25:00:00")],
        f'interactions.csv line 2, column occurred_at: {TIME}, got "2025-03-04T25:00:00"',
    ),
    "time before the year 1 in UTC": (
        [interaction(occurred_at="0001-01-01T00:30:00+01:00")],
        f'interactions.csv line 2, column occurred_at: {TIME}, got "0001-01-01T00:30:00+01:00"',
    ),
    "time in the future": (
        [interaction(occurred_at=IN_AN_HOUR)],
        "interactions.csv line 2, column occurred_at: must be between 1 Jan 2000 and now,"
        f' got "{IN_AN_HOUR}"',
    ),
    "date in the future": (
        [interaction(occurred_at=TOMORROW)],
        "interactions.csv line 2, column occurred_at: must be between 1 Jan 2000 and now,"
        f' got "{TOMORROW}"',
    ),
    "missing occurred_at": (
        [interaction(occurred_at="")],
        "interactions.csv line 2, column occurred_at: is required",
    ),
    "missing channel": (
        [interaction(channel="")],
        "interactions.csv line 2, column channel: is required",
    ),
    "missing touchpoint": (
        [interaction(touchpoint="")],
        "interactions.csv line 2, column touchpoint: is required",
    ),
    "missing direction": (
        [interaction(direction="")],
        "interactions.csv line 2, column direction: is required",
    ),
    "missing sentiment": (
        [interaction(sentiment="")],
        "interactions.csv line 2, column sentiment: is required",
    ),
    "missing account": (
        [interaction("")],
        "interactions.csv line 2, column account_external_id: is required",
    ),
    "unknown account": (
        [interaction("A-404")],
        "interactions.csv line 2, column account_external_id: no account has the external id"
        ' "A-404" (in accounts.csv or Rapport)',
    ),
    "unknown stakeholder": (
        [interaction(stakeholder_external_ids="S-1;S-404")],
        "interactions.csv line 2, column stakeholder_external_ids: no stakeholder has the"
        ' external id "S-404" (in stakeholders.csv or Rapport)',
    ),
    "stakeholder of another account": (
        [interaction(stakeholder_external_ids="S-1;S-5")],
        'interactions.csv line 2, column stakeholder_external_ids: "S-5" belongs to another'
        " account",
    ),
    "unknown our_person": (
        [interaction(our_person_email="ghost@example.com")],
        "interactions.csv line 2, column our_person_email: no user has the email"
        ' "ghost@example.com"',
    ),
    "same interaction twice": (
        [
            interaction(stakeholder_external_ids="S-1;S-2", summary="First"),
            interaction(stakeholder_external_ids="S-2;S-1", summary="Second"),
        ],
        "interactions.csv line 3, column account_external_id: repeats line 2: the same"
        " account_external_id, occurred_at, channel, direction and stakeholder_external_ids",
    ),
    "same instant at another offset": (
        [
            interaction(occurred_at="2025-03-04T10:30:00+01:00"),
            interaction(occurred_at="2025-03-04T09:30:00Z"),
        ],
        "interactions.csv line 3, column account_external_id: repeats line 2: the same"
        " account_external_id, occurred_at, channel, direction and stakeholder_external_ids",
    ),
    # moments.csv
    "unknown moment type": (
        [moment(moment_type="wedding")],
        "moments.csv line 2, column moment_type: must be one of onboarding_kickoff, go_live,"
        " delivery_milestone, first_invoice, outage, escalation, renewal_negotiation, qbr,"
        ' got "wedding"',
    ),
    "unknown emotion": (
        [moment(emotion="meh")],
        "moments.csv line 2, column emotion: must be one of delighted, met, missed, enraged,"
        ' got "meh"',
    ),
    "intensity 4": (
        [moment(intensity="4")],
        'moments.csv line 2, column intensity: must be a whole number from 1 to 3, got "4"',
    ),
    "value impact in words": (
        [moment(value_impact="lots")],
        f'moments.csv line 2, column value_impact: {IMPACT}, got "lots"',
    ),
    "value impact of 0": (
        [moment(value_impact="0")],
        f'moments.csv line 2, column value_impact: {IMPACT}, got "0"',
    ),
    "value impact with 3 decimals": (
        [moment(value_impact="-1.005")],
        f'moments.csv line 2, column value_impact: {IMPACT}, got "-1.005"',
    ),
    "unknown identified_by": (
        [moment(identified_by="robot")],
        'moments.csv line 2, column identified_by: must be one of csm, customer, got "robot"',
    ),
    "moment in the future": (
        [moment(occurred_on=TOMORROW)],
        "moments.csv line 2, column occurred_on: must be between 1 Jan 2000 and today,"
        f' got "{TOMORROW}"',
    ),
    "missing moment type": (
        [moment(moment_type="")],
        "moments.csv line 2, column moment_type: is required",
    ),
    "missing occurred_on": (
        [moment(occurred_on="")],
        "moments.csv line 2, column occurred_on: is required",
    ),
    "missing emotion": (
        [moment(emotion="")],
        "moments.csv line 2, column emotion: is required",
    ),
    "moment stakeholder of another account": (
        [moment("A-2", stakeholder_external_id="S-1")],
        'moments.csv line 2, column stakeholder_external_id: "S-1" belongs to another account',
    ),
    "unknown moment stakeholder": (
        [moment(stakeholder_external_id="S-404")],
        "moments.csv line 2, column stakeholder_external_id: no stakeholder has the external id"
        ' "S-404" (in stakeholders.csv or Rapport)',
    ),
    "same moment twice": (
        [moment(note="First"), moment(note="Second")],
        "moments.csv line 3, column account_external_id: repeats line 2: the same"
        " account_external_id, moment_type, occurred_on and stakeholder_external_id",
    ),
    # pulse_checks.csv
    "happiness 6": (
        [pulse_check(happiness="6")],
        'pulse_checks.csv line 2, column happiness: must be a whole number from 1 to 5, got "6"',
    ),
    "happiness 0": (
        [pulse_check(happiness="0")],
        'pulse_checks.csv line 2, column happiness: must be a whole number from 1 to 5, got "0"',
    ),
    "unknown csm": (
        [pulse_check(csm_email="ghost@example.com")],
        'pulse_checks.csv line 2, column csm_email: no user has the email "ghost@example.com"',
    ),
    "missing csm": (
        [pulse_check(csm_email="")],
        "pulse_checks.csv line 2, column csm_email: is required",
    ),
    "missing checked_on": (
        [pulse_check(checked_on="")],
        "pulse_checks.csv line 2, column checked_on: is required",
    ),
    "missing happiness": (
        [pulse_check(happiness="")],
        "pulse_checks.csv line 2, column happiness: is required",
    ),
    "pulse check in the future": (
        [pulse_check(checked_on=TOMORROW)],
        "pulse_checks.csv line 2, column checked_on: must be between 1 Jan 2000 and today,"
        f' got "{TOMORROW}"',
    ),
    "same pulse check twice": (
        [pulse_check(happiness="4"), pulse_check(csm_email="CSM@example.com", happiness="5")],
        "pulse_checks.csv line 3, column account_external_id: repeats line 2: the same"
        " account_external_id, csm_email and checked_on",
    ),
    # open_items.csv
    "unknown kind": (
        [open_item(kind="todo")],
        "open_items.csv line 2, column kind: must be one of unanswered_email, ticket,"
        ' feature_request, promise, repeated_request, got "todo"',
    ),
    "title too long": (
        [open_item(title="x" * 201)],
        "open_items.csv line 2, column title: must be at most 200 characters, got 201",
    ),
    "missing kind": (
        [open_item(kind="")],
        "open_items.csv line 2, column kind: is required",
    ),
    "missing title": (
        [open_item(title="")],
        "open_items.csv line 2, column title: is required",
    ),
    "missing opened_on": (
        [open_item(opened_on="")],
        "open_items.csv line 2, column opened_on: is required",
    ),
    "opened in the future": (
        [open_item(opened_on=TOMORROW)],
        "open_items.csv line 2, column opened_on: must be between 1 Jan 2000 and today,"
        f' got "{TOMORROW}"',
    ),
    "closed in the future": (
        [open_item(closed_on=TOMORROW)],
        "open_items.csv line 2, column closed_on: must be between 1 Jan 2000 and today,"
        f' got "{TOMORROW}"',
    ),
    "due before opened": (
        [open_item(opened_on="2025-03-02", due_on="2025-03-01")],
        "open_items.csv line 2, column due_on: must not be before opened_on (2025-03-02),"
        " got 2025-03-01",
    ),
    "closed before opened": (
        [open_item(opened_on="2025-03-02", closed_on="2025-02-28")],
        "open_items.csv line 2, column closed_on: must not be before opened_on (2025-03-02),"
        " got 2025-02-28",
    ),
    "open item stakeholder of another account": (
        [open_item("A-2", stakeholder_external_id="S-4")],
        'open_items.csv line 2, column stakeholder_external_id: "S-4" belongs to another account',
    ),
    "same open item twice": (
        [open_item(due_on="2025-04-01"), open_item(due_on="2025-05-01")],
        "open_items.csv line 3, column account_external_id: repeats line 2: the same"
        " account_external_id, kind, title and opened_on",
    ),
    # competitor_ratings.csv
    "rating out of range": (
        [competitor_rating(their_rating="6")],
        "competitor_ratings.csv line 2, column their_rating: must be a whole number from 1 to 5,"
        ' got "6"',
    ),
    "unknown competitor": (
        [
            competitor_rating(),
            competitor_rating("A-2", stakeholder_external_id="S-5", competitor="Globex"),
        ],
        'competitor_ratings.csv line 3, column competitor: no competitor is named "Globex"',
    ),
    "unknown dimension": (
        [competitor_rating(dimension="price")],
        "competitor_ratings.csv line 2, column dimension: must be one of sales_relationship,"
        ' service, delivery, technology_integration, product, value, got "price"',
    ),
    "rating without a person": (
        [competitor_rating(stakeholder_external_id="")],
        "competitor_ratings.csv line 2, column stakeholder_external_id: is required",
    ),
    "rating by a person of another account": (
        [competitor_rating("A-2", stakeholder_external_id="S-1")],
        'competitor_ratings.csv line 2, column stakeholder_external_id: "S-1" belongs to another'
        " account",
    ),
    "rating source unknown": (
        [competitor_rating(source="email")],
        'competitor_ratings.csv line 2, column source: must be one of csm, survey, got "email"',
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_bad_activity_row_is_reported_and_nothing_is_written(org, database_state, case):
    rows, expected = BAD_ROWS[case]
    name = expected.split(" ")[0]
    before = database_state()

    errors = rejected_errors({**all_good_files(), name: as_csv(name, rows)})

    assert errors == [expected]
    assert database_state() == before


def test_due_date_may_be_in_the_future(org):
    rows = [open_item(due_on=TOMORROW)]

    summary = csv_import(files={**good_files(), "open_items.csv": as_csv("open_items.csv", rows)})

    assert str(summary.files[-1]) == "open_items.csv: 1 created, 0 updated, 0 unchanged"


def test_one_bad_activity_file_means_no_file_is_written(org, database_state):
    before = database_state()
    files = {
        **all_good_files(),
        "pulse_checks.csv": as_csv("pulse_checks.csv", [pulse_check(), pulse_check("A-2")]),
        "open_items.csv": as_csv("open_items.csv", [open_item(), open_item(due_on="2025-03-01")]),
    }

    errors = rejected_errors(files)

    assert errors == [
        "open_items.csv line 3, column account_external_id: repeats line 2: the same"
        " account_external_id, kind, title and opened_on",
        "open_items.csv line 3, column due_on: must not be before opened_on (2025-03-02),"
        " got 2025-03-01",
    ]
    assert database_state() == before


def test_stakeholder_moved_by_the_same_import_belongs_to_its_new_account(org, database_state):
    csv_import(files=good_files())
    before = database_state()
    files = {
        "stakeholders.csv": as_csv("stakeholders.csv", [stakeholder("S-3", "A-2")]),
        "moments.csv": as_csv("moments.csv", [moment("A-1", stakeholder_external_id="S-3")]),
    }

    assert rejected_errors(files) == [
        'moments.csv line 2, column stakeholder_external_id: "S-3" belongs to another account'
    ]
    assert database_state() == before


def test_stakeholder_of_an_account_without_external_id_belongs_to_another_account(org):
    csv_import(files=good_files())
    StakeholderFactory(account=org.account, external_id="S-99")
    files = {
        "interactions.csv": as_csv(
            "interactions.csv", [interaction(stakeholder_external_ids="S-99")]
        )
    }

    assert rejected_errors(files) == [
        'interactions.csv line 2, column stakeholder_external_ids: "S-99" belongs to another'
        " account"
    ]


def test_every_bad_cell_of_a_row_is_listed(org):
    rows = [interaction(channel="fax", sentiment="9", occurred_at=TOMORROW, direction="")]

    errors = rejected_errors({**good_files(), "interactions.csv": as_csv("interactions.csv", rows)})

    assert [error.split(":")[0] for error in errors] == [
        "interactions.csv line 2, column occurred_at",
        "interactions.csv line 2, column channel",
        "interactions.csv line 2, column direction",
        "interactions.csv line 2, column sentiment",
    ]
