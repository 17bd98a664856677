"""Every route of the JSON API, for every caller: anonymous, a CSM of another team (the
outsider), a CSM of the owning team (the teammate), its manager, an admin, and tokens of the
account's CSM that may write, only read, were revoked or have expired.

The routes come from the API object's OpenAPI document, so a new route without an entry in
ROUTES fails `test_every_api_route_has_an_access_rule`.
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.utils import timezone

from api.api import api
from relationships.models import AccountScore, Alert
from relationships.scoring.recompute import scores_recompute
from surveys.models import Response
from tests.api.conftest import bearer
from tests.factories import (
    CompetitorFactory,
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

PREFIX = "/api/v1"
SESSIONS = ("outsider", "teammate", "manager", "admin")
TOKENS = ("token", "read_only", "revoked", "expired")
ROLES = ("anonymous", *SESSIONS, *TOKENS)


@dataclass
class Route:
    """`setup(org)` makes what the call needs and returns the path's ids and, for a list, the
    id of a row of org.account it must show the team and hide from the outsider; `body(org,
    ids)` is a valid request body for a write."""

    setup: Callable = lambda org: {}
    body: Callable | None = None
    ok: int = 200
    managers_only: bool = False
    listed: str = ""  # the key naming the row in a list's results ("id" or "account_id")
    extra: dict = field(default_factory=dict)


def today() -> str:
    return timezone.localdate().isoformat()


def a_person(org):
    return {"stakeholder_id": StakeholderFactory(account=org.account).pk}


def listed(make):
    return lambda org: {"row": make(org)}


def a_score(org):
    StakeholderFactory(account=org.account, strength=4)
    scores_recompute(account_ids=[org.account.pk])
    return AccountScore.objects.get(account=org.account).pk


def an_alert(org):
    alert = Alert.objects.create(
        account=org.account, kind=Alert.Kind.SCORE_DROP, key="score_drop", reason="Dropped.",
        first_seen=timezone.now(),
    )  # fmt: skip
    return alert.pk


def a_response(org):
    invitation = InvitationFactory(account=org.account, stakeholder__account=org.account)
    return Response.objects.create(invitation=invitation).pk


ROUTES: dict[str, Route] = {
    "GET /accounts": Route(listed(lambda org: org.account.pk), listed="id"),
    "POST /accounts": Route(
        body=lambda org, ids: {"name": "Initech", "team": org.team.pk, "owner": org.csm.pk},
        ok=201,
        managers_only=True,
    ),
    "GET /accounts/{account_id}": Route(lambda org: {"account_id": org.account.pk}),
    "PATCH /accounts/{account_id}": Route(
        lambda org: {"account_id": org.account.pk},
        body=lambda org, ids: {"version": 0, "segment": "Enterprise"},
    ),
    "POST /accounts/{account_id}/archive": Route(
        lambda org: {"account_id": org.account.pk}, managers_only=True
    ),
    "GET /accounts/{account_id}/usage": Route(lambda org: {"account_id": org.account.pk}),
    "PUT /accounts/{account_id}/usage": Route(
        lambda org: {"account_id": org.account.pk},
        body=lambda org, ids: {"periods": [{"period_start": today(), "active_users": 12}]},
        managers_only=True,
    ),
    "GET /accounts/{account_id}/score": Route(lambda org: {"account_id": org.account.pk}),
    "GET /stakeholders": Route(listed(lambda org: a_person(org)["stakeholder_id"]), listed="id"),
    "POST /stakeholders": Route(
        body=lambda org, ids: {"account": org.account.pk, "name": "Pat Lee"}, ok=201
    ),
    "GET /stakeholders/{stakeholder_id}": Route(a_person),
    "PATCH /stakeholders/{stakeholder_id}": Route(
        a_person, body=lambda org, ids: {"version": 0, "title": "CTO"}
    ),
    "GET /interactions": Route(
        listed(lambda org: InteractionFactory(account=org.account).pk), listed="id"
    ),
    "POST /interactions": Route(
        a_person,
        body=lambda org, ids: {
            "account": org.account.pk,
            "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "stakeholders": [ids["stakeholder_id"]],
            "channel": "email",
            "touchpoint": "service",
            "direction": "inbound",
            "sentiment": 1,
        },
        ok=201,
    ),
    "GET /moments": Route(listed(lambda org: MomentFactory(account=org.account).pk), listed="id"),
    "POST /moments": Route(
        body=lambda org, ids: {
            "account": org.account.pk,
            "moment_type": "go_live",
            "occurred_on": today(),
            "emotion": "met",
        },
        ok=201,
    ),  # fmt: skip
    "GET /open-items": Route(
        listed(lambda org: OpenItemFactory(account=org.account).pk), listed="id"
    ),
    "POST /open-items": Route(
        body=lambda org, ids: {
            "account": org.account.pk,
            "kind": "promise",
            "title": "Send the roadmap",
            "opened_on": today(),
        },
        ok=201,
    ),  # fmt: skip
    "POST /open-items/{item_id}/close": Route(
        lambda org: {"item_id": OpenItemFactory(account=org.account).pk}
    ),
    "GET /pulse-checks": Route(
        listed(lambda org: PulseCheckFactory(account=org.account, csm=org.csm).pk), listed="id"
    ),
    "POST /pulse-checks": Route(
        body=lambda org, ids: {"account": org.account.pk, "checked_on": today(), "happiness": 4},
        ok=201,
    ),
    "GET /competitor-ratings": Route(
        listed(lambda org: CompetitorRatingFactory(stakeholder__account=org.account).pk),
        listed="id",
    ),
    "POST /competitor-ratings": Route(
        lambda org: {**a_person(org), "competitor": CompetitorFactory(name="Rival").name},
        body=lambda org, ids: {
            "account": org.account.pk,
            "stakeholder": ids["stakeholder_id"],
            "competitor": ids["competitor"],
            "dimension": "service",
            "our_rating": 4,
            "their_rating": 3,
            "rated_on": today(),
        },
        ok=201,
    ),  # fmt: skip
    "GET /scores": Route(listed(a_score), listed="id"),
    "GET /alerts": Route(listed(an_alert), listed="id"),
    "GET /gap-cases": Route(
        listed(lambda org: GapCaseFactory(account=org.account).pk), listed="id"
    ),
    "GET /gap-cases/{case_id}": Route(
        lambda org: {"case_id": GapCaseFactory(account=org.account).pk}
    ),
    "POST /gap-cases/{case_id}/move": Route(
        lambda org: {"case_id": GapCaseFactory(account=org.account).pk},
        body=lambda org, ids: {"to": "acknowledged"},
    ),
    "POST /gap-cases/{case_id}/assign": Route(
        lambda org: {"case_id": GapCaseFactory(account=org.account).pk},
        body=lambda org, ids: {"version": 0, "owner": org.teammate.pk},
    ),
    "GET /survey-campaigns": Route(
        listed(
            lambda org: (
                InvitationFactory(account=org.account, stakeholder__account=org.account).campaign_id
            )
        ),
        listed="id",
    ),
    "GET /survey-campaigns/{campaign_id}": Route(
        lambda org: {
            "campaign_id": InvitationFactory(
                account=org.account, stakeholder__account=org.account
            ).campaign_id
        }
    ),
    "GET /survey-responses": Route(listed(a_response), listed="id"),
    "GET /tasks": Route(listed(lambda org: TaskFactory(account=org.account).pk), listed="id"),
    "POST /tasks": Route(
        lambda org: {},
        body=lambda org, ids: {"account": org.account.pk, "title": "Call", "due_on": today()},
        ok=201,
    ),
    "POST /tasks/{task_id}/complete": Route(
        lambda org: {"task_id": TaskFactory(account=org.account).pk}
    ),
}


def api_routes() -> set[str]:
    """Every operation of the API, as "METHOD /path" (below /api/v1)."""
    paths = api.get_openapi_schema()["paths"]
    return {
        f"{method.upper()} {path.removeprefix(PREFIX)}"
        for path, operations in paths.items()
        for method in operations
    }


def test_every_api_route_has_an_access_rule():
    assert sorted(api_routes() - set(ROUTES)) == [], f"add these routes to ROUTES in {__file__}"
    assert sorted(set(ROUTES) - api_routes()) == [], "these routes are gone: remove them"


def caller(role: str, org, tokens) -> Client:
    if role in SESSIONS:
        client = Client()
        client.force_login(getattr(org, role))
        return client
    secret = {"token": tokens.writer, "read_only": tokens.read_only,
              "revoked": tokens.revoked, "expired": tokens.expired}.get(role)  # fmt: skip
    return Client(headers=bearer(secret)) if secret else Client()


def expected(route: Route, method: str, path: str, role: str) -> int:
    write = method != "GET"
    if role in ("anonymous", "revoked", "expired"):
        return 401
    if role == "read_only" and write:
        return 403
    if role == "outsider":  # a CSM: refused an account's creation, and shown nothing of ours
        return 403 if route.managers_only and "{" not in path else 404
    if route.managers_only and role in ("teammate", "token", "read_only"):
        return 403
    return route.ok


def rows_of(response) -> set:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_api_access_matrix(org, tokens, name, role):
    route = ROUTES[name]
    method, path = name.split(" ")
    ids = route.setup(org)
    url = PREFIX + path.format(**ids)
    client = caller(role, org, tokens)
    if method == "GET":
        response = client.get(url)
    else:
        body = route.body(org, ids) if route.body else {}
        response = client.generic(
            method, url, data=json.dumps(body), content_type="application/json"
        )
    want = 200 if route.listed and role == "outsider" else expected(route, method, path, role)
    assert response.status_code == want, (url, role, response.content[:300])
    detail = response.json().get("detail") if response.status_code >= 400 else None
    if want >= 400:
        assert isinstance(detail, str), response.content
        assert detail, response.content
    if route.listed and want == 200:
        shown = ids["row"] in rows_of(response)
        assert shown == (role != "outsider"), (url, role)
