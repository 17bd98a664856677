"""In real Chromium: typing in the navigation bar's search box drops the top results below it;
the arrow keys reach a person, Enter follows the link; Escape closes the results; Enter in the
box opens the results page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_account_page import log_in
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.browser


def test_typing_in_the_navigation_bar_finds_a_person_and_follows_the_link(page, org):
    person = StakeholderFactory(account=org.account, name="Omar Petrov", title="CTO")
    console: list[str] = []
    page.on("pageerror", lambda error: console.append(str(error)))
    log_in(page)
    box = page.get_by_label("Search accounts, people and notes")
    box.press_sequentially("omar pet", delay=30)
    result = page.locator("#search-suggestions").get_by_role("link", name="Omar Petrov")
    expect(result).to_be_visible()
    expect(page.locator("#search-suggestions .badge").first).to_have_text("Person")
    box.press("ArrowDown")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/stakeholders/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Omar Petrov")
    assert console == []


def test_escape_closes_the_results_and_enter_opens_the_results_page(page, org):
    StakeholderFactory(account=org.account, name="Omar Petrov")
    log_in(page)
    box = page.get_by_label("Search accounts, people and notes")
    box.press_sequentially("omar", delay=30)
    menu = page.locator("#search-suggestions")
    expect(menu.get_by_role("link", name="Omar Petrov")).to_be_visible()
    box.press("Escape")
    expect(menu.get_by_role("link")).to_have_count(0)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=omar$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.locator(".search-results").get_by_role("link", name="Omar Petrov")).to_be_visible()
