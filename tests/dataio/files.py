"""Import files for tests: rows as dicts with good defaults, written as CSV bytes; running
the export commands with their --output given each way."""

import datetime as dt
import io
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from dataio import exporting
from dataio.importing import file_specs

HEADERS = {spec.name: [column.name for column in spec.columns] for spec in file_specs()}
ACCOUNT_FILES = ["accounts.csv", "stakeholders.csv", "usage.csv"]
ACTIVITY_FILES = [
    "interactions.csv",
    "moments.csv",
    "pulse_checks.csv",
    "open_items.csv",
    "competitor_ratings.csv",
]
# The competitors the files name: an import names only competitors Rapport has (conftest.py
# adds these to the org of the import tests).
COMPETITORS = ["Rivalry Inc", "Orbit CX", 'Ünïcode, "Quoted" & Co']


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


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def interaction(account_external_id: str = "A-1", **values) -> dict:
    defaults = {
        "occurred_at": "2025-03-04T10:30:00",
        "channel": "email",
        "touchpoint": "service",
        "direction": "inbound",
        "sentiment": "0",
    }
    return {"account_external_id": account_external_id, **defaults, **values}


def moment(account_external_id: str = "A-1", **values) -> dict:
    defaults = {"moment_type": "go_live", "occurred_on": "2025-03-01", "emotion": "delighted"}
    return {"account_external_id": account_external_id, **defaults, **values}


def pulse_check(account_external_id: str = "A-1", **values) -> dict:
    defaults = {"csm_email": "csm@example.com", "checked_on": "2025-03-05", "happiness": "4"}
    return {"account_external_id": account_external_id, **defaults, **values}


def open_item(account_external_id: str = "A-1", **values) -> dict:
    defaults = {"kind": "promise", "title": "Send the roadmap", "opened_on": "2025-03-02"}
    return {"account_external_id": account_external_id, **defaults, **values}


def competitor_rating(account_external_id: str = "A-1", **values) -> dict:
    defaults = {
        "stakeholder_external_id": "S-1",
        "competitor": "Rivalry Inc",
        "dimension": "service",
        "our_rating": "4",
        "their_rating": "3",
        "rated_on": "2025-03-07",
    }
    return {"account_external_id": account_external_id, **defaults, **values}


def good_activity_files() -> dict[str, bytes]:
    """Activity of good_files()'s accounts: S-1 to S-4 are people of A-1, S-5 of A-2."""
    interactions = [
        interaction(
            stakeholder_external_ids="S-2; S-1",
            occurred_at="2025-03-04T10:30:00+01:00",
            channel="call",
            touchpoint="implementation",
            direction="outbound",
            sentiment="+2",
            verbosity="long",
            response_hours="1.5",
            summary="Kickoff call, went well",
            our_person_email="csm@example.com",
        ),
        interaction(stakeholder_external_ids="S-4", occurred_at="2025-03-05", sentiment="-1"),
        interaction(
            "A-2", occurred_at="2025-03-06T08:00:00Z", channel="chat", touchpoint="billing"
        ),
    ]
    moments = [
        moment(
            stakeholder_external_id="S-1",
            emotion="enraged",
            moment_type="outage",
            intensity="3",
            value_impact="-5000",
            identified_by="customer",
            note="Down for a day",
        ),
        moment(moment_type="first_invoice", occurred_on="2025-03-10", value_impact="+1200.50"),
        moment("A-2", moment_type="qbr", emotion="met", value_impact="created"),
    ]
    pulse_checks = [
        pulse_check(note="Happy after go-live"),
        pulse_check("A-2", csm_email="TEAMMATE@example.com", happiness="2"),
    ]
    open_items = [
        open_item(stakeholder_external_id="S-4", due_on="2099-01-01"),
        open_item(kind="ticket", title="Login fails", closed_on="2025-03-03"),
        open_item("A-2", kind="feature_request", title="SSO", stakeholder_external_id="S-5"),
    ]
    ratings = [
        competitor_rating(source="survey"),
        competitor_rating(dimension="technology_integration", our_rating="2", their_rating="5"),
        competitor_rating("A-2", stakeholder_external_id="S-5", competitor="Orbit CX"),
    ]
    return {
        "interactions.csv": as_csv("interactions.csv", interactions),
        "moments.csv": as_csv("moments.csv", moments),
        "pulse_checks.csv": as_csv("pulse_checks.csv", pulse_checks),
        "open_items.csv": as_csv("open_items.csv", open_items),
        "competitor_ratings.csv": as_csv("competitor_ratings.csv", ratings),
    }


def all_good_files() -> dict[str, bytes]:
    return {**good_files(), **good_activity_files()}


OUTPUT_WAYS = ["command line", "str from code", "Path from code"]


def call_with_output(command: str, way: str, output: Path) -> None:
    """Run an export command writing to `output`, given as typed on the command line or as
    code passes it to call_command (one of OUTPUT_WAYS)."""
    if way == "command line":
        call_command(command, "--output", str(output), stdout=io.StringIO())
    else:
        given = str(output) if way == "str from code" else output
        call_command(command, output=given, stdout=io.StringIO())
