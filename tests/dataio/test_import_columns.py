"""Files may leave out optional columns (the rows keep what they hold, new rows take the
defaults); a file without a required column is refused as a whole."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account
from dataio.importing import FileSpec, ImportRejected, file_specs
from dataio.services import csv_import
from relationships.models import Interaction, Stakeholder
from tests.dataio.files import (
    account,
    all_good_files,
    as_csv,
    csv_bytes,
    good_files,
    interaction,
)

SPECS = {spec.name: spec for spec in file_specs()}
REQUIRED = [
    (spec.name, column.name)
    for spec in SPECS.values()
    for column in spec.columns
    if column.required
]


def optional_columns(spec: type[FileSpec]) -> set[str]:
    """The columns a file of `spec` may leave out, but the identity (which row it is)."""
    identity = getattr(spec, "identity", ())
    return {column.name for column in spec.columns if not column.required} - set(identity)


def left_out(data: bytes, names: set[str], *, emptied: bool = False) -> bytes:
    """The file without the columns `names`, or (`emptied`) with their cells empty."""
    header, *rows = csv.reader(io.StringIO(data.decode(), newline=""))
    if emptied:
        empty = [
            ["" if name in names else cell for name, cell in zip(header, row, strict=True)]
            for row in rows
        ]
        return csv_bytes(header, empty)
    keep = [i for i, name in enumerate(header) if name not in names]
    return csv_bytes([header[i] for i in keep], [[row[i] for i in keep] for row in rows])


def rejected_errors(files: dict[str, bytes]) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files)
    return [str(error) for error in rejected.value.errors]


@pytest.mark.parametrize("name", SPECS)
def test_reimport_without_the_optional_columns_changes_nothing(org, database_state, name):
    files = all_good_files()
    csv_import(files=files)
    before = database_state()

    summary = csv_import(files={name: left_out(files[name], optional_columns(SPECS[name]))})

    assert (summary.files[0].created, summary.files[0].updated) == (0, 0)
    assert database_state() == before  # owners, managers, an interaction's people included


def ids_restart() -> None:
    """Every table's next id back to one more than its largest."""
    models = apps.get_models(include_auto_created=True)
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.parametrize("name", SPECS)
def test_new_rows_without_the_optional_columns_are_as_with_those_cells_empty(
    org, database_state, time_machine, name
):
    time_machine.move_to(timezone.now(), tick=False)  # both imports write at the same time

    def state_after(data: bytes) -> dict:
        ids_restart()  # PostgreSQL's sequences ignore rollbacks: both imports get the same ids
        with transaction.atomic():
            csv_import(files={**all_good_files(), name: data})
            state = database_state()
            transaction.set_rollback(True)
        return state

    data, optional = all_good_files()[name], optional_columns(SPECS[name])

    assert state_after(left_out(data, optional)) == state_after(
        left_out(data, optional, emptied=True)
    )


def test_accounts_file_with_a_few_columns_changes_only_those(org):
    full = account(
        "A-1",
        domain="acme.example",
        renewal_date="2026-03-01",
        cost_to_serve="30000",
        status="at_risk",
        leading_competitor="Rivalry Inc",
    )
    csv_import(files={"accounts.csv": as_csv("accounts.csv", [full])})
    Account.objects.get(external_id="A-1").competitors.clear()  # as an admin may
    header = ["external_id", "name", "owner_email", "team", "arr"]
    rows = [
        ["A-1", "Acme Corp", "csm@example.com", "Team A", "99.50"],
        ["A-3", "Newco", "csm@example.com", "Team A", ""],
    ]

    summary = csv_import(files={"accounts.csv": csv_bytes(header, rows)})

    assert str(summary.files[0]) == "accounts.csv: 1 created, 1 updated, 0 unchanged"
    acme = Account.objects.get(external_id="A-1")
    assert (acme.name, acme.arr) == ("Acme Corp", Decimal("99.50"))
    assert (acme.domain, acme.renewal_date, acme.cost_to_serve, acme.status) == (
        "acme.example",
        date(2026, 3, 1),
        Decimal("30000"),
        "at_risk",
    )
    assert (acme.leading_competitor.name, acme.competitors.count()) == ("Rivalry Inc", 0)
    newco = Account.objects.get(external_id="A-3")
    assert (newco.domain, newco.arr, newco.status, newco.leading_competitor) == (
        "",
        None,
        "active",
        None,
    )


