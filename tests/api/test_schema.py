"""The OpenAPI document, tested against the API itself with schemathesis: every operation, as a
signed-in CSM (the browser session, with its CSRF token on writes), with generated input, valid
and not. Never a server error; every answer is one the document lists, in its shape.

RAPPORT_API_EXAMPLES examples per operation: 100 in CI (CI=true; over 3,000 across the 32
operations), 10 on a laptop."""

import os

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_access import PREFIX, api_routes
from tests.factories import (
    GapCaseFactory,
    InteractionFactory,
    InvitationFactory,
    OpenItemFactory,
    StakeholderFactory,
    TaskFactory,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
EXAMPLES = int(os.environ.get("RAPPORT_API_EXAMPLES", "100" if IN_CI else "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def connections_kept():
    """Requests sent straight to the WSGI application keep the test's database connection (as
    Django's test client does), instead of closing it when they finish."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(org, connections_kept):
    """The document as the API serves it."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def known(org) -> dict:
    """Ids of rows at the CSM's account, by the names paths and bodies give them: half the
    generated requests are aimed at them, so that they reach the services, not only the 404."""
    people = StakeholderFactory.create_batch(2, account=org.account)
    InteractionFactory(account=org.account, stakeholders=people)
    campaign = InvitationFactory(account=org.account, stakeholder=people[0]).campaign
    return {
        "account_id": org.account.pk,
        "account": org.account.pk,
        "stakeholder_id": people[0].pk,
        "stakeholder": people[0].pk,
        "reports_to": people[1].pk,
        "stakeholders": [person.pk for person in people],
        "owner": org.csm.pk,
        "owners": [org.csm.pk],
        "team": org.team.pk,
        "case_id": GapCaseFactory(account=org.account).pk,
        "task_id": TaskFactory(account=org.account).pk,
        "item_id": OpenItemFactory(account=org.account).pk,
        "campaign_id": campaign.pk,
        "campaign": campaign.pk,
    }


def aimed(case, known: dict):
    """The case with the ids it names replaced by those of rows the CSM may see."""
    for name in list(case.path_parameters or {}):
        if name in known:
            case.path_parameters[name] = known[name]
    for place in (case.query, case.body):
        if isinstance(place, dict):
            for name in list(place):
                if name in known and not isinstance(place[name], type(None)):
                    place[name] = known[name]
    return case


@pytest.fixture
def csm_session(org) -> dict:
    """The cookies and headers of the CSM's signed-in browser: its session and a CSRF token."""
    client = Client()
    client.force_login(org.csm)
    secret = _get_new_csrf_string()
    return {
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: client.cookies[
                django_settings.SESSION_COOKIE_NAME
            ].value,
            django_settings.CSRF_COOKIE_NAME: secret,
        },
        "headers": {"X-CSRFToken": secret},
    }


@pytest.mark.parametrize("route", sorted(api_routes()))
def test_api_answers_as_its_document_says(api_schema, csm_session, known, route):
    method, path = route.split(" ")
    operation = api_schema[PREFIX + path][method]

    @given(case=operation.as_strategy(), aim=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    def check(case, aim):
        if aim:
            case = aimed(case, known)
        if case.headers:  # the session signs in, not a bearer token the document allows too
            case.headers.pop("Authorization", None)
        response = case.call(**csm_session)
        case.validate_response(response, checks=CHECKS)

    check()
