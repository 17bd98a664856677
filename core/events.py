"""Events: what happened, told to webhooks, chat and the in-app bell.

Call `event_record` (or `events_record_many`) inside the transaction that makes the thing
happen. In that transaction the event is written with everything it causes, in a few
statements whatever the number: a delivery row for each active webhook endpoint and chat hook
that wants the kind (the outbox of core.webhooks) and, for the kinds in NOTIFIED, a
notification for each user in its audience (not the one who did it). Once the transaction
commits each delivery is sent by a task; if the broker is down the sweep sends it. A rolled
back transaction leaves no event and sends nothing.

The kinds below are names receivers and users choose: keep them stable.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, IntegerField, Q, Value
from django.utils import timezone

from core.models import ChatHook, Delivery, Event, Notification, WebhookEndpoint
from core.queue import enqueue

GAP_OPENED = "gap.opened"
GAP_MOVED = "gap.moved"
GAP_RESOLVED = "gap.resolved"
SCORE_DROPPED = "score.dropped"
ALERT_RAISED = "alert.raised"
SURVEY_ANSWERED = "survey.answered"
SURVEY_DETRACTOR = "survey.detractor"
STAKEHOLDER_MAY_HAVE_LEFT = "stakeholder.may_have_left"
ACCOUNT_STATUS_CHANGED = "account.status_changed"
TEST = "test"

KINDS = {
    GAP_OPENED: "A relationship gap opened (or reopened)",
    GAP_MOVED: "A gap case moved on the board",
    GAP_RESOLVED: "A gap case was resolved",
    SCORE_DROPPED: "A relationship score dropped",
    ALERT_RAISED: "An alert was raised (engagement drop, champion left ...)",
    SURVEY_ANSWERED: "A survey was answered",
    SURVEY_DETRACTOR: "A detractor answer (NPS 6 or less)",
    STAKEHOLDER_MAY_HAVE_LEFT: "A stakeholder may have left",
    ACCOUNT_STATUS_CHANGED: "An account's status changed",
}
KIND_CHOICES = list(KINDS.items())
# What the bell tells the users who follow an account: its gap cases, alerts, detractors.
NOTIFIED = {
    GAP_OPENED,
    GAP_MOVED,
    GAP_RESOLVED,
    SCORE_DROPPED,
    ALERT_RAISED,
    SURVEY_DETRACTOR,
    STAKEHOLDER_MAY_HAVE_LEFT,
}
SEND_TASK = "webhooks.deliver"


@dataclass
class EventDraft:
    """An event to record. `audience`: the users who follow its subject; `actor_id`: who made
    it happen (not notified of their own doing)."""

    kind: str
    summary: str
    path: str = ""
    payload: dict = field(default_factory=dict)
    account_id: int | None = None
    team_id: int | None = None
    audience: list[int] = field(default_factory=list)
    actor_id: int | None = None


def event_record(
    *,
    kind: str,
    summary: str,
    path: str = "",
    payload: dict | None = None,
    account_id: int | None = None,
    team_id: int | None = None,
    audience: list[int] | None = None,
    actor_id: int | None = None,
) -> Event:
    """Record one event in the current transaction (see the module's docstring)."""
    draft = EventDraft(
        kind, summary, path, payload or {}, account_id, team_id, audience or [], actor_id
    )
    return events_record_many(drafts=[draft])[0]


def events_record_many(*, drafts: list[EventDraft]) -> list[Event]:
    """Record many events with their deliveries and notifications: five statements for any
    number (the events, who wants them, the deliveries, the notifications)."""
    if not drafts:
        return []
    unknown = {draft.kind for draft in drafts} - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown event kinds: {', '.join(sorted(unknown))}")
    with transaction.atomic(savepoint=False):
        events = Event.objects.bulk_create(
            Event(
                kind=draft.kind,
                summary=draft.summary[:500],
                path=draft.path,
                payload=draft.payload,
                account_id=draft.account_id,
                team_id=draft.team_id,
                audience=sorted(set(draft.audience)),
                actor_id=draft.actor_id,
            )
            for draft in drafts
        )
        deliveries = Delivery.objects.bulk_create(_deliveries(events), batch_size=500)
        Notification.objects.bulk_create(
            (
                Notification(user_id=user_id, event=event)
                for event in events
                if event.kind in NOTIFIED
                for user_id in event.audience
                if user_id != event.actor_id
            ),
            batch_size=500,
        )
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: deliveries_enqueue(ids))
    return events


