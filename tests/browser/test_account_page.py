"""In real Chromium: a CSM maps the people at an account, logs what happened and sees the
panels follow, and searches the account list."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Account, UsageSnapshot
from relationships.models import Stakeholder
from relationships.scoring.recompute import scores_recompute
from tests.factories import PASSWORD, AccountFactory, PulseCheckFactory, StakeholderFactory

pytestmark = pytest.mark.browser


def log_in(page, email="csm@example.com"):
    """Signs in from the account list's address, so the account list is where it lands."""
    page.goto("/login/?next=/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Accounts").wait_for()
    page.wait_for_load_state()  # htmx, deferred, has set the page's forms up


def test_csm_adds_edits_and_marks_a_stakeholder_as_left(page, org):
    log_in(page)
    page.get_by_role("link", name="Acme").click()
    people = page.locator("#people")
    expect(people.get_by_text("No stakeholders yet")).to_be_visible()

    # Add the champion, without a page load: the URL stays the account page.
    url = page.url
    people.get_by_role("link", name="Add stakeholder").click()
    people.get_by_label("Name").fill("Rita Alvarez")
    people.get_by_label("Role").select_option("champion")
    people.get_by_label("Relationship strength").select_option("5")
    people.get_by_label("Trust").select_option("high")
    people.get_by_label("Respect").select_option("high")
    people.get_by_role("button", name="Save stakeholder").click()
    expect(people.locator("#stakeholder-table")).to_contain_text("Rita Alvarez")
    expect(page.locator("#messages")).to_contain_text("Saved Rita Alvarez.")
    assert page.url == url

    # A second person reporting to her; a bad email first, shown next to the field.
    people.get_by_role("link", name="Add stakeholder").click()
    people.get_by_label("Name").fill("Sam Ortiz")
    people.get_by_label("Email").fill("not an email")
    people.get_by_label("Reports to").select_option(label="Rita Alvarez")
    people.get_by_role("button", name="Save stakeholder").click()
    expect(people.get_by_text("Enter a valid email address.")).to_be_visible()
    people.get_by_label("Email").fill("sam@acme.example")
    people.get_by_role("button", name="Save stakeholder").click()
    expect(people.locator("#stakeholder-table")).to_contain_text("Sam Ortiz")

    # Edit: raise Sam's strength; the org chart shows him under Rita.
    people.get_by_role("link", name="Edit Sam Ortiz").click()
    people.get_by_label("Relationship strength").select_option("4")
    people.get_by_role("button", name="Save stakeholder").click()
    expect(people.get_by_text("2 strong relationships")).to_be_visible()
    nodes = people.locator(".org-node")
    expect(nodes.nth(0)).to_contain_text("Rita Alvarez")
    expect(nodes.nth(1)).to_have_class("org-node depth-1")

    # The influence grid and trust grid tabs.
    people.get_by_role("tab", name="Trust × respect").click()
    expect(people.get_by_text("Needs work: Sam Ortiz.")).to_be_visible()

    # Rita leaves the company, once confirmed: the champion-left flag appears; Undo takes it back.
    people.get_by_role("link", name="Mark as left Rita Alvarez").click()
    assert Stakeholder.objects.get(name="Rita Alvarez").status == "active"
    people.get_by_role("button", name="Yes, mark as left Rita Alvarez").click()
    expect(people.get_by_text("Champion left")).to_be_visible()
    assert Stakeholder.objects.get(name="Rita Alvarez").status == "left"
    people.get_by_role("button", name="Undo marking Rita Alvarez as left").click()
    expect(page.locator("#messages")).to_contain_text("Rita Alvarez is active again.")
    expect(people.get_by_text("Champion left")).to_have_count(0)
    assert Stakeholder.objects.get(name="Rita Alvarez").status == "active"


def test_account_list_filters_as_you_type(page, org):
    AccountFactory(name="Zenith Air", team=org.team, owner=org.csm)
    log_in(page)
    rows = page.locator("#account-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Search", exact=True).press_sequentially("zen", delay=30)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zenith Air")
    assert "q=zen" in page.url


