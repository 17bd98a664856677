"""In real Chromium: a CSM saves the account list's filters as a view that becomes their
default, then reassigns accounts from the action bar, in place."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Account, SavedView
from tests.browser.test_account_page import log_in
from tests.factories import AccountFactory

pytestmark = pytest.mark.browser


def test_a_saved_view_becomes_the_default_of_the_list(page, org):
    AccountFactory(name="Birch Bank", team=org.team, owner=org.csm, status="at_risk")
    log_in(page)
    results = page.locator("#account-results")
    page.get_by_label("Status", exact=True).select_option("at_risk")
    expect(results.get_by_role("link", name="Acme")).to_have_count(0)
    expect(results.get_by_role("link", name="Birch Bank")).to_be_visible()

    page.get_by_text("Save view", exact=True).click()
    page.get_by_label("Name of the view").fill("At risk")
    page.get_by_label("Open the list with it").check()
    page.get_by_role("button", name="Save the current filters").click()
    expect(page.locator("#messages")).to_contain_text("Saved the view “At risk”.")
    view = SavedView.objects.get(owner=org.csm)
    assert (view.query, org.csm.__class__.objects.get(pk=org.csm.pk).default_view) == (
        "status=at_risk&sort=name",
        view,
    )

    # the list opens with it, and All accounts leads back
    page.goto("/")
    expect(results.get_by_role("link", name="Birch Bank")).to_be_visible()
    expect(results.get_by_role("link", name="Acme")).to_have_count(0)
    expect(page.get_by_role("link", name="At risk default")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="All accounts").click()
    expect(results.get_by_role("link", name="Acme")).to_be_visible()
    expect(results.get_by_role("link", name="Birch Bank")).to_be_visible()


def test_a_bulk_reassignment_redraws_the_list_in_place(page, org):
    AccountFactory(name="Birch Bank", team=org.team, owner=org.csm)
    AccountFactory(name="Cedar Cloud", team=org.team, owner=org.teammate)
    log_in(page)
    url = page.url
    table = page.locator("#account-table")
    page.get_by_label("Choose every account on this page").check()
    for name in ("Acme", "Birch Bank", "Cedar Cloud"):
        expect(page.get_by_label(f"Choose {name}", exact=True)).to_be_checked()
    page.get_by_label("Choose Cedar Cloud", exact=True).uncheck()
    expect(page.get_by_label("Choose every account on this page")).not_to_be_checked()
    page.get_by_label("New owner").select_option(str(org.teammate.pk))
    page.get_by_role("button", name="Reassign owner").click()
    teammate = str(org.teammate)
    expect(page.locator("#messages")).to_contain_text(f"2 accounts reassigned to {teammate}.")
    expect(table.locator("tr", has_text="Acme")).to_contain_text(teammate)
    assert page.url == url  # drawn again in place
    # the export downloads the report of the accounts ticked
    page.get_by_label("Choose Cedar Cloud", exact=True).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    exported = Path(download.value.path()).read_text()
    assert "Cedar Cloud" in exported
    assert "Acme" not in exported
    owners = dict(Account.objects.values_list("name", "owner"))
    assert owners == {
        "Acme": org.teammate.pk,
        "Birch Bank": org.teammate.pk,
        "Cedar Cloud": org.teammate.pk,
        "Globex": org.outsider.pk,
    }
