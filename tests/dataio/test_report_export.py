"""The account report: export_report and the /data/export.csv download."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from dataio.exporting import report_columns
from dataio.services import csv_import
from relationships.models import Stakeholder
from tests.dataio.files import HEADERS, OUTPUT_WAYS, as_csv, call_with_output, good_files
from tests.factories import AccountFactory, StakeholderFactory

HEADER = [
    "external_id",
    "name",
    "owner_email",
    "team",
    "arr",
    "status",
    "stakeholders",
    "strong_relationships",
    "single_threaded",
    "no_decision_maker_coverage",
    "champion_left",
    "relationship_score",
    "relationship_label",
    "score_confidence",
    "score_trend_30d",
    "engagement_drop",
    "customer_voice",
    "product_usage",
    "csm_perception",
    "gap_size",
    "gap_class",
    "gap_state",
    "customer_happiness",
    "company_happiness",
    "quadrant",
    "competitor_index",
    "weakest_dimension",
    "competitor_leads",
    "interactions_90d",
    "last_inbound",
    "suggested_stakeholders",
    "may_have_left",
    "going_dark",
]


def exported() -> str:
    out = StringIO()
    call_command("export_report", stdout=out)
    return out.getvalue()


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_report_columns_are_the_contract():
    assert [column.name for column in report_columns()] == HEADER


EMPTY_12 = "," * 12  # the gap and position columns: nothing computed yet
NO_MAIL = ",0,,0,0,0"  # capture's columns: no interaction, nothing found in mail


def test_export_writes_one_row_per_account_by_name_with_booleans_and_empty_cells(org):
    csv_import(files=good_files())

    lines = exported().splitlines()

    assert lines == [
        ",".join(HEADER),
        f"{org.account.external_id},Acme,csm@example.com,Team A,,active,0,0,true,true,false,,,,,"
        "false" + EMPTY_12 + NO_MAIL,
        "A-1,Acme Corp,csm@example.com,Team A,120000.50,active,4,2,false,false,false,,,,,false"
        + EMPTY_12
        + NO_MAIL,
        f"{org.other_account.external_id},Globex,outsider@example.com,Team B,,active,0,0,true,true,"
        "false,,,,,false" + EMPTY_12 + NO_MAIL,
        "A-2,Initech,teammate@example.com,Team A,,at_risk,0,0,true,true,true,,,,,false"
        + EMPTY_12
        + NO_MAIL,
    ]


def test_stakeholders_column_counts_active_people_only(org):
    StakeholderFactory.create_batch(3, account=org.account)
    StakeholderFactory(account=org.account, status=Stakeholder.Status.LEFT)

    acme = next(row for row in rows_of(exported()) if row["name"] == "Acme")

    assert acme["stakeholders"] == "3"


def test_export_to_a_file(org, tmp_path):
    target = tmp_path / "report.csv"
    out = StringIO()

    call_command("export_report", "--output", str(target), stdout=out)

    assert target.read_text() == exported()
    assert out.getvalue() == f"Wrote {target}.\n"


@pytest.mark.parametrize("way", OUTPUT_WAYS)
def test_export_writes_the_file_however_its_path_is_given(org, tmp_path, way):
    target = tmp_path / "report.csv"

    call_with_output("export_report", way, target)

    header, acme, *_ = target.read_text().splitlines()
    assert header == ",".join(HEADER)
    assert acme == (
        f"{org.account.external_id},Acme,csm@example.com,Team A,,active,0,0,true,true,false,,,,,"
        "false" + EMPTY_12 + NO_MAIL
    )


def test_download_holds_only_the_accounts_the_user_sees(client, org):
    client.force_login(org.csm)

    response = client.get(reverse("report_export"), {"q": "acme", "sort": "-arr", "page": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rapport-accounts-')
    text = b"".join(response.streaming_content).decode()
    assert [row["name"] for row in rows_of(text)] == ["Acme"]
    assert text.splitlines()[0] == ",".join(HEADER)


def test_download_for_an_admin_holds_every_account(client, org):
    client.force_login(org.admin)

    response = client.get(reverse("report_export"))

    text = b"".join(response.streaming_content).decode()
    assert [row["name"] for row in rows_of(text)] == ["Acme", "Globex"]


@pytest.mark.parametrize("size", [1, 20])
def test_download_query_count_is_the_same_at_any_size(client, org, django_assert_num_queries, size):
    for account in AccountFactory.create_batch(size, team=org.team, owner=org.csm):
        StakeholderFactory(account=account)
    client.force_login(org.csm)

    with django_assert_num_queries(2):  # user, the report
        response = client.get(reverse("report_export"))
        text = b"".join(response.streaming_content).decode()

    assert len(rows_of(text)) == size + 1


def test_import_export_round_trip_keeps_the_values_and_reimport_changes_nothing(org):
    files = good_files()
    csv_import(files=files)
    source = rows_of(files["accounts.csv"].decode())

    report = {row["external_id"]: row for row in rows_of(exported()) if row["external_id"]}

    carried = [name for name in HEADER if name in HEADERS["accounts.csv"]]
    assert carried == ["external_id", "name", "owner_email", "team", "arr", "status"]
    for row in source:
        out = report[row["external_id"]]
        assert {name: out[name] for name in carried} == {name: row[name] for name in carried}
    # accounts.csv with the report's values written over the columns the report carries
    rewritten = [
        {**row, **{name: report[row["external_id"]][name] for name in carried}} for row in source
    ]
    summary = csv_import(files={"accounts.csv": as_csv("accounts.csv", rewritten)})
    assert str(summary.files[0]) == "accounts.csv: 0 created, 0 updated, 2 unchanged"
