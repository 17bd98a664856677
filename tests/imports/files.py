"""Import files for tests: rows as dicts with good defaults, written as CSV bytes."""

from accounts.dataio import exporting
from accounts.imports import AccountsFile, UsageFile
from relationships.imports import StakeholdersFile

HEADERS = {
    spec.name: [column.name for column in spec.columns]
    for spec in (AccountsFile, StakeholdersFile, UsageFile)
}


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    return exporting.csv_bytes([header, *rows])


def as_csv(name: str, rows: list[dict]) -> bytes:
    """A file of `name` (accounts.csv, ...) from dicts that may leave columns out."""
    header = HEADERS[name]
    return csv_bytes(header, [[str(row.get(column, "")) for column in header] for row in rows])


def account(external_id: str, **values) -> dict:
    defaults = {
        "name": f"Customer {external_id}",
        "owner_email": "csm@example.com",
        "team": "Team A",
    }
    return {"external_id": external_id, **defaults, **values}


def stakeholder(external_id: str, account_external_id: str = "A-1", **values) -> dict:
    defaults = {"name": f"Person {external_id}", "role": "user", "buying_influence": "medium"}
    return {
        "external_id": external_id,
        "account_external_id": account_external_id,
        **defaults,
        **values,
    }


def usage(account_external_id: str, period_start: str, **values) -> dict:
    return {"account_external_id": account_external_id, "period_start": period_start, **values}


def good_files() -> dict[str, bytes]:
    """Two accounts of Team A, five stakeholders (S-3 reports to the later row S-4), usage."""
    accounts = [
        account(
            "A-1",
            name="Acme Corp",
            domain="acme.example",
            segment="enterprise",
            customer_since="2021-03-01",
            renewal_date="2026-03-01",
            arr="120000.50",
            cost_to_serve="30000",
            seats_purchased="250",
            share_of_wallet="40",
            status="active",
            leading_competitor="Rivalry Inc",
        ),
        account("A-2", name="Initech", owner_email="teammate@example.com", status="at_risk"),
    ]
    stakeholders = [
        stakeholder("S-1", name="Dana Boss", role="decision_maker", strength="5", trust="high"),
        stakeholder("S-2", name="Chris Champ", role="champion", reports_to_external_id="S-1"),
        stakeholder("S-3", name="Uma User", reports_to_external_id="S-4", strength="2"),
        stakeholder(
            "S-4",
            name="Eve Buyer",
            role="economic_buyer",
            buying_influence="high",
            reports_to_external_id="S-1",
            owner_email="csm@example.com",
            relationship_since="2022-05-17",
            trust="high",
            respect="low",
            strength="4",
            email="eve@acme.example",
            title="CFO",
        ),
        stakeholder("S-5", "A-2", name="Ian Init", status="left", role="champion"),
    ]
    usages = [
        usage(
            "A-1",
            "2025-01-01",
            active_users="120",
            usage_value="5400.25",
            features_used="8",
            features_available="10",
        ),
        usage("A-1", "2025-02-01", active_users="130"),
        usage("A-2", "2025-01-01", features_used="3", features_available="3"),
    ]
    return {
        "accounts.csv": as_csv("accounts.csv", accounts),
        "stakeholders.csv": as_csv("stakeholders.csv", stakeholders),
        "usage.csv": as_csv("usage.csv", usages),
    }
