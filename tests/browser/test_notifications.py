"""In real Chromium: the bell shows the unread count, its dropdown lists the notifications,
and opening it marks them read."""

import pytest
from playwright.sync_api import expect

from accounts.events import account_event_record
from core import events
from core.models import Notification
from tests.browser.test_account_page import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_bell_opens_the_notifications_and_marks_them_read(page, org):
    for summary in ("{account}: A champion has left.", "{account}: Engagement dropped."):
        account_event_record(kind=events.ALERT_RAISED, account_id=org.account.pk, summary=summary)
    page.goto("/login/")
    page.get_by_label("Email address").fill("csm@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    count = page.locator("#notification-count")
    expect(count).to_have_text("2 unread")
    page.locator("#notification-bell > a").click()
    menu = page.locator("#notification-menu")
    expect(menu.get_by_text("Acme: A champion has left.")).to_be_visible()
    expect(menu.get_by_text("Acme: Engagement dropped.")).to_be_visible()
    expect(count).to_have_text("0 unread")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_the_notifications_page_marks_its_page_read_and_the_rest_with_a_button(page, org):
    for number in range(55):
        account_event_record(
            kind=events.ALERT_RAISED, account_id=org.account.pk, summary=f"{{account}}: {number}."
        )
    console: list[str] = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    log_in(page)
    page.goto("/notifications/")
    count = page.locator("#notification-count")
    expect(count).to_have_text("5 unread")  # the 50 on the page were read by opening it
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All read.")).to_be_visible()
    expect(count).to_have_text("0 unread")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert console == []