def _deliveries(events: list[Event]) -> list[Delivery]:
    """A delivery of each event to each active endpoint that wants its kind, and to each active
    chat hook that wants it: the hooks of its team and of the users in its audience, but for
    the one who made it happen (as the bell does not tell them either)."""
    kinds = {event.kind for event in events}
    users = {user_id for event in events for user_id in event.audience}
    teams = {event.team_id for event in events if event.team_id}
    endpoints, hooks = [], []
    for is_hook, pk, wanted, user_id, team_id in _listeners(users, teams):
        if kinds & set(wanted):
            if is_hook:
                hooks.append(ChatHook(pk=pk, events=wanted, user_id=user_id, team_id=team_id))
            else:
                endpoints.append(WebhookEndpoint(pk=pk, events=wanted))
    rows = []
    for event in events:
        rows += [
            Delivery(event=event, endpoint=endpoint)
            for endpoint in endpoints
            if event.kind in endpoint.events
        ]
        rows += [
            Delivery(event=event, chat_hook=hook)
            for hook in hooks
            if event.kind in hook.events
            and (
                (hook.user_id in event.audience and hook.user_id != event.actor_id)
                or (hook.team_id and hook.team_id == event.team_id)
            )
        ]
    return rows


def _listeners(users: set[int], teams: set[int]):
    """The active webhook endpoints, and the active chat hooks of these active users and of
    these teams, in one query: (is a chat hook, id, the kinds of event it wants, its user, its
    team)."""
    endpoints = WebhookEndpoint.objects.filter(active=True).annotate(
        is_hook=Value(False), hook_user=Value(None, IntegerField()),
        hook_team=Value(None, IntegerField()),
    )  # fmt: skip
    hooks = (
        ChatHook.objects.filter(active=True)
        .filter(Q(user__in=users, user__is_active=True) | Q(team__in=teams))
        .annotate(is_hook=Value(True), hook_user=F("user_id"), hook_team=F("team_id"))
    )
    rows = [
        query.order_by().values_list("is_hook", "pk", "events", "hook_user", "hook_team")
        for query in (endpoints, hooks)
    ]
    return rows[0].union(rows[1], all=True).order_by()


def deliveries_enqueue(ids: list[int]) -> None:
    """Send these deliveries now; if the broker is down the sweep sends them."""
    for pk in ids:
        if not enqueue(SEND_TASK, delivery_id=pk):
            return


def event_test_send(*, endpoint: WebhookEndpoint | None = None, hook: ChatHook | None = None):
    """A test event delivered to this one endpoint or chat hook alone (the admin's "send test
    event", a user's "send a test message")."""
    with transaction.atomic():
        event = Event.objects.create(
            kind=TEST,
            summary="A test message from Rapport: this address receives its events.",
            payload={"test": True},
        )
        delivery = Delivery.objects.create(event=event, endpoint=endpoint, chat_hook=hook)
        transaction.on_commit(lambda: deliveries_enqueue([delivery.pk]))
    return delivery


FORGET_BATCH = 2_000


def events_forget(*, days: int) -> int:
    """Delete the events older than `days` days, with their deliveries (long settled: retries
    end within a day) and notifications, in batches; returns how many events went."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    forgotten = 0
    while pks := list(
        Event.objects.filter(occurred_at__lt=cutoff).values_list("pk", flat=True)[:FORGET_BATCH]
    ):
        with transaction.atomic():
            Notification.objects.filter(event__in=pks).delete()
            Delivery.objects.filter(event__in=pks).delete()
            Event.objects.filter(pk__in=pks).delete()
        forgotten += len(pks)
    return forgotten