def test_csm_logs_all_four_kinds_and_sees_them_in_the_timeline(page, org):
    StakeholderFactory(account=org.account, name="Rita Alvarez")
    log_in(page)
    page.goto(f"/accounts/{org.account.pk}/")
    url = page.url
    activity = page.locator("#activity")
    entries = activity.locator(".timeline-entry")
    expect(activity.get_by_text("Nothing logged yet")).to_be_visible()

    form = activity.locator("#log-interaction")
    form.get_by_label("Stakeholders").select_option(label="Rita Alvarez")
    form.get_by_label("Channel").select_option(label="Call")
    form.get_by_label("Touchpoint").select_option(label="Delivery")
    form.get_by_label("Direction").select_option("inbound")
    form.get_by_label("Sentiment").select_option("-1")
    form.get_by_label("Summary").fill("Delivery slipped; they want a plan.")
    form.get_by_role("button", name="Save interaction").click()
    expect(entries.first).to_contain_text("Delivery slipped; they want a plan.")

    activity.get_by_role("tab", name="Log moment").click()
    form = activity.locator("#log-moment")
    form.get_by_label("Moment type").select_option(label="Outage")
    form.get_by_label("Emotion").select_option("enraged")
    form.get_by_label("Value impact").select_option("destroyed")
    form.get_by_label("Amount (optional)").fill("12000")
    form.get_by_role("button", name="Save moment").click()
    expect(entries).to_have_count(2)
    expect(activity.locator(".kind-moment")).to_contain_text("Outage")

    activity.get_by_role("tab", name="Log open item").click()
    form = activity.locator("#log-open_item")
    form.get_by_label("Kind").select_option("promise")
    form.get_by_label("Title").fill("Send the recovery plan")
    form.get_by_role("button", name="Save open item").click()
    expect(activity.locator(".kind-open_item")).to_contain_text("Send the recovery plan")

    activity.get_by_role("tab", name="Log pulse check").click()
    form = activity.locator("#log-pulse")
    form.get_by_label("How happy is the customer?").select_option("2")
    form.get_by_role("button", name="Save pulse check").click()
    expect(activity.locator(".kind-pulse")).to_contain_text("Pulse 2 of 5")
    expect(entries).to_have_count(4)

    # One click closes the promise, in place.
    activity.get_by_role("button", name="Close Send the recovery plan").click()
    expect(activity.locator(".kind-open_item")).to_contain_text("Closed")
    assert page.url == url  # everything happened without a page load


def test_a_bad_quick_log_shows_the_error_and_keeps_the_tab(page, org):
    log_in(page)
    page.goto(f"/accounts/{org.account.pk}/")
    activity = page.locator("#activity")
    activity.get_by_role("tab", name="Log open item").click()
    form = activity.locator("#log-open_item")
    form.get_by_label("Kind").select_option("ticket")
    form.get_by_role("button", name="Save open item").click()
    expect(activity.locator("#log-open_item")).to_contain_text("This field is required.")
    expect(activity.get_by_role("tab", name="Log open item")).to_have_attribute(
        "aria-selected", "true"
    )


def test_a_pulse_check_updates_the_gap_panel_without_a_reload(page, org):
    account = org.account
    Account.objects.filter(pk=account.pk).update(seats_purchased=100)
    month = timezone.localdate().replace(day=1)
    for start, users in ((month - dt.timedelta(days=31), 80), (month, 90)):
        UsageSnapshot.objects.create(account=account, period_start=start.replace(day=1),
                                     active_users=users)  # fmt: skip
    PulseCheckFactory(account=account, csm=org.csm, happiness=4, checked_on=timezone.localdate())
    scores_recompute(account_ids=[account.pk])
    log_in(page)
    page.goto(account.get_absolute_url())
    url = page.url
    gaps = page.locator("#gaps")
    perception = gaps.locator('[data-factor="csm_perception"]')
    before = perception.inner_text()

    activity = page.locator("#activity")
    activity.get_by_role("tab", name="Log pulse check").click()
    form = activity.locator("#log-pulse")
    form.get_by_label("How happy is the customer?").select_option("1")
    form.get_by_role("button", name="Save pulse check").click()
    expect(activity.locator(".kind-pulse").first).to_contain_text("Pulse 1 of 5")

    account.refresh_from_db()
    expect(perception).to_have_text(f"{account.csm_perception:+.2f}")
    assert perception.inner_text() != before
    expect(gaps).to_contain_text(f"spread {account.gap_size:.2f}")
    assert page.url == url  # no reload


def test_cancelling_a_profile_edit_puts_the_profile_back_in_place(page, org):
    log_in(page)
    page.goto(f"/accounts/{org.account.pk}/")
    profile = page.locator("#profile")
    profile.get_by_role("link", name="Edit").click()
    profile.get_by_label("Segment").fill("Changed my mind")
    profile.get_by_role("link", name="Cancel").click()
    expect(profile.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.locator("#profile")).to_have_count(1)  # the profile alone, not a page inside it
    expect(page.get_by_role("heading", name="Acme")).to_have_count(1)
    assert "Changed my mind" not in profile.inner_text()