def test_stakeholders_file_without_managers_and_owners_keeps_them(org):
    csv_import(files=good_files())  # S-4 reports to S-1, is owned by csm@example.com
    header = ["external_id", "account_external_id", "name", "title"]
    rows = [["S-4", "A-1", "Eve Buyer", "COO"], ["S-3", "A-1", "Uma User", ""]]

    summary = csv_import(files={"stakeholders.csv": csv_bytes(header, rows)})

    assert str(summary.files[0]) == "stakeholders.csv: 0 created, 1 updated, 1 unchanged"
    eve = Stakeholder.objects.get(external_id="S-4")
    assert (eve.title, eve.reports_to.external_id, list(eve.owners.all())) == (
        "COO",
        "S-1",
        [org.csm],
    )
    assert (eve.role, eve.trust, eve.respect, eve.strength) == ("economic_buyer", "high", "low", 4)
    assert Stakeholder.objects.get(external_id="S-3").reports_to.external_id == "S-4"


def owner_emails(external_id: str) -> list[str]:
    """The person's owners' emails, the first owner first."""
    links = Stakeholder.owners.through.objects.filter(stakeholder__external_id=external_id)
    return list(links.order_by("pk").values_list("user__email", flat=True))


def test_other_owners_follow_the_first_and_a_file_without_them_keeps_them(org):
    csv_import(files=good_files())  # S-4 is owned by csm@example.com
    header = ["external_id", "account_external_id", "name", "owner_email", "other_owner_emails"]
    both = [
        ["S-4", "A-1", "Eve Buyer", "teammate@example.com", "csm@example.com; admin@example.com"]
    ]
    csv_import(files={"stakeholders.csv": csv_bytes(header, both)})
    assert owner_emails("S-4") == ["teammate@example.com", "admin@example.com", "csm@example.com"]

    first_only = [["S-4", "A-1", "Eve Buyer", "csm@example.com"]]
    csv_import(files={"stakeholders.csv": csv_bytes(header[:4], first_only)})
    # csm@example.com is the first owner now; the other owners are kept
    assert owner_emails("S-4") == ["csm@example.com", "admin@example.com"]

    csv_import(files={"stakeholders.csv": csv_bytes(header, [[*first_only[0], ""]])})
    assert owner_emails("S-4") == ["csm@example.com"]


def test_interactions_file_without_people_keeps_the_people_of_its_rows(org):
    csv_import(files=all_good_files())
    chat = Interaction.objects.get(account__external_id="A-2")  # imported with nobody
    chat.stakeholders.add(Stakeholder.objects.get(external_id="S-5"))  # added in Rapport
    row = interaction(
        "A-2",
        occurred_at="2025-03-06T08:00:00Z",
        channel="chat",
        touchpoint="billing",
        summary="Billing question",
    )
    data = as_csv("interactions.csv", [row])

    csv_import(files={"interactions.csv": left_out(data, {"stakeholder_external_ids"})})

    chat.refresh_from_db()
    assert chat.summary == "Billing question"
    assert [person.external_id for person in chat.stakeholders.all()] == ["S-5"]


def test_stakeholder_moved_by_a_file_without_managers_keeps_theirs_and_is_refused(org):
    csv_import(files=good_files())  # S-2 reports to S-1, of A-1
    header = ["external_id", "account_external_id", "name"]

    errors = rejected_errors(
        {"stakeholders.csv": csv_bytes(header, [["S-2", "A-2", "Chris Champ"]])}
    )

    assert errors == [
        'stakeholders.csv line 2, column reports_to_external_id: "S-1" is a stakeholder of'
        " another account"
    ]


@pytest.mark.parametrize(("name", "column"), REQUIRED)
def test_file_without_a_required_column_is_refused_and_nothing_is_written(
    org, database_state, name, column
):
    files = all_good_files()
    before = database_state()

    errors = rejected_errors({**files, name: left_out(files[name], {column})})

    assert errors == [f"{name} has no column {column}, which is required"]
    assert database_state() == before


@pytest.mark.parametrize(
    ("column", "other"),
    [("features_used", "features_available"), ("features_available", "features_used")],
)
def test_usage_file_has_features_used_and_available_together(org, database_state, column, other):
    files = good_files()
    before = database_state()

    errors = rejected_errors({**files, "usage.csv": left_out(files["usage.csv"], {other})})

    assert errors == [f"usage.csv has column {column} without {other}; give both or neither"]
    assert database_state() == before


def test_the_documented_required_columns_are_the_required_ones():
    text = (settings.BASE_DIR / "docs" / "import-export.md").read_text()
    table = text.split("| file | required columns |")[1].split("\n\n")[0]
    documented = {
        line.split("|")[1].strip(): re.findall(r"`(\w+)`", line.split("|")[2])
        for line in table.splitlines()[2:]
    }

    assert documented == {
        name: [column.name for column in spec.columns if column.required]
        for name, spec in SPECS.items()
    }
