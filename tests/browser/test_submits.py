"""In real Chromium: a second click on "Create campaign" while the form is being sent sends
nothing, and the second of two people saving the same stakeholder sees, in place, who changed
what before them."""

import re

import pytest
from playwright.sync_api import expect

from relationships.models import Stakeholder
from surveys.models import Campaign
from tests.browser.test_account_page import log_in
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.browser
# Click the button, then 50 ms later click it again and submit its form from a script; resolve
# to whether the button was disabled by then, and to whether each submit event was cancelled
# (a cancelled submit sends nothing).
SEND_TWICE = """(name) => {
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent === name);
  const cancelled = [];
  document.addEventListener("submit", (event) => cancelled.push(event.defaultPrevented));
  button.click();
  return new Promise((resolve) => setTimeout(() => {
    const disabled = button.disabled;
    button.click();
    button.form.requestSubmit();
    resolve([disabled, cancelled]);
  }, 50));
}"""


def test_a_second_click_on_create_campaign_while_it_is_sent_sends_nothing(page, org):
    StakeholderFactory(account=org.account, name="Ada Lovelace", email="ada@acme.example")
    log_in(page)
    page.goto(f"/campaigns/new/?accounts={org.account.pk}")
    page.get_by_label("Campaign name").fill("Spring relationship check")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Will be invited (1)")).to_be_visible()
    held = []  # the posts sent, held until both clicks are done
    page.route(re.compile(r"/campaigns/new/"), lambda route: held.append(route))

    with page.expect_request(re.compile(r"/campaigns/new/")):
        disabled_after_the_first, cancelled = page.evaluate(SEND_TWICE, "Create campaign")

    assert disabled_after_the_first
    assert cancelled == [False, True]  # the first submit is sent, the second goes nowhere
    assert len(held) == 1
    assert "action=create" in held[0].request.post_data  # the clicked button went with it
    held[0].continue_()
    expect(page).to_have_url(re.compile(r"/campaigns/\d+/$"))
    assert page.url.endswith(Campaign.objects.get().get_absolute_url())


def test_the_second_of_two_editors_sees_who_changed_the_stakeholder(browser, live_server, org):
    StakeholderFactory(account=org.account, name="Rita Alvarez", title="Director")
    editors = []
    for email in ("csm@example.com", "teammate@example.com"):
        editor = browser.new_context(base_url=live_server.url).new_page()
        log_in(editor, email)
        editor.goto(org.account.get_absolute_url())
        editor.get_by_role("link", name="Edit Rita Alvarez").click()
        editors.append(editor.locator("#people"))
    first, second = editors

    first.get_by_label("Title").fill("VP Operations")
    first.get_by_role("button", name="Save stakeholder").click()
    expect(first.locator("#stakeholder-table")).to_contain_text("VP Operations")
    second.get_by_label("Title").fill("Head of Operations")
    second.get_by_role("button", name="Save stakeholder").click()

    expect(second.get_by_role("alert")).to_contain_text(
        f"Changed by {org.csm} after you opened this form: title."
    )
    expect(second.get_by_label("Title")).to_have_value("VP Operations")
    assert Stakeholder.objects.get().title == "VP Operations"
    for editor in editors:
        editor.page.context.close()
