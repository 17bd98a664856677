"""In real Chromium: a CSM connects a mailbox whose server does not exist and reads why, in
words, in place; pauses, resumes, reads, changes and removes their sources in place; and adds
someone capture suggested from the account page, which then shows them among the stakeholders
without a page load."""

import pytest
from playwright.sync_api import expect

from capture import services
from capture.models import CalendarFeed, Decision, Mailbox
from core import queue
from relationships.models import Stakeholder
from tests.browser.test_account_page import log_in
from tests.capture.factories import MailboxFactory, SuggestedStakeholderFactory

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


def test_a_csm_pauses_resumes_reads_changes_and_removes_sources_in_place(page, org, monkeypatch):
    monkeypatch.setattr(services, "mailbox_connect_check", lambda **connection: "")
    queued = []
    monkeypatch.setattr(queue, "enqueue", lambda name, **kwargs: queued.append(name))
    mailbox = MailboxFactory(owner=org.csm, name="Work mail")
    log_in(page)
    page.goto("/capture/")
    url = page.url
    mailboxes, feeds = page.locator("#mailboxes"), page.locator("#feeds")
    row = page.locator(f"#mailbox-{mailbox.pk}")

    row.get_by_role("button", name="Pause").click()
    expect(row.get_by_text("Paused")).to_be_visible()
    row.get_by_role("button", name="Resume").click()
    expect(row.get_by_text("Waiting for the read to start")).to_be_visible()
    row.get_by_role("button", name="Read now").click()
    expect(page.locator("#messages")).to_contain_text("Work mail is being read now.")

    row.get_by_role("link", name="Change").click()
    mailboxes.get_by_role("textbox", name="Name*", exact=True).fill("Renamed mail")
    mailboxes.get_by_role("button", name="Save").click()
    expect(mailboxes.locator("strong", has_text="Renamed mail")).to_be_visible()

    feeds.get_by_role("link", name="Add a calendar").click()
    feeds.get_by_label("Name").fill("Work calendar")
    feeds.get_by_label("Calendar address (ICS)").fill("webcal://calendar.example/private.ics")
    feeds.get_by_role("button", name="Add").click()
    expect(feeds.locator("strong", has_text="Work calendar")).to_be_visible()

    page.on("dialog", lambda dialog: dialog.accept())  # "Remove Renamed mail?"
    page.locator(f"#mailbox-{mailbox.pk}").get_by_role("button", name="Remove").click()
    expect(mailboxes.get_by_text("No mailbox connected")).to_be_visible()
    assert page.url == url
    assert not Mailbox.objects.exists()
    assert CalendarFeed.objects.get().name == "Work calendar"
    assert queued == ["capture.sync_mailbox", "capture.sync_mailbox", "capture.sync_calendar"]


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
