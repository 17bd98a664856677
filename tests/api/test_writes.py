"""Writes go through the same services as the pages: the change history names who wrote, the
scores are recomputed, the coverage flags follow the people, and a move keeps the case's
trail."""

import json

from django.utils import timezone

from accounts.models import Account, UsageSnapshot
from relationships.models import AccountScore, GapTransition, Stakeholder
from tests.factories import GapCaseFactory, StakeholderFactory


def send(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_a_logged_interaction_has_the_scores_recomputed(
    api_client, org, django_capture_on_commit_callbacks
):
    person = StakeholderFactory(account=org.account, strength=4)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api_client, "POST", "/api/v1/interactions", {
            "account": org.account.pk, "occurred_at": timezone.now().isoformat(),
            "stakeholders": [person.pk], "channel": "call", "touchpoint": "service",
            "direction": "inbound", "sentiment": 2,
        })  # fmt: skip
    assert response.status_code == 201
    assert AccountScore.objects.filter(account=org.account).count() == 1  # tasks run eagerly


def test_a_stakeholder_change_is_in_their_history_by_the_tokens_user(api_client, org):
    person = StakeholderFactory(account=org.account, role="user")
    response = send(
        api_client, "PATCH", f"/api/v1/stakeholders/{person.pk}",
        {"version": person.version, "role": "champion", "owners": [org.teammate.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["owner_ids"]) == (
        "champion",
        [org.teammate.pk],
    )
    latest = Stakeholder.history.filter(id=person.pk).latest("history_date")
    assert (latest.role, latest.history_user) == ("champion", org.csm)


def test_adding_a_decision_maker_updates_the_coverage_flags(api_client, org):
    assert org.account.no_decision_maker_coverage
    response = send(api_client, "POST", "/api/v1/stakeholders", {
        "account": org.account.pk, "name": "Dana Cho", "role": "decision_maker", "strength": 4,
    })  # fmt: skip
    assert response.status_code == 201
    org.account.refresh_from_db()
    assert not org.account.no_decision_maker_coverage
    shown = api_client.get(f"/api/v1/accounts/{org.account.pk}").json()
    assert shown["no_decision_maker_coverage"] is False


def test_a_move_keeps_the_cases_trail(api_client, org):
    case = GapCaseFactory(account=org.account)
    moved = send(
        api_client, "POST", f"/api/v1/gap-cases/{case.pk}/move",
        {"to": "investigating", "note": "Called the sponsor."},
    )  # fmt: skip
    assert moved.status_code == 200
    trail = GapTransition.objects.get(case=case)
    assert (trail.to_state, trail.by, trail.note) == (
        "investigating",
        org.csm,
        "Called the sponsor.",
    )
    detail = api_client.get(f"/api/v1/gap-cases/{case.pk}").json()
    assert detail["state"] == "investigating"
    assert [t["to_state"] for t in detail["transitions"]] == ["investigating"]
    assigned = send(
        api_client, "POST", f"/api/v1/gap-cases/{case.pk}/assign",
        {"version": detail["version"], "owner": org.teammate.pk},
    )  # fmt: skip
    assert assigned.json()["owner_id"] == org.teammate.pk


def test_a_status_change_cannot_archive_or_restore_an_account(api_client, org):
    url = f"/api/v1/accounts/{org.account.pk}"
    response = send(api_client, "PATCH", url, {"version": 0, "status": "archived"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"
    Account.objects.filter(pk=org.account.pk).update(status=Account.Status.ARCHIVED)
    response = send(api_client, "PATCH", url, {"version": 0, "status": "active"})
    assert response.status_code == 422
    assert Account.objects.get(pk=org.account.pk).status == Account.Status.ARCHIVED


def test_a_csm_may_not_write_usage(api_client, org):
    periods = [{"period_start": "2026-11-01", "active_users": 900}]
    response = send(
        api_client, "PUT", f"/api/v1/accounts/{org.account.pk}/usage", {"periods": periods}
    )
    assert response.status_code == 403
    assert not UsageSnapshot.objects.exists()
