"""Importing good files: what gets created, re-imports, history, coverage and the command."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, UsageSnapshot
from dataio.importing import ImportRejected
from dataio.services import csv_import
from relationships.models import Stakeholder
from tests.dataio.files import account, as_csv, good_files, stakeholder


def managers() -> dict[str, str | None]:
    return dict(Stakeholder.objects.values_list("external_id", "reports_to__external_id"))


def summary_lines(summary) -> list[str]:
    return [str(result) for result in summary.files]


def test_import_of_all_three_files_creates_the_rows(org):
    summary = csv_import(files=good_files(), user=org.admin)

    assert summary_lines(summary) == [
        "accounts.csv: 2 created, 0 updated, 0 unchanged",
        "stakeholders.csv: 5 created, 0 updated, 0 unchanged",
        "usage.csv: 3 created, 0 updated, 0 unchanged",
    ]
    acme = Account.objects.get(external_id="A-1")
    assert (acme.name, acme.domain, acme.segment) == ("Acme Corp", "acme.example", "enterprise")
    assert (acme.owner, acme.team) == (org.csm, org.team)
    assert (acme.customer_since, acme.renewal_date) == (date(2021, 3, 1), date(2026, 3, 1))
    assert (acme.arr, acme.cost_to_serve) == (Decimal("120000.50"), Decimal("30000"))
    assert (acme.seats_purchased, acme.share_of_wallet, acme.status) == (250, 40, "active")
    initech = Account.objects.get(external_id="A-2")
    assert (initech.owner, initech.status, initech.arr) == (org.teammate, "at_risk", None)
    assert initech.leading_competitor is None

    assert managers() == {"S-1": None, "S-2": "S-1", "S-3": "S-4", "S-4": "S-1", "S-5": None}
    eve = Stakeholder.objects.get(external_id="S-4")
    assert (eve.account, eve.name, eve.title, eve.email) == (
        acme,
        "Eve Buyer",
        "CFO",
        "eve@acme.example",
    )
    assert (eve.role, eve.buying_influence, eve.relationship_since) == (
        "economic_buyer",
        "high",
        date(2022, 5, 17),
    )
    assert (eve.trust, eve.respect, eve.strength, eve.status) == ("high", "low", 4, "active")
    assert list(eve.owners.all()) == [org.csm]
    assert list(Stakeholder.objects.get(external_id="S-1").owners.all()) == []
    usage = UsageSnapshot.objects.get(account=acme, period_start=date(2025, 1, 1))
    assert (usage.active_users, usage.usage_value) == (120, Decimal("5400.25"))
    assert (usage.features_used, usage.features_available) == (8, 10)
    assert UsageSnapshot.objects.count() == 3


def test_import_refreshes_the_coverage_flags_of_the_accounts(org):
    csv_import(files=good_files())

    acme = Account.objects.get(external_id="A-1")
    assert acme.strong_relationships == 2  # S-1 at 5 and S-4 at 4
    assert (acme.single_threaded, acme.no_decision_maker_coverage) == (False, False)
    initech = Account.objects.get(external_id="A-2")
    assert (initech.strong_relationships, initech.champion_left) == (0, True)


def test_reimport_of_the_same_files_changes_nothing(org, database_state):
    csv_import(files=good_files())
    before = database_state()

    summary = csv_import(files=good_files())

    assert summary_lines(summary) == [
        "accounts.csv: 0 created, 0 updated, 2 unchanged",
        "stakeholders.csv: 0 created, 0 updated, 5 unchanged",
        "usage.csv: 0 created, 0 updated, 3 unchanged",
    ]
    assert database_state() == before


def test_reimport_updates_rows_in_place_without_duplicates(org):
    csv_import(files=good_files())
    pks = dict(Stakeholder.objects.values_list("external_id", "pk"))
    files = good_files()
    files["accounts.csv"] = files["accounts.csv"].replace(b"Acme Corp", b"Acme Corporation")
    files["stakeholders.csv"] = as_csv(
        "stakeholders.csv",
        [
            stakeholder("S-4", name="Eve Buyer", role="economic_buyer", strength="2"),
            stakeholder("S-6", name="New Person", reports_to_external_id="S-4"),
        ],
    )
    files["usage.csv"] = files["usage.csv"].replace(b"5400.25", b"6000")

    summary = csv_import(files=files)

    assert summary_lines(summary) == [
        "accounts.csv: 0 created, 1 updated, 1 unchanged",
        "stakeholders.csv: 1 created, 1 updated, 0 unchanged",
        "usage.csv: 0 created, 1 updated, 2 unchanged",
    ]
    assert Account.objects.filter(external_id="A-1").get().name == "Acme Corporation"
    assert Account.objects.count() == 4  # the two of the org fixture and the two imported
    eve = Stakeholder.objects.get(external_id="S-4")
    assert (eve.pk, eve.strength, eve.reports_to, eve.title) == (pks["S-4"], 2, None, "")
    assert list(eve.owners.all()) == []  # the new file names no owner
    assert managers()["S-6"] == "S-4"
    assert Stakeholder.objects.count() == 6
    assert UsageSnapshot.objects.get(usage_value=Decimal("6000")).period_start == date(2025, 1, 1)
    assert UsageSnapshot.objects.count() == 3
    assert Account.objects.get(external_id="A-1").strong_relationships == 1  # only S-1 now


def test_empty_codes_keep_the_stored_value_or_take_the_default(org):
    csv_import(files=good_files())
    files = {
        "stakeholders.csv": as_csv(
            "stakeholders.csv",
            [
                stakeholder("S-1", name="Dana Boss", role="", buying_influence="", strength="5"),
                stakeholder("S-7", role="", buying_influence="", status=""),
            ],
        )
    }

    csv_import(files=files)

    dana = Stakeholder.objects.get(external_id="S-1")
    assert (dana.role, dana.buying_influence) == ("decision_maker", "medium")
    newcomer = Stakeholder.objects.get(external_id="S-7")
    assert (newcomer.role, newcomer.buying_influence, newcomer.status) == (
        "user",
        "medium",
        "active",
    )


def test_import_keeps_history_naming_the_user_and_the_file(org):
    csv_import(files=good_files(), user=org.manager)
    files = {"stakeholders.csv": as_csv("stakeholders.csv", [stakeholder("S-2", strength="3")])}
    csv_import(files=files, user=org.admin)

    records = Stakeholder.history.filter(external_id="S-2").order_by("history_id")
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in records] == [
        ("+", org.manager, "CSV import (stakeholders.csv)"),
        ("~", org.admin, "CSV import (stakeholders.csv)"),
    ]
    assert [r.strength for r in records] == [None, 3]
    eve = Stakeholder.history.get(external_id="S-4")
    assert [owner.user for owner in eve.owners.all()] == [org.csm]
    assert Account.history.filter(external_id="A-1", history_type="+").count() == 1


def test_stakeholder_may_report_to_a_stored_stakeholder_of_the_same_account(org):
    csv_import(files=good_files())
    files = {
        "stakeholders.csv": as_csv(
            "stakeholders.csv", [stakeholder("S-9", reports_to_external_id="S-4")]
        )
    }

    csv_import(files=files)

    assert managers()["S-9"] == "S-4"


def test_leading_competitor_is_one_of_the_competitors_and_empty_leaves_it_unset(org):
    files = {
        "accounts.csv": as_csv(
            "accounts.csv",
            [
                account("A-1", leading_competitor="Rivalry Inc"),
                account("A-2", leading_competitor="Rivalry Inc"),
            ],
        )
    }
    csv_import(files=files)
    files["accounts.csv"] = as_csv(
        "accounts.csv", [account("A-1"), account("A-2", leading_competitor="Rivalry Inc")]
    )

    csv_import(files=files)

    a1, a2 = Account.objects.filter(external_id__in=["A-1", "A-2"]).order_by("external_id")
    assert a1.leading_competitor is None
    assert list(a1.competitors.values_list("name", flat=True)) == ["Rivalry Inc"]  # kept
    assert a2.leading_competitor.name == "Rivalry Inc"
    assert a1.competitors.get() == a2.leading_competitor


def test_manager_imports_only_into_their_own_teams(org, database_state):
    org.other_account.external_id = "G-1"
    org.other_account.save()
    before = database_state()
    files = {
        "accounts.csv": as_csv(
            "accounts.csv",
            [account("A-1"), account("A-2", owner_email="outsider@example.com", team="Team B")],
        ),
        "usage.csv": as_csv(
            "usage.csv", [{"account_external_id": "G-1", "period_start": "2025-01-01"}]
        ),
    }

    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files, user=org.manager)

    assert [str(error) for error in rejected.value.errors] == [
        "accounts.csv line 3, column owner_email: no user of your teams has the email"
        ' "outsider@example.com"',
        'accounts.csv line 3, column team: must be one of your teams, got "Team B"',
        "usage.csv line 2, column account_external_id: no account of your teams has the"
        ' external id "G-1" (in accounts.csv or Rapport)',
    ]
    assert database_state() == before
    assert csv_import(files=files, user=org.admin).files[1].created == 1


def test_import_command_prints_a_summary_and_reports_unknown_files(org, tmp_path):
    for name, data in good_files().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "notes.txt").write_text("not a csv")
    out, err = StringIO(), StringIO()

    call_command(
        "import_csv", str(tmp_path), "--user", "MANAGER@example.com", stdout=out, stderr=err
    )

    assert out.getvalue().splitlines() == [
        "accounts.csv: 2 created, 0 updated, 0 unchanged",
        "stakeholders.csv: 5 created, 0 updated, 0 unchanged",
        "usage.csv: 3 created, 0 updated, 0 unchanged",
        "Import done.",
    ]
    assert err.getvalue().startswith("Ignored notes.txt: not a file Rapport imports")
    assert Stakeholder.history.filter(history_user=org.manager).count() == 5


def test_import_command_lists_errors_on_stderr_and_fails(org, tmp_path, database_state):
    before = database_state()
    (tmp_path / "accounts.csv").write_bytes(as_csv("accounts.csv", [account("A-1", arr="-5")]))
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_csv", str(tmp_path), stdout=StringIO(), stderr=err)

    assert err.getvalue() == (
        "accounts.csv line 2, column arr: must be a number of 0 or more with at most 2 decimals,"
        ' got "-5"\n'
    )
    assert database_state() == before


def test_many_rows_are_written_in_bulk_and_updated_in_place(org, django_assert_max_num_queries):
    """Past a hundred rows PostgreSQL writes with COPY; the query count does not grow per row."""
    people = [
        stakeholder(
            f"S-{n}",
            reports_to_external_id=f"S-{n + 1}" if n < 249 else "",  # managers come later
            owner_email="csm@example.com",
            strength=str(n % 5 + 1),
        )
        for n in range(250)
    ]
    files = {
        "accounts.csv": as_csv("accounts.csv", [account("A-1")]),
        "stakeholders.csv": as_csv("stakeholders.csv", people),
    }
    with django_assert_max_num_queries(40):
        csv_import(files=files)
    for person in people:
        person["title"] = "Changed"

    summary = csv_import(files={"stakeholders.csv": as_csv("stakeholders.csv", people)})

    assert str(summary.files[0]) == "stakeholders.csv: 0 created, 250 updated, 0 unchanged"
    assert set(Stakeholder.objects.values_list("title", flat=True)) == {"Changed"}
    assert managers()["S-0"] == "S-1"
    assert Stakeholder.owners.through.objects.count() == 250
    assert Stakeholder.history.filter(history_type="~").count() == 250
    assert Account.objects.get(external_id="A-1").strong_relationships == 100


def test_stakeholder_without_reports_moves_to_another_account(org):
    csv_import(files=good_files())
    files = {"stakeholders.csv": as_csv("stakeholders.csv", [stakeholder("S-2", "A-2")])}

    csv_import(files=files)

    moved = Stakeholder.objects.get(external_id="S-2")
    assert (moved.account.external_id, moved.reports_to) == ("A-2", None)
    assert Stakeholder.objects.count() == 5


def test_coverage_flags_from_the_import_match_a_fresh_read(org):
    """The import computes the flags from the rows it holds; reading the stakeholders back
    gives the same, for the accounts a stakeholder left and joined too."""
    from relationships.people.services import COVERAGE_FIELDS, coverage_refresh

    def flags():
        return list(Account.objects.order_by("pk").values_list("pk", *COVERAGE_FIELDS))

    csv_import(files=good_files())
    moves = [  # the strong decision maker and the economic buyer move to A-2; S-5 leaves
        stakeholder("S-1", "A-2", role="decision_maker", strength="5"),
        stakeholder("S-4", "A-2", role="economic_buyer", strength="4"),
        stakeholder("S-2", "A-1", role="champion", status="left"),
        stakeholder("S-3", "A-1", strength="2"),
    ]
    csv_import(files={"stakeholders.csv": as_csv("stakeholders.csv", moves)})
    imported = flags()
    assert imported != [(pk, 0, True, True, False) for pk, *_ in imported]

    coverage_refresh(account_ids=Account.objects.values_list("pk", flat=True))

    assert flags() == imported
