"""Input the API refuses: 422 with `{"detail": [{loc, msg, type}]}` naming the field, and
nothing written, whether the request's schema or the write service refused it."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.models import Account, UsageSnapshot
from relationships.models import GapCase, GapTransition, Interaction, Stakeholder
from tests.factories import GapCaseFactory, StakeholderFactory


def call(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def fields_of(response) -> set[str]:
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert all(set(error) >= {"loc", "msg", "type"} for error in detail)
    return {str(error["loc"][-1]) for error in detail}


def state():
    return (
        list(Account.objects.values()),
        list(Stakeholder.objects.values()),
        Interaction.objects.count(),
        list(UsageSnapshot.objects.values()),
        list(GapCase.objects.values()),
        GapTransition.objects.count(),
    )


def taken(account) -> str:
    Account.objects.filter(pk=account.pk).update(external_id="CRM-2")
    return "CRM-2"


def yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


CASES = [
    # the schema refuses: a wrong type, a value out of range, a missing field
    ("POST", "/accounts", lambda org: {"name": "Initech", "team": "x", "owner": org.csm.pk},
     "team", "manager"),
    ("POST", "/accounts", lambda org: {"team": org.team.pk, "owner": org.csm.pk}, "name",
     "manager"),
    # the service refuses: the renewal before "customer since" (Account.clean)
    ("POST", "/accounts", lambda org: {
        "name": "Initech", "team": org.team.pk, "owner": org.csm.pk,
        "customer_since": "2024-05-01", "renewal_date": "2024-01-01"}, "renewal_date",
     "manager"),
    # an owner outside the team
    ("POST", "/accounts", lambda org: {
        "name": "Initech", "team": org.team.pk, "owner": org.outsider.pk}, "owner", "admin"),
    # an external id another account has
    ("PATCH", "/accounts/{account}", lambda org: {
        "version": 0, "external_id": taken(org.other_account)}, "external_id", "csm"),
    ("PATCH", "/accounts/{account}", lambda org: {"version": 0, "share_of_wallet": "120"},
     "share_of_wallet", "csm"),
    ("POST", "/stakeholders", lambda org: {
        "account": org.account.pk, "name": "Pat", "owners": [org.outsider.pk]}, "owners", "csm"),
    ("POST", "/stakeholders", lambda org: {
        "account": org.account.pk, "name": "Pat", "email": "not an address"}, "email", "csm"),
    # a person of another account
    ("POST", "/interactions", lambda org: {
        "account": org.account.pk, "occurred_at": timezone.now().isoformat(),
        "stakeholders": [StakeholderFactory(account=org.other_account).pk],
        "channel": "email", "touchpoint": "service", "direction": "inbound", "sentiment": 0},
     "stakeholders", "admin"),
    # nobody named
    ("POST", "/interactions", lambda org: {
        "account": org.account.pk, "occurred_at": timezone.now().isoformat(),
        "channel": "email", "touchpoint": "service", "direction": "inbound", "sentiment": 0},
     "stakeholders", "csm"),
    ("POST", "/interactions", lambda org: {
        "account": org.account.pk, "occurred_at": timezone.now().isoformat(),
        "stakeholders": [StakeholderFactory(account=org.account).pk],
        "channel": "carrier-pigeon", "touchpoint": "service", "direction": "inbound",
        "sentiment": 0}, "channel", "csm"),
    ("POST", "/interactions", lambda org: {
        "account": org.account.pk, "occurred_at": "2099-01-01T00:00:00Z",
        "stakeholders": [StakeholderFactory(account=org.account).pk],
        "channel": "email", "touchpoint": "service", "direction": "inbound", "sentiment": 3},
     "sentiment", "csm"),
    # one bad period refuses them all
    ("PUT", "/accounts/{account}/usage", lambda org: {"periods": [
        {"period_start": yesterday(), "active_users": 10},
        {"period_start": "2026-01-05", "features_used": 9, "features_available": 3}]},
     "2026-01-05: features_used", "manager"),
    ("PUT", "/accounts/{account}/usage", lambda org: {"periods": [
        {"period_start": yesterday()}, {"period_start": yesterday()}]},
     f"{yesterday()}: period_start", "manager"),
    # a move the workflow refuses; resolving an open gap and dismissing, each without a reason
    ("POST", "/gap-cases/{case}/move", lambda org: {"to": "resolved"}, "reason", "csm"),
    ("POST", "/gap-cases/{case}/move", lambda org: {"to": "detected"}, "to", "csm"),
    ("POST", "/gap-cases/{case}/move", lambda org: {"to": "dismissed"}, "reason", "csm"),
    ("POST", "/gap-cases/{case}/assign", lambda org: {"version": 0, "owner": org.outsider.pk},
     "owner", "csm"),
    ("POST", "/gap-cases/{case}/assign", lambda org: {
        "version": 0, "owner": org.csm.pk, "due_on": "2001-01-01"}, "due_on", "csm"),
    # a NUL character, which PostgreSQL cannot store, in text and in a list of texts
    ("POST", "/gap-cases/{case}/move", lambda org: {
        "to": "dismissed", "reason": "Not \x00 ours"}, "reason", "csm"),
    ("POST", "/interactions", lambda org: {
        "account": org.account.pk, "occurred_at": timezone.now().isoformat(),
        "stakeholder_external_ids": ["CRM-\x001"], "channel": "email",
        "touchpoint": "service", "direction": "inbound", "sentiment": 0},
     "stakeholder_external_ids", "csm"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "field", "role"), CASES)
def test_refused_input_answers_422_by_field_and_writes_nothing(
    client, org, method, path, body, field, role
):
    case = GapCaseFactory(account=org.account)
    client.force_login(getattr(org, role))
    url = "/api/v1" + path.format(account=org.account.pk, case=case.pk)
    data = body(org)
    before = state()
    response = call(client, method, url, data)
    assert field in fields_of(response)
    assert state() == before


def test_a_stale_version_answers_409_and_writes_nothing(client, org):
    client.force_login(org.csm)
    url = f"/api/v1/accounts/{org.account.pk}"
    assert call(client, "PATCH", url, {"version": 0, "segment": "SMB"}).status_code == 200
    stale = call(client, "PATCH", url, {"version": 0, "segment": "Enterprise"})
    assert stale.status_code == 409
    assert "Nothing was saved" in stale.json()["detail"]
    org.account.refresh_from_db()
    assert org.account.segment == "SMB"


def test_malformed_json_answers_400(client, org):
    client.force_login(org.csm)
    response = client.generic(
        "POST", "/api/v1/pulse-checks", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_patch_null_clears_a_date_and_keeps_the_name(client, org):
    Account.objects.filter(pk=org.account.pk).update(renewal_date=dt.date(2027, 1, 1))
    client.force_login(org.csm)
    url = f"/api/v1/accounts/{org.account.pk}"
    response = call(client, "PATCH", url, {"version": 0, "renewal_date": None, "name": None})
    assert response.status_code == 200
    org.account.refresh_from_db()
    assert (org.account.renewal_date, org.account.name) == (None, "Acme")


@pytest.mark.parametrize("since", ["0097-10-18T03:10:19+17:17", "0001-01-01T00:00:00+01:00"])
def test_updated_since_with_any_iso_offset_answers_a_page(client, org, since):
    client.force_login(org.csm)

    response = client.get("/api/v1/accounts", {"updated_since": since})

    assert response.status_code == 200, response.content
    assert [account["name"] for account in response.json()["results"]] == ["Acme"]


@pytest.mark.parametrize(
    ("occurred_at", "status"),
    [
        ("2026-11-30T09:00:00", 201),  # no offset: UTC
        ("2026-11-30T09:00:00+17:17", 201),  # an offset PostgreSQL would refuse
        ("0001-01-01T00:00:00+01:00", 422),  # before the calendar's start in UTC
    ],
)
def test_any_iso_time_of_an_interaction_is_stored_in_utc_or_refused_on_its_field(
    api_client, org, occurred_at, status
):
    person = StakeholderFactory(account=org.account)
    response = api_client.post(
        "/api/v1/interactions",
        {
            "account": org.account.pk,
            "occurred_at": occurred_at,
            "stakeholders": [person.pk],
            "channel": "email",
            "touchpoint": "service",
            "direction": "inbound",
            "sentiment": 1,
        },  # fmt: skip
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["detail"][0]["loc"][-1] == "occurred_at"
        assert not Interaction.objects.exists()


# not base64 of "after:<id>"; "after:" and a digit that is not ASCII; no base64 at all
@pytest.mark.parametrize("cursor", ["bm90LWEtY3Vyc29y", "YWZ0ZXI6wrI", "%%%"])
def test_a_cursor_the_api_did_not_give_answers_422(api_client, cursor):
    response = api_client.get("/api/v1/accounts", {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
