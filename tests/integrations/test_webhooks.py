"""Webhooks over real sockets: a receiver on loopback verifies every signature with the
`standardwebhooks` package; failures are retried with backoff, permanent ones end the delivery,
and an event is never delivered twice to one endpoint."""

import datetime as dt
import json
import socket

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from accounts.events import account_event_record
from core import events, webhooks
from core.models import Delivery, Event, Notification, WebhookEndpoint
from tests.integrations.receiver import Receiver

State = Delivery.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(
        url=receiver.url, description="CRM", events=[events.GAP_OPENED, events.ALERT_RAISED]
    )


def gap_opened(org, capture, **extra):
    """A gap.opened event at Acme, recorded in a committed transaction (its tasks run)."""
    with capture(execute=True):
        return account_event_record(
            kind=events.GAP_OPENED,
            account_id=org.account.pk,
            summary="A relationship gap opened at {account}.",
            **extra,
        )


def verified(endpoint, request) -> dict:
    return Webhook(endpoint.signing_secret()).verify(request.body, request.headers)


def test_webhook_is_signed_as_standard_webhooks_says(
    org, receiver, endpoint, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://rapport.example"
    event = gap_opened(org, django_capture_on_commit_callbacks)
    [request] = receiver.received
    body = verified(endpoint, request)
    assert request.headers["webhook-id"] == str(event.public_id)
    assert body == {
        "id": str(event.public_id),
        "type": "gap.opened",
        "timestamp": event.occurred_at.isoformat(),
        "summary": "A relationship gap opened at Acme.",
        "url": f"https://rapport.example/accounts/{org.account.pk}/",
        "data": {
            "account": {
                "id": org.account.pk,
                "name": "Acme",
                "url": f"https://rapport.example/accounts/{org.account.pk}/",
            }
        },
    }
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None


def test_a_changed_body_or_another_secret_fails_verification(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    gap_opened(org, django_capture_on_commit_callbacks)
    [request] = receiver.received
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.signing_secret()).verify(request.body + b" ", request.headers)
    other = WebhookEndpoint.objects.create(url=receiver.url).signing_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(request.body, request.headers)


def test_each_endpoint_has_its_own_secret_stored_encrypted(endpoint):
    secret = endpoint.signing_secret()
    assert secret.startswith("whsec_")
    assert secret not in endpoint.secret
    assert WebhookEndpoint.objects.create(url=endpoint.url).signing_secret() != secret


def test_after_a_rotation_both_secrets_sign_for_a_day_then_the_new_one_alone(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    old = endpoint.signing_secret()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        webhooks.webhook_secret_rotate(endpoint=endpoint)
        new = WebhookEndpoint.objects.get(pk=endpoint.pk).signing_secret()
        assert new.startswith("whsec_")
        assert new != old
        gap_opened(org, django_capture_on_commit_callbacks)
        [during] = receiver.received
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        assert Webhook(new).verify(during.body, during.headers)["type"] == "gap.opened"
        assert Webhook(old).verify(during.body, during.headers)["type"] == "gap.opened"
    with time_machine.travel(start + dt.timedelta(hours=24, seconds=1), tick=False):
        gap_opened(org, django_capture_on_commit_callbacks)
        after = receiver.received[1]
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        assert Webhook(new).verify(after.body, after.headers)["type"] == "gap.opened"
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(after.body, after.headers)


def test_rotating_a_secret_the_key_cannot_read_keeps_no_old_one(endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="not decryptable")
    endpoint.refresh_from_db()
    webhooks.webhook_secret_rotate(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)
    assert endpoint.signing_secrets(timezone.now()) == [endpoint.signing_secret()]


def test_the_worked_example_of_the_docs():
    """docs/webhooks.md signs this body with this secret: the same signature, which the
    standardwebhooks package accepts."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert (
        webhooks.signature(
            secret=secret, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body
        )
        == expected
    )
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": expected,
    }
    with time_machine.travel(dt.datetime.fromtimestamp(1614265330, dt.UTC), tick=False):
        assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_only_active_endpoints_that_want_the_kind_get_it(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(url=receiver.url, events=[events.GAP_OPENED], active=False)
    WebhookEndpoint.objects.create(url=receiver.url, events=[events.SURVEY_ANSWERED])
    gap_opened(org, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    assert Delivery.objects.get().endpoint == endpoint


def test_a_rolled_back_change_records_and_sends_nothing(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    def change_that_fails():
        with transaction.atomic():
            account_event_record(
                kind=events.GAP_OPENED, account_id=org.account.pk, summary="Never happened."
            )
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert (Event.objects.count(), Delivery.objects.count(), receiver.received) == (0, 0, [])


def test_5xx_is_retried_with_exponential_backoff_then_delivered(
    org, receiver, endpoint, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_SECONDS = 30
    receiver.answer = lambda request: 503
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.RETRY, 1, 503)
    assert delivery.last_error == "The receiver answered 503."
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)
    with time_machine.travel(start + dt.timedelta(seconds=29), tick=False):
        assert webhooks.delivery_send(delivery_id=delivery.pk) is None  # not due yet
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert webhooks.delivery_send(delivery_id=delivery.pk) == State.RETRY
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30 + 60)
    receiver.answer = lambda request: 200
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        assert webhooks.delivery_send(delivery_id=delivery.pk) == State.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.DELIVERED, 3, 200)
    assert [r.status for r in receiver.received] == [503, 503, 200]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one event, one id
    for request in receiver.received[:1]:
        with time_machine.travel(start, tick=False):
            assert verified(endpoint, request)["type"] == "gap.opened"


def test_backoff_doubles_and_is_capped(settings):
    settings.WEBHOOK_RETRY_SECONDS = 30
    assert [webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert webhooks.retry_delay(40) == dt.timedelta(hours=6)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_is_retried(org, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(
        url=f"http://127.0.0.1:{closed_port()}/hook", events=[events.GAP_OPENED]
    )
    gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.RETRY, 1, None)
    assert delivery.last_error.startswith(("ConnectionRefusedError", "URLError"))


def test_a_receiver_too_slow_to_answer_is_retried(
    org, receiver, endpoint, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 0.6
    gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.RETRY, 1)
    assert "timed out" in delivery.last_error


def test_an_answer_that_is_not_http_is_retried(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.answer = lambda request: 0
    gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.RETRY, 1, None)
    assert delivery.last_error.startswith(("BadStatusLine", "RemoteDisconnected"))


@pytest.mark.parametrize("url", ["not a url", "file:///etc/passwd", "ftp://files.example/in"])
def test_an_address_that_is_not_http_fails_for_good(org, django_capture_on_commit_callbacks, url):
    WebhookEndpoint.objects.create(url=url, events=[events.GAP_OPENED])
    gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.FAILED, 1)
    assert delivery.last_error.startswith("ValueError")


def test_an_endpoint_turned_off_gets_no_more_retries(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.answer = lambda request: 500
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        gap_opened(org, django_capture_on_commit_callbacks)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        assert webhooks.delivery_send(delivery_id=Delivery.objects.get().pk) == State.FAILED
    assert Delivery.objects.get().last_error == "Not sent: the address was turned off."
    assert len(receiver.received) == 1


@pytest.mark.parametrize("status", [301, 400, 404, 410])
def test_other_answers_fail_at_once_with_the_status(
    org, receiver, endpoint, django_capture_on_commit_callbacks, status
):
    receiver.answer = lambda request: status
    gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (State.FAILED, 1, status)
    assert webhooks.deliveries_due() == []


def test_too_many_attempts_fail_for_good(
    org, receiver, endpoint, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answer = lambda request: 500
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        gap_opened(org, django_capture_on_commit_callbacks)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        assert webhooks.delivery_send(delivery_id=Delivery.objects.get().pk) == State.FAILED
        assert webhooks.deliveries_due() == []
    assert Delivery.objects.get().attempts == 2


def test_an_event_is_never_delivered_twice_to_one_endpoint(
    org, receiver, endpoint, django_capture_on_commit_callbacks
):
    event = gap_opened(org, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert webhooks.delivery_send(delivery_id=delivery.pk) is None  # a task delivered twice
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(event=event, endpoint=endpoint)
    assert len(receiver.received) == 1


def test_the_sweep_sends_lost_and_interrupted_deliveries(
    org, receiver, endpoint, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_STUCK_SECONDS = 300
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        account_event_record(kind=events.GAP_OPENED, account_id=org.account.pk, summary="Lost.")
        lost = Delivery.objects.get()  # its task never ran (the broker was down)
        assert webhooks.deliveries_due() == []  # its task may still come
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert webhooks.deliveries_due() == [lost.pk]
        Delivery.objects.filter(pk=lost.pk).update(state=State.SENDING, claimed_at=timezone.now())
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert webhooks.deliveries_due() == []  # a worker may still be sending it
    with time_machine.travel(start + dt.timedelta(minutes=8), tick=False):
        assert webhooks.deliveries_due() == [lost.pk]  # its worker died: sent again
        assert webhooks.delivery_send(delivery_id=lost.pk) == State.DELIVERED
    assert len(receiver.received) == 1


def test_admin_sends_a_test_event_from_the_change_page_and_the_list(
    client, org, receiver, endpoint, django_capture_on_commit_callbacks
):
    client.force_login(org.admin)
    change = reverse("admin:core_webhookendpoint_change", args=[endpoint.pk])
    page = client.get(change)
    assert "Send a test event" in page.content.decode()
    assert endpoint.signing_secret() in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:core_webhookendpoint_test", args=[endpoint.pk]))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_webhookendpoint_changelist"),
            {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        )
    assert response.status_code == 302
    assert [verified(endpoint, r)["type"] for r in receiver.received] == ["test", "test"]
    assert Delivery.objects.filter(endpoint=endpoint, state=State.DELIVERED).count() == 2
    log = client.get(change).content.decode()
    assert "Delivery log (latest 50)" in log
    assert log.count("test: A test message from Rapport") == 2
    assert client.get(reverse("admin:core_delivery_changelist")).status_code == 200


def test_the_test_event_button_needs_a_post(client, org, endpoint):
    client.force_login(org.admin)
    url = reverse("admin:core_webhookendpoint_test", args=[endpoint.pk])
    assert client.get(url).status_code == 405
    assert Delivery.objects.count() == 0


def test_admin_rotates_the_secret_from_the_change_page_and_the_list(
    client, org, receiver, endpoint, django_capture_on_commit_callbacks
):
    client.force_login(org.admin)
    change = reverse("admin:core_webhookendpoint_change", args=[endpoint.pk])
    first = endpoint.signing_secret()
    assert "Rotate the signing secret" in client.get(change).content.decode()
    response = client.post(
        reverse("admin:core_webhookendpoint_rotate", args=[endpoint.pk]), follow=True
    )
    assert response.redirect_chain == [(change, 302)]
    endpoint.refresh_from_db()
    second = endpoint.signing_secret()
    assert second != first
    page = response.content.decode()
    assert second in page
    assert first not in page
    assert "A new signing secret for CRM" in page
    assert endpoint.signing_secrets(timezone.now()) == [second, first]
    response = client.post(
        reverse("admin:core_webhookendpoint_changelist"),
        {"action": "rotate_signing_secret", "_selected_action": [endpoint.pk]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.signing_secrets(timezone.now()) == [endpoint.signing_secret(), second]
    assert endpoint.signing_secret() not in (first, second)
    gap_opened(org, django_capture_on_commit_callbacks)
    assert verified(endpoint, receiver.received[0])["type"] == "gap.opened"


def test_the_rotate_button_needs_a_post(client, org, endpoint):
    client.force_login(org.admin)
    secret = endpoint.signing_secret()
    url = reverse("admin:core_webhookendpoint_rotate", args=[endpoint.pk])
    assert client.get(url).status_code == 405
    endpoint.refresh_from_db()
    assert endpoint.signing_secret() == secret


def test_old_events_are_forgotten_with_their_deliveries_and_notifications(org, endpoint):
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=91), tick=False):
        old = account_event_record(
            kind=events.GAP_OPENED, account_id=org.account.pk, summary="Old."
        )
    kept = account_event_record(kind=events.GAP_OPENED, account_id=org.account.pk, summary="New.")
    assert Delivery.objects.count() == 2
    assert events.events_forget(days=90) == 1
    assert list(Event.objects.all()) == [kept]
    assert list(Delivery.objects.values_list("event", flat=True)) == [kept.pk]
    assert not Event.objects.filter(pk=old.pk).exists()
    assert list(Notification.objects.values_list("event", flat=True)) == [kept.pk]


@pytest.mark.parametrize(
    ("meanwhile", "kept"),
    [
        # the sweep took it back and another worker sends it; or has delivered it already
        ({"state": State.SENDING}, State.SENDING),
        ({"state": State.DELIVERED, "delivered_at": timezone.now()}, State.DELIVERED),
    ],
    ids=["sending again", "delivered"],
)
def test_a_send_that_outlived_its_claim_does_not_overwrite_what_came_after(
    org, endpoint, monkeypatch, meanwhile, kept
):
    account_event_record(kind=events.GAP_OPENED, account_id=org.account.pk, summary="Slow.")
    delivery = Delivery.objects.get()

    def slow_failure(url, body, headers):
        later = timezone.now() + dt.timedelta(minutes=10)
        Delivery.objects.filter(pk=delivery.pk).update(claimed_at=later, **meanwhile)
        return 500

    monkeypatch.setattr(webhooks, "_post", slow_failure)
    assert webhooks.delivery_send(delivery_id=delivery.pk) is None
    assert Delivery.objects.get().state == kept
