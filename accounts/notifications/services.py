"""A user's notifications and chat hooks: reading, connecting, removing, testing."""

from django.db import transaction
from django.utils import timezone

from accounts.notifications.selectors import notifications_visible
from core.events import event_test_send
from core.models import ChatHook, Delivery, Notification
from core.secrets import encrypt


def notifications_mark_read(*, user, up_to: int) -> int:
    """Mark the user's unread notifications up to id `up_to` (those they were shown) as read;
    returns how many."""
    return (
        notifications_visible(user)
        .filter(read_at__isnull=True, pk__lte=up_to)
        .update(read_at=timezone.now())
    )


def notifications_mark_shown_read(*, user, shown: list[Notification]) -> int:
    """Mark the notifications of a page the user opened as read; returns how many."""
    if not shown:
        return 0
    return (
        notifications_visible(user)
        .filter(read_at__isnull=True, pk__in=[notification.pk for notification in shown])
        .update(read_at=timezone.now())
    )


def chat_hook_create(*, user, kind: str, url: str, events: list[str], name: str = "") -> ChatHook:
    """Connect a Slack or Teams incoming webhook for the user (the address stored encrypted)."""
    hook = ChatHook(user=user, kind=kind, name=name, url=encrypt(url), events=sorted(events))
    hook.full_clean()
    with transaction.atomic():
        hook.save()
    return hook


def chat_hook_remove(*, hook: ChatHook) -> None:
    hook.delete()


def chat_hook_test(*, hook: ChatHook) -> Delivery:
    """A test message to this hook alone."""
    return event_test_send(hook=hook)
