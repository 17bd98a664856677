"""The bell: unread notifications of the events a user follows, read once shown, and never about
an account the user cannot see (now)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.events import account_event_record
from core import events
from core.models import Event, Notification

pytestmark = pytest.mark.django_db


def alert(account, summary="{account}: A champion has left.") -> Event:
    return account_event_record(kind=events.ALERT_RAISED, account_id=account.pk, summary=summary)


def bell(client) -> str:
    response = client.get(reverse("notifications_bell"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def unread(client) -> int:
    return int(re.search(r'id="notification-count"[^>]*>(\d+)<', bell(client)).group(1))


def test_the_bell_counts_the_unread_notifications_of_the_accounts_i_follow(client, org):
    alert(org.account)
    alert(org.account, "{account}: Engagement dropped.")
    alert(org.other_account)  # the outsider's account
    account_event_record(
        kind=events.SURVEY_ANSWERED, account_id=org.account.pk, summary="Answered."
    )  # not a notified kind
    client.force_login(org.csm)
    assert unread(client) == 2
    client.force_login(org.outsider)
    assert unread(client) == 1
    client.force_login(org.teammate)  # follows no account
    assert unread(client) == 0


def test_opening_the_dropdown_marks_those_shown_read(client, org):
    first = alert(org.account)
    client.force_login(org.csm)
    dropdown = client.get(reverse("notifications"), headers={"HX-Request": "true"})
    content = dropdown.content.decode()
    assert "Acme: A champion has left." in content
    until = Notification.objects.get(event=first).pk
    assert f'name="until" value="{until}"' in content
    assert Notification.objects.get(event=first).read_at is None  # read once the list posts
    later = alert(org.account, "{account}: Later.")  # came after the list was drawn
    response = client.post(
        reverse("notifications_read"), {"until": until}, headers={"HX-Request": "true"}
    )
    assert re.search(r">1<", response.content.decode())  # the new count: the later one
    assert Notification.objects.get(event=first).read_at is not None
    assert Notification.objects.get(event=later).read_at is None
    assert unread(client) == 1


def alerts(account, total: int) -> list[Notification]:
    """`total` alerts at the account, oldest first, and the CSM's notifications of them."""
    for number in range(total):
        alert(account, f"{{account}}: Alert {number}.")
    return list(Notification.objects.order_by("pk"))


def test_the_notifications_page_shows_fifty_a_page_newest_first(client, org):
    alerts(org.account, 60)
    client.force_login(org.csm)
    first = client.get(reverse("notifications")).content.decode()
    assert first.count("Acme: Alert ") == 50
    assert "Acme: Alert 59." in first
    assert "Acme: Alert 10." in first
    assert "Acme: Alert 9." not in first
    assert "Page 1 of 2" in first
    second = client.get(reverse("notifications"), {"page": 2}).content.decode()
    assert second.count("Acme: Alert ") == 10
    assert "Acme: Alert 9." in second
    assert "Acme: Alert 0." in second
    assert "Page 2 of 2" in second


def test_opening_the_notifications_page_marks_the_page_shown_read(client, org):
    notifications = alerts(org.account, 60)
    client.force_login(org.csm)
    page = client.get(reverse("notifications")).content.decode()
    assert page.count(" · new") == 50  # shown as new this once
    assert [n.read_at is None for n in Notification.objects.order_by("pk")] == [True] * 10 + [
        False
    ] * 50
    assert unread(client) == 10  # the older page is left for later
    assert "10 still unread." in page
    assert f'name="until" value="{notifications[-1].pk}"' in page
    assert " · new" not in client.get(reverse("notifications")).content.decode()
    client.get(reverse("notifications"), {"page": 2})
    assert unread(client) == 0


def test_the_notifications_page_with_nothing_says_so(client, org):
    client.force_login(org.csm)
    page = client.get(reverse("notifications")).content.decode()
    assert "Nothing yet: you will see here what happens on your accounts." in page
    assert "Mark all as read" not in page
    assert "All read." not in page
    assert "Page 1 of" not in page


