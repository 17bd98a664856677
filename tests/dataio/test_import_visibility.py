"""An import next to another team's data: an account's owner must be in the account's team, and
the manager of team A learns nothing from the errors about team B's accounts, people, users or
team that a made-up name would not tell them."""

import logging

import pytest
from django.db import IntegrityError

from accounts.imports import AccountsFile
from dataio.importing import ImportRejected
from dataio.services import csv_import
from tests.dataio.files import (
    account,
    as_csv,
    good_files,
    interaction,
    pulse_check,
    stakeholder,
    usage,
)
from tests.factories import StakeholderFactory, TeamFactory, UserFactory


def rejected_errors(files, user=None) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files, user=user)
    return [str(error) for error in rejected.value.errors]


@pytest.fixture
def team_b(org):
    """Team B's account G-1 (Globex) and its org chart: G-S1 reports to G-S3, G-S3 to G-S2."""
    org.other_account.external_id = "G-1"
    org.other_account.save()
    top = StakeholderFactory(account=org.other_account, external_id="G-S2")
    middle = StakeholderFactory(account=org.other_account, external_id="G-S3", reports_to=top)
    StakeholderFactory(account=org.other_account, external_id="G-S1", reports_to=middle)
    return org


def test_an_account_owner_must_be_a_member_or_the_manager_of_its_team(org, database_state):
    before = database_state()
    accounts = [
        account("A-1", owner_email="outsider@example.com"),  # of team B
        account("A-2", owner_email="manager@example.com"),  # team A's manager: fine
    ]

    errors = rejected_errors({"accounts.csv": as_csv("accounts.csv", accounts)}, org.admin)

    assert errors == [
        'accounts.csv line 2, column owner_email: must be a member or the manager of team "Team A"'
    ]
    assert database_state() == before


def test_a_manager_may_not_give_an_account_to_the_member_of_their_other_team(org):
    TeamFactory(name="Team C", manager=org.manager, members=[UserFactory(email="c@example.com")])
    files = {"accounts.csv": as_csv("accounts.csv", [account("A-1", owner_email="c@example.com")])}

    assert rejected_errors(files, org.manager) == [
        'accounts.csv line 2, column owner_email: must be a member or the manager of team "Team A"'
    ]


def with_file(name: str, rows: list[dict], *, alone: bool = False) -> dict[str, bytes]:
    return {**({} if alone else good_files()), name: as_csv(name, rows)}


# Each case: the files naming something, what of team B's it names, a name nobody has, and the
# error the manager of team A gets for either.
HIDDEN = {
    "owner": (
        lambda email: with_file("accounts.csv", [account("A-1", owner_email=email)], alone=True),
        "outsider@example.com",
        "nobody@example.com",
        'accounts.csv line 2, column owner_email: no user of your teams has the email "{}"',
    ),
    "team": (
        lambda team: with_file("accounts.csv", [account("A-1", team=team)], alone=True),
        "Team B",
        "Team Z",
        'accounts.csv line 2, column team: must be one of your teams, got "{}"',
    ),
    "usage of an account": (
        lambda external_id: with_file("usage.csv", [usage(external_id, "2025-01-01")]),
        "G-1",
        "Z-1",
        "usage.csv line 2, column account_external_id: no account of your teams has the"
        ' external id "{}" (in accounts.csv or Rapport)',
    ),
    "stakeholder's account": (
        lambda external_id: with_file("stakeholders.csv", [stakeholder("S-1", external_id)]),
        "G-1",
        "Z-1",
        "stakeholders.csv line 2, column account_external_id: no account of your teams has the"
        ' external id "{}" (in accounts.csv or Rapport)',
    ),
    "stakeholder's manager": (
        lambda external_id: with_file(
            "stakeholders.csv", [stakeholder("S-1", reports_to_external_id=external_id)]
        ),
        "G-S1",
        "Z-S1",
        "stakeholders.csv line 2, column reports_to_external_id: no stakeholder of your teams"
        ' has the external id "{}" (in stakeholders.csv or Rapport)',
    ),
    "interaction's people": (
        lambda external_id: with_file(
            "interactions.csv", [interaction(stakeholder_external_ids=external_id)]
        ),
        "G-S1",
        "Z-S1",
        "interactions.csv line 2, column stakeholder_external_ids: no stakeholder of your teams"
        ' has the external id "{}" (in stakeholders.csv or Rapport)',
    ),
    "pulse check's CSM": (
        lambda email: with_file("pulse_checks.csv", [pulse_check(csm_email=email)]),
        "outsider@example.com",
        "nobody@example.com",
        'pulse_checks.csv line 2, column csm_email: no user of your teams has the email "{}"',
    ),
}


@pytest.mark.parametrize("case", HIDDEN)
def test_another_teams_data_is_refused_as_if_it_did_not_exist(team_b, database_state, case):
    files, hidden, made_up, message = HIDDEN[case]
    before = database_state()

    assert rejected_errors(files(hidden), team_b.manager) == [message.format(hidden)]
    assert rejected_errors(files(made_up), team_b.manager) == [message.format(made_up)]
    assert database_state() == before


def test_taking_another_teams_stakeholder_tells_only_that_its_id_is_taken(team_b):
    """G-S2 moved into A-1 under G-S1 would close a cycle through G-S3, and take G-S2 away
    from G-S3, who reports to them: the manager learns neither."""
    rows = [stakeholder("G-S2", reports_to_external_id="G-S1")]

    errors = rejected_errors(with_file("stakeholders.csv", rows), team_b.manager)

    assert errors == [
        "stakeholders.csv line 2, column external_id: belongs to an account of a team you are"
        " not in",
        "stakeholders.csv line 2, column reports_to_external_id: no stakeholder of your teams has"
        ' the external id "G-S1" (in stakeholders.csv or Rapport)',
    ]


def test_an_admin_is_told_what_the_database_refused_only_in_the_log(org, monkeypatch, caplog):
    def refused(self, table, context):
        raise IntegrityError("UNIQUE constraint failed: accounts_account.external_id (G-1)")

    monkeypatch.setattr(AccountsFile, "write", refused)

    with caplog.at_level(logging.WARNING, logger="dataio.services"):
        errors = rejected_errors(good_files(), org.admin)

    assert errors == [
        "the database refused the data, so nothing was written; did the same data change"
        " during the import?"
    ]
    assert "UNIQUE constraint failed: accounts_account.external_id (G-1)" in caplog.text
