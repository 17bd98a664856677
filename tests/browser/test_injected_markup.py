"""In real Chromium: markup a CSM stores in a name cannot act in an admin's browser.

The attack it replays: htmx attributes across a stakeholder's and an account's name, shown in
the campaign preview an admin opens, made the admin's browser post to the admin's user page
with the admin's CSRF token. Names are now text on the page; and were markup ever to reach a
page, htmx would still send nothing that is not one of the app's own forms.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_account_page import log_in
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.browser


def promote(user) -> str:
    return (
        f'<p hx-post="/admin/accounts/user/{user.pk}/change/" hx-trigger="load"'
        ' hx-vals=\'{"is_superuser": "on", "is_staff": "on"}\'>Ada</p>'
    )


def posts_to(page, prefix: str) -> list[str]:
    """Collects the URLs of POSTs the page sends under this path, as they happen."""
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.url) if request.method == "POST" and prefix in request.url else None
        ),
    )
    return sent


def test_markup_in_names_does_not_act_in_the_admins_campaign_preview(page, org):
    org.account.name = promote(org.csm)
    org.account.save()
    StakeholderFactory(account=org.account, name=promote(org.csm), email="ada@acme.example")
    sent = posts_to(page, "/admin/")
    log_in(page, "admin@example.com")
    page.goto("/campaigns/new/")
    page.get_by_label("Campaign name").fill("Company-wide check")
    page.get_by_label("Accounts", exact=True).select_option(label=org.account.name)
    page.get_by_role("button", name="Preview").click()
    email = page.locator("pre")
    expect(email).to_contain_text('Hello <p hx-post="/admin/accounts/user/')
    expect(email).to_contain_text("would like to know how working together feels for you at <p")
    expect(page.locator("[hx-post^='/admin/']")).to_have_count(0)  # text, nothing to trigger
    assert sent == []
    org.csm.refresh_from_db()
    assert not org.csm.is_superuser


def test_htmx_sends_nothing_for_markup_that_is_not_the_apps_own_form(page, org):
    log_in(page)
    page.get_by_role("link", name="Acme").click()
    target = f"/accounts/{org.account.pk}/log/pulse/"
    sent = posts_to(page, target)
    page.locator("#quicklog-interaction").wait_for()
    page.evaluate(
        """() => {
          window.postsTried = [];  // each POST htmx was about to send: was it cancelled?
          document.addEventListener("htmx:configRequest", (event) => {
            if (event.detail.verb === "post") window.postsTried.push(event.defaultPrevented);
          });
        }"""
    )
    page.evaluate(
        """(target) => {
          const outside = document.createElement("p");
          outside.setAttribute("hx-post", target);
          outside.setAttribute("hx-trigger", "load");
          outside.setAttribute("hx-include", "[name=csrfmiddlewaretoken]");
          document.querySelector("main").append(outside);
          const inside = outside.cloneNode();
          document.querySelector("#quicklog-interaction").append(inside);
          htmx.process(outside);
          htmx.process(inside);
        }""",
        target,
    )
    page.wait_for_function("window.postsTried.length === 2")  # both load triggers fired
    assert page.evaluate("window.postsTried") == [True, True]
    assert sent == []
    assert org.account.pulse_checks.count() == 0
