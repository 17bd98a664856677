"""In real Chromium: a CSM adds a task from the account page, then completes it and snoozes
another on My tasks, each row swapping itself in place."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relationships.models import Task
from tests.browser.test_account_page import log_in
from tests.factories import TaskFactory

pytestmark = pytest.mark.browser


def test_csm_adds_a_task_completes_it_and_snoozes_another(page, org):
    later = TaskFactory(account=org.account, title="Plan the QBR", due_on=timezone.localdate())
    log_in(page)
    page.goto(org.account.get_absolute_url())
    tasks = page.locator("#tasks")
    expect(tasks.get_by_text("Plan the QBR")).to_be_visible()

    # The form: a title typed, Enter; due in two days, for the account's owner, by default.
    tasks.get_by_label("Title").fill("Send the renewal quote")
    tasks.get_by_label("Title").press("Enter")
    expect(tasks.get_by_text("Send the renewal quote")).to_be_visible()
    task = Task.objects.get(title="Send the renewal quote")
    assert (task.owner, task.due_on) == (org.csm, timezone.localdate() + dt.timedelta(days=2))
    assert tasks.get_by_label("Title").input_value() == ""  # a fresh form for the next one

    # My tasks, from the navigation bar: today's first, then what is coming.
    page.get_by_role("link", name="Tasks", exact=True).click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    url = page.url
    row = page.locator(f"#task-{task.pk}")
    row.get_by_role("button", name="Done").click()
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    expect(row.locator(".task-state")).to_contain_text("done")
    assert page.url == url  # in place

    other = page.locator(f"#task-{later.pk}")
    other.get_by_label("Snooze until").select_option(label="3 days")
    other.get_by_role("button", name="Snooze").click()
    expect(other.locator(".task-state")).to_contain_text("snoozed until")

    task.refresh_from_db()
    later.refresh_from_db()
    assert (task.state, later.state) == ("done", "snoozed")
    assert later.snoozed_until == timezone.localdate() + dt.timedelta(days=3)
