"""In real Chromium: a CSM connects a mailbox whose server does not exist and reads why, in
words, in place; and adds someone capture suggested from the account page, which then shows
them among the stakeholders without a page load."""

import pytest
from playwright.sync_api import expect

from capture.models import Decision, Mailbox
from relationships.models import Stakeholder
from tests.browser.test_account_page import log_in
from tests.capture.factories import SuggestedStakeholderFactory

pytestmark = pytest.mark.browser


def test_a_mailbox_on_a_server_that_does_not_exist_is_refused_in_words(page, org):
    log_in(page)
    page.get_by_role("button", name=org.csm.get_full_name(), exact=False).click()
    page.get_by_role("link", name="Mail and calendar").click()
    mailboxes = page.locator("#mailboxes")
    expect(mailboxes.get_by_text("No mailbox connected")).to_be_visible()

    url = page.url
    mailboxes.get_by_role("link", name="Connect a mailbox").click()
    mailboxes.get_by_role("textbox", name="Name*", exact=True).fill("Work mail")
    mailboxes.get_by_label("Host").fill("imap.invalid")
    mailboxes.get_by_label("User name").fill("csm@example.com")
    mailboxes.get_by_label("App password or token").fill("app-password-1234")
    mailboxes.get_by_role("button", name="Connect").click()

    expect(
        mailboxes.get_by_text("The mail server imap.invalid could not be found.")
    ).to_be_visible()
    expect(mailboxes.get_by_label("Host")).to_have_value("imap.invalid")
    expect(mailboxes.get_by_label("App password or token")).to_have_value("")
    assert page.url == url  # in place, without a page load
    assert not Mailbox.objects.exists()


def test_adding_a_suggested_stakeholder_from_the_account_page(page, org):
    suggestion = SuggestedStakeholderFactory(
        account=org.account, name="Nora Quinn", email="nora@acme.example", title="CFO"
    )
    log_in(page)
    page.get_by_role("link", name="Acme").click()
    captured = page.locator("#captured")
    people = page.locator("#people")
    expect(captured.get_by_role("listitem").filter(has_text="Nora Quinn")).to_be_visible()
    expect(people.get_by_text("No stakeholders yet")).to_be_visible()

    url = page.url
    captured.get_by_role("button", name="Add Nora Quinn as a stakeholder").click()

    expect(page.locator("#messages")).to_contain_text("Added Nora Quinn as a stakeholder")
    expect(captured.get_by_text("Nothing to decide")).to_be_visible()
    expect(people.locator("#stakeholder-table")).to_contain_text("Nora Quinn")
    assert page.url == url
    suggestion.refresh_from_db()
    assert suggestion.state == Decision.ACCEPTED
    assert Stakeholder.objects.get(account=org.account).email == "nora@acme.example"
