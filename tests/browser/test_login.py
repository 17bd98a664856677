"""In real Chromium: a CSM logs in and sees their team's accounts."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_csm_logs_in_and_sees_the_account_list(page, org):
    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    page.get_by_label("Email address").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Accounts").wait_for()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert rows.first.inner_text().strip().startswith("Acme")  # after the row's select box
    assert page.get_by_text("Globex").count() == 0


def test_pages_run_under_a_strict_content_security_policy(page, org):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto("/login/?next=/")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self' 'nonce-" in policy
    page.get_by_label("Email address").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Accounts").wait_for()
    assert page.evaluate("typeof htmx") == "object"
    assert violations == []


def test_after_the_session_expires_the_next_click_asks_for_the_login_again(
    page, org, settings, time_machine
):
    page.goto("/login/?next=/")
    page.get_by_label("Email address").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Acme").click()
    page.get_by_role("heading", name="Acme").wait_for()
    expect(page.locator("[aria-busy=true]")).to_have_count(0)  # its sections have loaded
    # the server's clock passes the session's age (the browser keeps its cookie)
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    # an htmx request (the moment form loads when its tab opens): the whole page goes to the
    # login, not a login form squeezed into the tab
    page.get_by_role("tab", name="Log moment").click()
    page.wait_for_url(f"**/login/?next=/accounts/{org.account.pk}/**")
    assert page.get_by_role("button", name="Log in").is_visible()
    assert page.get_by_role("heading", name="Acme").count() == 0
