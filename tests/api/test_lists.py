"""Lists: cursor pages, updated_since, the account list's filters, external ids, the usage
upsert, and the same number of queries whatever the number of rows."""

import datetime as dt
import json

import factory
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, UsageSnapshot
from api.services import api_token_create
from capture import decisions
from relationships.models import AccountScore, Alert, GapCase, Interaction, Stakeholder
from surveys.models import Answer, Question, Response
from tests.api.conftest import bearer
from tests.capture.factories import captured_interaction
from tests.factories import (
    AccountFactory,
    CompetitorRatingFactory,
    GapCaseFactory,
    InteractionFactory,
    InvitationFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    TaskFactory,
)


def post(client, url, body, method="POST"):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_cursor_pages_give_every_row_once(api_client, org):
    AccountFactory.create_batch(6, team=org.team, owner=org.csm)
    seen, url, pages = [], "/api/v1/accounts?limit=3", 0
    while url:
        body = api_client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    mine = Account.objects.filter(team=org.team).order_by("pk").values_list("pk", flat=True)
    assert seen == list(mine)
    assert pages == 3
    first = api_client.get("/api/v1/accounts?limit=3&segment=").json()
    assert first["next"].startswith("http://testserver/api/v1/accounts?")
    assert "segment=" in first["next"]  # the filters stay on every page


def test_account_list_filters_as_the_account_list(api_client, org):
    archived = AccountFactory(team=org.team, owner=org.csm, status=Account.Status.ARCHIVED)
    renewing = AccountFactory(
        team=org.team, owner=org.csm, renewal_date=timezone.localdate() + dt.timedelta(days=20)
    )

    def ids(**query):
        return [row["id"] for row in api_client.get("/api/v1/accounts", query).json()["results"]]

    assert ids() == [org.account.pk, renewing.pk]
    assert ids(status="archived") == [archived.pk]
    assert ids(renewal_within=30) == [renewing.pk]
    assert ids(renewal_within=0) == []  # renewing today: none
    assert ids(q="acme") == [org.account.pk]
    assert ids(team=org.other_team.pk) == []  # not a team of theirs: nothing


def test_updated_since_gives_what_changed(api_client, org):
    other = AccountFactory(team=org.team, owner=org.csm)
    since = timezone.now()
    url = f"/api/v1/accounts/{other.pk}"
    assert post(api_client, url, {"version": 0, "segment": "SMB"}, "PATCH").status_code == 200
    changed = api_client.get("/api/v1/accounts", {"updated_since": since.isoformat()}).json()
    assert [row["id"] for row in changed["results"]] == [other.pk]
    case = GapCaseFactory(account=org.account)
    GapCase.objects.filter(pk=case.pk).update(state_changed_at=since - dt.timedelta(days=1))
    assert (
        api_client.get("/api/v1/gap-cases", {"updated_since": since.isoformat()}).json()["results"]
        == []
    )
    post(api_client, f"/api/v1/gap-cases/{case.pk}/move", {"to": "acknowledged"})
    moved = api_client.get("/api/v1/gap-cases", {"updated_since": since.isoformat()}).json()
    assert [(row["id"], row["state"]) for row in moved["results"]] == [(case.pk, "acknowledged")]


ACTIVITY_CHANGES = [  # the list, a factory, its account's field, a change to a row
    ("/api/v1/interactions", InteractionFactory, "account", {"sentiment": 2}),
    ("/api/v1/moments", MomentFactory, "account", {"intensity": 3}),
    ("/api/v1/open-items", OpenItemFactory, "account", {"title": "Promised again"}),
    ("/api/v1/pulse-checks", PulseCheckFactory, "account", {"happiness": 2}),
    (
        "/api/v1/competitor-ratings",
        CompetitorRatingFactory,
        "stakeholder__account",
        {"our_rating": 5},
    ),
]


@pytest.mark.parametrize(("path", "factory_class", "account", "change"), ACTIVITY_CHANGES)
def test_activity_updated_since_gives_the_rows_changed_since(
    api_client, org, time_machine, path, factory_class, account, change
):
    kept, changed = factory_class.create_batch(2, **{account: org.account})
    since = timezone.now() + dt.timedelta(minutes=1)
    time_machine.move_to(since, tick=False)
    for name, value in change.items():
        setattr(changed, name, value)
    changed.save()

    found = api_client.get(path, {"updated_since": since.isoformat()}).json()["results"]

    assert [row["id"] for row in found] == [changed.pk]
    assert {name: found[0][name] for name in change} == change
    everything = api_client.get(path).json()["results"]
    assert [row["id"] for row in everything] == [kept.pk, changed.pk]