def test_mark_all_as_read_marks_every_page_read_without_javascript(client, org):
    notifications = alerts(org.account, 60)
    client.force_login(org.csm)
    page = client.get(reverse("notifications")).content.decode()
    assert "Mark all as read" in page
    later = alert(org.account, "{account}: Later.")  # came after the page was drawn
    response = client.post(reverse("notifications_read_all"), {"until": notifications[-1].pk})
    assert response.status_code == 302
    assert response.url == reverse("notifications")
    assert list(Notification.objects.filter(read_at__isnull=True)) == [
        Notification.objects.get(event=later)
    ]
    assert unread(client) == 1


def test_mark_all_as_read_with_htmx_answers_its_place_and_tells_the_bell(client, org):
    notifications = alerts(org.account, 60)
    client.force_login(org.csm)
    client.get(reverse("notifications"))
    response = client.post(
        reverse("notifications_read_all"),
        {"until": notifications[-1].pk},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert content.strip().startswith('<div id="notifications-read-all"')
    assert "All read." in content
    assert "Mark all as read" not in content
    assert "notifications-changed" in json.loads(response.headers["HX-Trigger"])
    assert unread(client) == 0


def test_the_bell_loads_itself_again_when_notifications_change(client, org):
    client.force_login(org.csm)
    bell_html = bell(client)
    assert re.search(
        rf'id="notification-bell"\s+hx-get="{reverse("notifications_bell")}"'
        r' hx-trigger="notifications-changed from:body" hx-swap="outerHTML"',
        bell_html,
    )


def test_the_dropdown_asks_for_the_list_alone(client, org):
    alert(org.account)
    client.force_login(org.csm)
    response = client.get(reverse("notifications"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'id="notification-list"' in content
    assert "<html" not in content
    assert "Acme: A champion has left." in content


def test_a_notification_about_an_account_i_can_no_longer_see_is_hidden(client, org):
    alert(org.account)
    client.force_login(org.csm)
    assert unread(client) == 1
    org.team.members.remove(org.csm)  # moved out of the team: Acme is no longer theirs to see
    assert unread(client) == 0
    assert "A champion has left" not in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications_read"), {"until": 10**9})
    org.team.members.add(org.csm)
    assert unread(client) == 1  # marking read touched only what they could see


def test_a_notification_written_for_an_outsider_is_never_shown_to_them(client, org):
    event = alert(org.account)
    Notification.objects.create(user=org.outsider, event=event)
    client.force_login(org.outsider)
    assert unread(client) == 0
    assert "A champion has left" not in client.get(reverse("notifications")).content.decode()


def test_the_base_page_loads_the_bell_by_itself(client, org):
    client.force_login(org.csm)
    page = client.get(reverse("preferences")).content.decode()
    assert f'hx-get="{reverse("notifications_bell")}"' in page


@pytest.mark.parametrize("total", [3, 60])
def test_the_notifications_page_costs_the_same_queries_for_3_and_60_notifications(
    client, org, total, django_assert_num_queries
):
    alerts(org.account, total)
    client.force_login(org.csm)
    client.get(reverse("notifications"))  # warm: the session comes from the cache
    # the user; the count and the page of the paginator; marking the page read; the unread
    # count and the newest id
    with django_assert_num_queries(5):
        page = client.get(reverse("notifications"))
    assert page.content.decode().count("Acme: Alert ") == min(total, 50)


@pytest.mark.parametrize("route", ["notifications_bell", "notifications"])
def test_the_bell_and_the_list_cost_the_same_queries_for_1_and_20_notifications(client, org, route):
    client.force_login(org.csm)
    counts = []
    for total in (1, 20):
        while Notification.objects.count() < total:
            alert(org.account)
        client.get(reverse(route))  # warm: the session comes from the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(route), headers={"HX-Request": "true"}).status_code == 200
        counts.append(len(queries))
    assert counts == [counts[0], counts[0]]
    assert counts[0] <= 3  # the user, then one query: the count, or the list with its events
