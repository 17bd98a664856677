"""Rows written before every account and person had an external id, and before activity logged
in Rapport had an import key, are given them by the migrations that bring the rule, so the
export holds them too."""

import datetime as dt

import pytest

from accounts.models import Account
from dataio.snapshot import export_files
from relationships.imports import activity_import_key
from relationships.models import PulseCheck
from tests.migrations import migrate, migrate_to_latest

BEFORE = [
    ("accounts", "0011_saved_view"),
    ("relationships", "0020_tasks_rules_and_worked_alerts"),
]
AFTER = [
    ("accounts", "0012_every_account_has_an_external_id"),
    ("relationships", "0021_every_person_and_logged_row_has_its_id"),
]


@pytest.fixture
def written_before(transactional_db):
    apps = migrate(BEFORE)
    user = apps.get_model("accounts", "User").objects.create(email="dana@example.com")
    team = apps.get_model("accounts", "Team").objects.create(name="Enterprise")
    account = apps.get_model("accounts", "Account").objects.create(
        name="Acme", team=team, owner=user, external_id=""
    )
    apps.get_model("relationships", "Stakeholder").objects.create(account=account, name="Ana")
    pulses = apps.get_model("relationships", "PulseCheck").objects
    day = dt.date(2026, 3, 2)
    twins = [
        pulses.create(account=account, csm=user, checked_on=day, happiness=happiness)
        for happiness in (4, 2)  # alike: the same account, CSM and day
    ]
    yield account.pk, [twin.pk for twin in twins]
    migrate_to_latest()


def test_accounts_people_and_logged_rows_get_their_ids_and_the_export_holds_them(written_before):
    account_pk, (first, second) = written_before
    migrate(AFTER)
    migrate_to_latest()

    account = Account.objects.get(pk=account_pk)
    assert account.external_id.startswith("rapport-")
    assert account.stakeholders.get().external_id.startswith("rapport-")
    keys = dict(PulseCheck.objects.filter(account=account).values_list("pk", "import_key"))
    assert keys == {first: activity_import_key(PulseCheck.objects.get(pk=first)), second: ""}

    _files, held = export_files(Account.objects.filter(pk=account_pk))
    counts = {result.file: (result.rows, result.left_out) for result in held}
    assert counts["accounts.csv"] == (1, 0)
    assert counts["stakeholders.csv"] == (1, 0)
    assert counts["pulse_checks.csv"] == (1, 1)  # the second of the twins: no file holds both