def test_activity_changed_through_its_services_moves_into_updated_since(
    api_client, org, time_machine
):
    corrected, hidden = (captured_interaction(org.account) for _ in range(2))
    untouched = captured_interaction(org.account)
    item = OpenItemFactory(account=org.account)
    since = timezone.now() + dt.timedelta(minutes=1)
    time_machine.move_to(since + dt.timedelta(seconds=1), tick=False)

    decisions.captured_sentiment_correct(message=corrected, sentiment=-2)
    decisions.captured_hide(message=hidden)
    assert post(api_client, f"/api/v1/open-items/{item.pk}/close", {}).status_code == 200

    query = {"updated_since": since.isoformat()}
    interactions = api_client.get("/api/v1/interactions", query).json()["results"]
    assert [(row["id"], row["sentiment"], row["summary"]) for row in interactions] == [
        (corrected.interaction_id, -2, corrected.subject),
        (hidden.interaction_id, 0, ""),
    ]
    assert untouched.interaction_id not in {row["id"] for row in interactions}
    items = api_client.get("/api/v1/open-items", query).json()["results"]
    assert [(row["id"], row["closed_on"]) for row in items] == [
        (item.pk, timezone.localdate().isoformat())
    ]


def test_external_ids_name_accounts_and_people(api_client, org):
    Account.objects.filter(pk=org.account.pk).update(external_id="CRM-1")
    created = post(
        api_client,
        "/api/v1/stakeholders",
        {"account_external_id": "CRM-1", "name": "Pat Lee", "external_id": "P-1"},
    )
    assert created.status_code == 201
    person = Stakeholder.objects.get(external_id="P-1")
    assert (person.account, person.name) == (org.account, "Pat Lee")
    logged = post(
        api_client,
        "/api/v1/interactions",
        {
            "account_external_id": "CRM-1",
            "stakeholder_external_ids": ["P-1"],
            "occurred_at": timezone.now().isoformat(),
            "channel": "call",
            "touchpoint": "service",
            "direction": "outbound",
            "sentiment": 2,
        },
    )
    assert logged.status_code == 201
    interaction = Interaction.objects.get()
    assert list(interaction.stakeholders.all()) == [person]
    assert interaction.our_person == org.csm  # the token's user, as the quick log does
    found = api_client.get("/api/v1/accounts", {"external_id": "CRM-1"}).json()["results"]
    assert [row["name"] for row in found] == ["Acme"]


def test_outsiders_external_id_answers_404_and_writes_nothing(client, org):
    Account.objects.filter(pk=org.account.pk).update(external_id="CRM-1")
    client.force_login(org.outsider)
    response = post(client, "/api/v1/stakeholders", {"account_external_id": "CRM-1", "name": "X"})
    assert response.status_code == 404
    assert Stakeholder.objects.count() == 0


def test_usage_upsert_replaces_the_periods_given_and_adds_the_others(org):
    api_client = Client(headers=bearer(api_token_create(user=org.manager, name="Product")[1]))
    UsageSnapshot.objects.create(
        account=org.account, period_start=dt.date(2026, 9, 1), active_users=5
    )
    UsageSnapshot.objects.create(
        account=org.account, period_start=dt.date(2026, 10, 1), active_users=6
    )
    periods = [
        {"period_start": "2026-10-01", "active_users": 60, "features_used": 3},
        {"period_start": "2026-11-01", "active_users": 70},
    ]
    url = f"/api/v1/accounts/{org.account.pk}/usage"
    response = post(api_client, url, {"periods": periods}, "PUT")
    assert response.status_code == 200
    stored = UsageSnapshot.objects.filter(account=org.account).order_by("period_start")
    assert [(u.period_start.month, u.active_users) for u in stored] == [(9, 5), (10, 60), (11, 70)]
    assert [row["active_users"] for row in api_client.get(url).json()] == [5, 60, 70]


