"""In real Chromium: the API's docs page works under the site's Content Security Policy (and
its "Try it out" writes with the session and its CSRF token), and a token is created and revoked
in the preferences page's section."""

import json
import re

import pytest
from django.utils import timezone

from api.models import ApiToken
from relationships.models import PulseCheck
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def csp_violations(page) -> list[str]:
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def sign_in(page) -> None:
    page.goto("/login/?next=/")
    page.get_by_label("Email address").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Accounts").wait_for()


def test_docs_page_lists_the_operations_under_the_content_security_policy(page, org):
    violations = csp_violations(page)
    response = page.goto("/api/v1/docs")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    page.get_by_text("/api/v1/accounts/{account_id}/score").first.wait_for()
    assert violations == []


def test_token_created_on_the_preferences_page_shows_once_then_revoked(page, org):
    sign_in(page)
    page.goto("/preferences/")
    page.get_by_role("heading", name="Personal API tokens").wait_for()  # loaded by htmx
    page.locator("#api-tokens").get_by_label("Name").fill("CRM sync")
    page.get_by_role("button", name="Create a token").click()
    secret = page.locator("#api-token-secret").inner_text()
    assert re.fullmatch(r"rpt_[0-9a-f]{12}_[\w-]{43}", secret)
    assert page.url.endswith("/preferences/")  # swapped in place
    page.reload()
    page.get_by_role("heading", name="Personal API tokens").wait_for()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("Revoked").wait_for()
    assert ApiToken.objects.get().revoked_at is not None


def test_docs_page_tries_a_write_with_the_session_and_its_csrf_token(page, org):
    sign_in(page)
    violations = csp_violations(page)
    page.goto("/api/v1/docs")
    page.locator("#operations-activity-api_activity_pulse_new").click()
    page.get_by_role("button", name="Try it out").click()
    body = json.dumps(
        {"account": org.account.pk, "checked_on": str(timezone.localdate()), "happiness": 4}
    )
    page.locator("#operations-activity-api_activity_pulse_new textarea.body-param__text").fill(body)
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text() == "201"
    assert PulseCheck.objects.get().csm == org.csm
    assert violations == []
