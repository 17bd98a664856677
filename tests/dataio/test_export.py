"""The export in the import formats (dataio/snapshot.py) and the export_csv command."""

import csv
import io

import pytest
from django.core.management import call_command

from accounts.models import Account
from dataio.importing import file_specs
from dataio.services import csv_import
from dataio.snapshot import export_files
from relationships.models import Interaction, Stakeholder
from tests.dataio.files import (
    HEADERS,
    OUTPUT_WAYS,
    account,
    all_good_files,
    as_csv,
    call_with_output,
)

TEAM_B_ACCOUNT = account("B-1", owner_email="outsider@example.com", team="Team B")


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def test_every_file_has_exactly_its_import_header(org):
    csv_import(files=all_good_files())
    files, results = export_files(Account.objects.filter(external_id__in=["A-1", "A-2"]))
    assert list(files) == [spec.name for spec in file_specs()]
    for name, data in files.items():
        assert rows(data)[0] == HEADERS[name]
    assert [result.rows for result in results] == [2, 5, 3, 3, 3, 2, 3, 3]


def test_the_good_files_into_an_empty_database_make_the_same_data(org, database_state):
    csv_import(files=all_good_files())
    files, _ = export_files(Account.objects.all())
    assert rows(files["interactions.csv"])[1] == [
        "A-1", "S-1;S-2", "2025-03-04T09:30:00Z", "call", "implementation", "outbound", "2",
        "long", "1.50", "Kickoff call, went well", "csm@example.com",
    ]  # fmt: skip
    assert rows(files["moments.csv"])[2][6] == "-5000.00"
    before = database_state()

    assert not {*csv_import(files=files).touched_accounts}  # a re-import changes nothing
    assert database_state() == before

    Account.objects.exclude(external_id="").delete()
    csv_import(files=files)
    assert export_files(Account.objects.all())[0] == files
    people = Stakeholder.objects.filter(account__external_id="A-1")
    assert people.get(external_id="S-3").reports_to.external_id == "S-4"
    assert people.get(external_id="S-4").owners.get().email == "csm@example.com"
    assert Interaction.objects.filter(account__external_id="A-1").count() == 2


def test_rows_the_files_cannot_hold_are_left_out_and_counted(org):
    csv_import(files=all_good_files())
    Interaction.objects.create(  # logged in Rapport: no import key
        account=Account.objects.get(external_id="A-1"),
        occurred_at="2025-03-08T10:00:00Z",
        channel_id=Interaction.objects.first().channel_id,
        touchpoint_id=Interaction.objects.first().touchpoint_id,
        direction="inbound",
        sentiment=1,
    )
    moved = Interaction.objects.exclude(import_key="").order_by("pk").first()
    moved.direction = "outbound" if moved.direction == "inbound" else "inbound"
    moved.save()  # its identity changed since it was imported
    Stakeholder.objects.create(account=org.account, name="No id")  # account without an id

    files, results = export_files(Account.objects.all())

    interactions = {result.file: result for result in results}["interactions.csv"]
    assert (interactions.rows, interactions.left_out) == (2, 2)
    before = Interaction.objects.count()
    csv_import(files=files)
    assert Interaction.objects.count() == before  # nothing duplicated


def test_a_csm_exports_only_the_accounts_they_see(org):
    files = {"accounts.csv": as_csv("accounts.csv", [account("A-1"), TEAM_B_ACCOUNT])}
    csv_import(files=files)
    exported, _ = export_files(Account.objects.visible_to(org.csm))
    assert [row[0] for row in rows(exported["accounts.csv"])[1:]] == [
        "A-1", org.account.external_id
    ]  # fmt: skip
    exported, _ = export_files(Account.objects.visible_to(org.outsider))
    assert [row[0] for row in rows(exported["accounts.csv"])[1:]] == [
        "B-1", org.other_account.external_id
    ]  # fmt: skip


def test_the_command_writes_the_files_import_csv_reads(org, tmp_path, database_state):
    csv_import(files=all_good_files())
    out = io.StringIO()
    call_command("export_csv", "--output", str(tmp_path / "export"), stdout=out)
    written = {path.name: path.read_bytes() for path in (tmp_path / "export").iterdir()}
    assert written == export_files(Account.objects.all())[0]
    assert "stakeholders.csv: 5 rows" in out.getvalue()
    before = database_state()
    call_command("import_csv", str(tmp_path / "export"), stdout=io.StringIO())
    assert database_state() == before


@pytest.mark.parametrize("way", OUTPUT_WAYS)
def test_the_command_writes_the_folder_however_its_path_is_given(org, tmp_path, way):
    csv_import(files=all_good_files())

    call_with_output("export_csv", way, tmp_path / "export")

    header, acme, *_ = rows((tmp_path / "export" / "accounts.csv").read_bytes())
    assert header == HEADERS["accounts.csv"]
    assert acme == [
        "A-1", "Acme Corp", "acme.example", "enterprise", "csm@example.com", "Team A",
        "2021-03-01", "2026-03-01", "120000.50", "30000.00", "250", "40.00", "active", "", "",
    ]  # fmt: skip


def test_the_command_exports_what_a_user_sees(org, tmp_path):
    files = {"accounts.csv": as_csv("accounts.csv", [account("A-1"), TEAM_B_ACCOUNT])}
    csv_import(files=files)
    call_command(
        "export_csv",
        "--output",
        str(tmp_path),
        "--user",
        "OUTSIDER@example.com",
        stdout=io.StringIO(),
    )
    assert [row[0] for row in rows((tmp_path / "accounts.csv").read_bytes())[1:]] == [
        "B-1", org.other_account.external_id
    ]  # fmt: skip