def test_score_is_explained(api_client, org):
    from relationships.scoring.recompute import scores_recompute

    StakeholderFactory(account=org.account, strength=4)
    scores_recompute(account_ids=[org.account.pk])
    body = api_client.get(f"/api/v1/accounts/{org.account.pk}/score").json()
    org.account.refresh_from_db()
    score = org.account.relationship_score
    assert body["score"] == (None if score is None else str(score))
    assert body["day"] == timezone.localdate().isoformat()
    assert {part["name"] for part in body["components"]} >= {"sentiment", "engagement"}
    assert all(0 <= part["weight"] <= 1 for part in body["components"])
    history = api_client.get("/api/v1/scores", {"account": org.account.pk}).json()["results"]
    assert [row["day"] for row in history] == [timezone.localdate().isoformat()]


# --- query budgets --------------------------------------------------------------------------

BUDGET = 8  # the token, the page's rows, and one query per relation a row lists


def grow(org, count: int) -> None:
    """`count` more of everything a list shows, at the CSM's account and at new ones."""
    account = org.account
    people = StakeholderFactory.create_batch(
        count, account=account, email=factory.Sequence(lambda n: f"p{n}@customer.example")
    )
    question = Question.objects.filter(template__slug="relationship-check").first()
    today = timezone.localdate()
    start = AccountScore.objects.count()
    for n, person in enumerate(people):
        person.owners.add(org.csm)
        InteractionFactory(account=account, stakeholders=[person, people[0]])
        MomentFactory(account=account, stakeholder=person)
        OpenItemFactory(account=account, stakeholder=person)
        PulseCheckFactory(account=account, csm=org.csm)
        CompetitorRatingFactory(stakeholder=person)
        other = AccountFactory(team=org.team, owner=org.csm)
        GapCaseFactory(account=other)
        TaskFactory(account=account, stakeholder=person)
        Alert.objects.create(
            account=other, kind=Alert.Kind.SCORE_DROP, key="score_drop", reason="Dropped.",
            first_seen=timezone.now(),
        )  # fmt: skip
        for day in (start + 2 * n, start + 2 * n + 1):  # the card explains what moved
            AccountScore.objects.create(
                account=account, day=today - dt.timedelta(days=day), confidence=0.5,
                config_version=1, computed_at=timezone.now(),
            )  # fmt: skip
        UsageSnapshot.objects.create(
            account=account, period_start=today - dt.timedelta(days=7 * (start + n))
        )
        invitation = InvitationFactory(account=account, stakeholder=person)
        response = Response.objects.create(invitation=invitation)
        Answer.objects.create(
            response=response, question=question, account=account, stakeholder=person,
            answered_on=today, kind=question.kind, value=4,
        )  # fmt: skip


LISTS = [
    "/api/v1/accounts",
    "/api/v1/stakeholders",
    "/api/v1/interactions",
    "/api/v1/moments",
    "/api/v1/open-items",
    "/api/v1/pulse-checks",
    "/api/v1/competitor-ratings",
    "/api/v1/scores",
    "/api/v1/alerts",
    "/api/v1/gap-cases",
    "/api/v1/survey-campaigns",
    "/api/v1/survey-responses",
    "/api/v1/tasks",
    "/api/v1/accounts/{account}/usage",
    "/api/v1/accounts/{account}/score",
]


def counted(client, url) -> int:
    client.get(url)  # steady state: the token's last use is recorded
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", LISTS)
def test_list_query_count_is_the_same_for_1_and_12_rows(
    org, tokens, path, django_assert_max_num_queries
):
    client = Client(headers=bearer(tokens.writer))
    url = path.format(account=org.account.pk)
    grow(org, 1)
    small = counted(client, url)
    grow(org, 11)
    large = counted(client, url)
    assert large == small, f"{url}: {small} queries for 1 row, {large} for 12"
    with django_assert_max_num_queries(BUDGET):
        client.get(url)


@pytest.mark.parametrize("periods", [1, 24])
def test_usage_upsert_query_count_is_the_same_for_1_and_24_periods(org, periods):
    client = Client(headers=bearer(api_token_create(user=org.manager, name="Product")[1]))
    start = dt.date(2024, 1, 1)
    body = {"periods": [{"period_start": str(start + dt.timedelta(days=7 * n)), "active_users": n}
                        for n in range(periods)]}  # fmt: skip
    url = f"/api/v1/accounts/{org.account.pk}/usage"
    with CaptureQueriesContext(connection) as queries:
        assert post(client, url, body, "PUT").status_code == 200
    assert UsageSnapshot.objects.count() == periods
    assert len(queries) == 8  # whatever the number of periods
