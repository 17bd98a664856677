"""The notifications a user may read: theirs, and only about accounts they may see now
(`Account.objects.visible_to`), whoever they followed when the event happened."""

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account
from core.models import ChatHook, Notification

NOTIFICATIONS_SHOWN = 30
NOTIFICATIONS_PER_PAGE = 50


def notifications_visible(user) -> QuerySet[Notification]:
    mine = Notification.objects.filter(user=user)
    if user.sees_all_accounts:
        return mine
    return mine.filter(event__account_id__in=Account.objects.visible_to(user).values("pk"))


def notifications_unread_count(*, user) -> int:
    """The bell's number: one query."""
    return notifications_visible(user).filter(read_at__isnull=True).count()


def notifications_latest(*, user, limit: int = NOTIFICATIONS_SHOWN) -> list[Notification]:
    """The latest notifications, newest first, with their events: one query."""
    return list(notifications_visible(user).select_related("event").order_by("-pk")[:limit])


def notifications_newest_first(*, user) -> QuerySet[Notification]:
    """All the user's notifications with their events, newest first (the page pages them)."""
    return notifications_visible(user).select_related("event").order_by("-pk")


def notifications_unread_and_newest(*, user) -> tuple[int, int]:
    """How many are unread, and the id of the newest notification (0 without one): one query."""
    totals = notifications_visible(user).aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)), newest=Max("pk")
    )
    return totals["unread"], totals["newest"] or 0


def chat_hooks_of(*, user) -> list[ChatHook]:
    return list(ChatHook.objects.filter(user=user).order_by("pk"))


def get_chat_hook_for_user(user, pk) -> ChatHook:
    """The user's own chat hook; 404 for anyone else's (a team's is managed in the admin)."""
    return get_object_or_404(ChatHook, pk=pk, user=user)
