"""Chat hooks: Slack and Teams hear what happened in words with a link, through the same
deliveries as webhooks (a real receiver on loopback); a user connects their own on the
preferences page, an admin a team's in the admin."""

import json

import pytest
from django.urls import reverse

from accounts.events import account_event_record
from core import events
from core.models import ChatHook, Delivery, Event, Notification
from core.secrets import decrypt, encrypt
from tests.factories import AccountFactory
from tests.integrations.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


def hook(receiver, kind="slack", **owner) -> ChatHook:
    return ChatHook.objects.create(
        kind=kind, url=encrypt(receiver.url), events=[events.GAP_OPENED], **owner
    )


def gap_opened(account, capture):
    with capture(execute=True):
        return account_event_record(
            kind=events.GAP_OPENED,
            account_id=account.pk,
            summary="A relationship gap opened at {account}: Factors disagree.",
            path="/gaps/7/",
        )


def test_slack_hears_what_happened_in_words_with_a_link(
    org, receiver, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://rapport.example"
    type(org.account).objects.filter(pk=org.account.pk).update(name="Smith & <Sons>")
    hook(receiver, user=org.csm)
    gap_opened(org.account, django_capture_on_commit_callbacks)
    [request] = receiver.received
    assert json.loads(request.body) == {
        "text": "A relationship gap opened at Smith &amp; &lt;Sons&gt;: Factors disagree."
        " <https://rapport.example/gaps/7/|Open in Rapport>"
    }
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_teams_gets_a_message_card_with_a_link(
    org, receiver, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://rapport.example"
    hook(receiver, kind="teams", team=org.team)
    gap_opened(org.account, django_capture_on_commit_callbacks)
    [request] = receiver.received
    card = json.loads(request.body)
    assert card["@type"] == "MessageCard"
    assert card["text"] == "A relationship gap opened at Acme: Factors disagree."
    assert card["potentialAction"][0]["targets"] == [
        {"os": "default", "uri": "https://rapport.example/gaps/7/"}
    ]


def test_hooks_hear_only_of_the_accounts_they_follow(
    org, receiver, django_capture_on_commit_callbacks
):
    mine, teams = hook(receiver, user=org.csm), hook(receiver, team=org.team)
    hook(receiver, user=org.outsider)
    hook(receiver, team=org.other_team)
    gap_opened(org.account, django_capture_on_commit_callbacks)  # the CSM's, in team A
    teammates = AccountFactory(name="Initech", team=org.team, owner=org.teammate)
    gap_opened(teammates, django_capture_on_commit_callbacks)  # team A's, not the CSM's
    delivered = sorted(Delivery.objects.values_list("chat_hook", "event__summary"))
    assert delivered == sorted(
        [
            (mine.pk, "A relationship gap opened at Acme: Factors disagree."),
            (teams.pk, "A relationship gap opened at Acme: Factors disagree."),
            (teams.pk, "A relationship gap opened at Initech: Factors disagree."),
        ]
    )
    assert len(receiver.received) == 3


def test_a_hook_hears_only_the_kinds_it_chose(org, receiver, django_capture_on_commit_callbacks):
    hook(receiver, user=org.csm)
    with django_capture_on_commit_callbacks(execute=True):
        account_event_record(
            kind=events.SURVEY_ANSWERED, account_id=org.account.pk, summary="Answered."
        )
    assert receiver.received == []


SLACK = "https://hooks.slack.com/services/T000/B000/XXXX"


def test_a_user_connects_tests_and_removes_their_hook(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.csm)
    page = client.get(reverse("chat_hooks"), headers={"HX-Request": "true"})
    assert 'id="chat-hooks"' in page.content.decode()
    assert "<html" not in page.content.decode()
    response = client.post(
        reverse("chat_hook_add"),
        {"kind": "slack", "name": "#acme", "url": SLACK, "events": ["gap.opened", "alert.raised"]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Connected Slack #acme" in response.content.decode()
    created = ChatHook.objects.get()
    assert (created.user, created.events) == (org.csm, ["alert.raised", "gap.opened"])
    assert decrypt(created.url) == SLACK
    assert SLACK not in created.url
    assert SLACK not in response.content.decode()
    with django_capture_on_commit_callbacks() as sent:
        client.post(reverse("chat_hook_test", args=[created.pk]))
    assert Delivery.objects.get(chat_hook=created).event.kind == events.TEST
    assert len(sent) == 1
    response = client.post(reverse("chat_hook_remove", args=[created.pk]))
    assert response.url == reverse("preferences")
    assert not ChatHook.objects.exists()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("slack", "https://example.com/services/x"),
        ("slack", "http://hooks.slack.com/services/x"),
        ("teams", SLACK),
        ("teams", "https://127.0.0.1/webhook"),
        ("slack", "https://hooks.slack.com.evil.example/x"),
    ],
)
def test_an_address_that_is_not_the_services_is_refused(client, org, kind, url):
    client.force_login(org.csm)
    response = client.post(
        reverse("chat_hook_add"), {"kind": kind, "url": url, "events": ["gap.opened"]}
    )
    assert response.status_code == 422
    assert "incoming webhooks" in response.content.decode()
    assert not ChatHook.objects.exists()


def test_teams_addresses_are_accepted(client, org):
    client.force_login(org.csm)
    for url in (
        "https://acme.webhook.office.com/webhookb2/x",
        "https://prod-12.westeurope.logic.azure.com:443/workflows/x",
    ):
        response = client.post(
            reverse("chat_hook_add"), {"kind": "teams", "url": url, "events": ["gap.opened"]}
        )
        assert response.status_code == 302
    assert ChatHook.objects.count() == 2


def test_an_admin_connects_a_teams_hook_for_a_team(client, org):
    client.force_login(org.admin)
    response = client.post(
        reverse("admin:core_chathook_add"),
        {
            "kind": "teams", "name": "CS channel", "team": org.team.pk,
            "address": "https://acme.webhook.office.com/webhookb2/x",
            "events": ["gap.opened", "survey.detractor"], "active": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    created = ChatHook.objects.get()
    assert (created.team, decrypt(created.url)) == (
        org.team,
        "https://acme.webhook.office.com/webhookb2/x",
    )
    change = client.get(reverse("admin:core_chathook_change", args=[created.pk]))
    assert "webhookb2" not in change.content.decode()
    assert Event.objects.count() == 0


def test_an_owner_who_left_the_account_s_team_hears_nothing_of_it(
    org, receiver, django_capture_on_commit_callbacks
):
    hook(receiver, user=org.csm)
    org.team.members.remove(org.csm)  # still the account's owner, but may not see it now
    gap_opened(org.account, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert not Delivery.objects.exists()
    assert not Notification.objects.exists()


def test_who_made_it_happen_is_not_told_in_their_chat_but_their_team_is(
    org, receiver, django_capture_on_commit_callbacks
):
    hook(receiver, user=org.csm)
    hook(receiver, team=org.team)
    with django_capture_on_commit_callbacks(execute=True):
        account_event_record(
            kind=events.GAP_OPENED, account_id=org.account.pk, summary="Done by the CSM.",
            actor_id=org.csm.pk,
        )  # fmt: skip
    assert list(Delivery.objects.values_list("chat_hook__team", "chat_hook__user")) == [
        (org.team.pk, None)
    ]
