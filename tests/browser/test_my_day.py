"""In real Chromium: a CSM signs in, lands on My day, completes one task and snoozes another,
each leaving the list in place."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relationships.models import Task
from tests.factories import PASSWORD, TaskFactory

pytestmark = pytest.mark.browser


def test_csm_lands_on_my_day_and_completes_a_task_in_place(page, org):
    today = timezone.localdate()
    overdue = TaskFactory(
        account=org.account, title="Send the QBR deck", due_on=today - dt.timedelta(days=2)
    )
    due = TaskFactory(account=org.account, title="Call the champion", due_on=today)
    page.goto("/login/")
    page.get_by_label("Email address").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My day", exact=True)).to_be_visible()
    assert page.url.endswith("/day/")
    tasks = page.locator("#day-tasks")
    expect(tasks.locator(".task-row")).to_have_count(2)

    url = page.url
    tasks.locator(f"#task-{overdue.pk}").get_by_role("button", name="Done").click()
    expect(tasks.locator(f"#task-{overdue.pk}")).to_have_count(0)
    expect(tasks.locator(".task-row")).to_have_count(1)
    assert page.url == url  # in place

    row = tasks.locator(f"#task-{due.pk}")
    row.get_by_label("Snooze until").select_option(label="Tomorrow")
    row.get_by_role("button", name="Snooze").click()
    expect(tasks.locator(".task-row")).to_have_count(0)
    expect(tasks.get_by_text("Nothing due today")).to_be_visible()

    overdue.refresh_from_db()
    due.refresh_from_db()
    assert (overdue.state, due.state) == (Task.State.DONE, Task.State.SNOOZED)
