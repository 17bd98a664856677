"""The bell: unread notifications of the events a user follows, read once shown, and never about
an account the user cannot see (now)."""

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


def test_opening_the_notifications_marks_those_shown_read(client, org):
    first = alert(org.account)
    client.force_login(org.csm)
    page = client.get(reverse("notifications")).content.decode()
    assert "Acme: A champion has left." in page
    until = Notification.objects.get(event=first).pk
    assert f'name="until" value="{until}"' in page
    later = alert(org.account, "{account}: Later.")  # came after the page was drawn
    response = client.post(
        reverse("notifications_read"), {"until": until}, headers={"HX-Request": "true"}
    )
    assert re.search(r">1<", response.content.decode())  # the new count: the later one
    assert Notification.objects.get(event=first).read_at is not None
    assert Notification.objects.get(event=later).read_at is None
    assert unread(client) == 1


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
