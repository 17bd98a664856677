"""Reads for capture's screens: a user's own sources (and the team's BCC mailbox, for admins),
what capture found about an account, and a captured message, each behind its access rule:
a user's sources are theirs alone; what was captured for an account is for whoever may see the
account (`Account.objects.visible_to`)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Account
from capture.models import CalendarFeed, CapturedMessage, Decision, Mailbox, PersonSignal
from capture.models import SuggestedStakeholder as Suggestion

COUNTED_DAYS = 90


def may_manage_bcc(user) -> bool:
    """Admins connect and see the team's BCC-to-log mailbox."""
    return user.sees_all_accounts


def mailboxes_of(user) -> QuerySet[Mailbox]:
    """The user's own mailboxes, and for an admin the team's BCC-to-log mailbox too."""
    mine = Q(owner=user)
    if may_manage_bcc(user):
        mine |= Q(owner__isnull=True, is_bcc_log=True)
    return Mailbox.objects.filter(mine).defer("secret")


def calendar_feeds_of(user) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(owner=user).defer("url")


def sources_of(user) -> dict:
    """The "Mail and calendar" page: the user's mailboxes (the BCC mailbox first) and feeds."""
    return {
        "mailboxes": list(mailboxes_of(user).order_by("-is_bcc_log", "name", "pk")),
        "feeds": list(calendar_feeds_of(user)),
    }


def get_mailbox_for_user(user, pk) -> Mailbox:
    """The mailbox with `pk` if it is the user's own (or the BCC mailbox, for an admin); 404."""
    return get_object_or_404(mailboxes_of(user), pk=pk)


def get_calendar_feed_for_user(user, pk) -> CalendarFeed:
    return get_object_or_404(calendar_feeds_of(user), pk=pk)


def account_captured(*, account: Account) -> dict:
    """The account page's "Mail and calendar" section: people suggested as stakeholders, people
    who may have left, people going dark, and what was captured in the last COUNTED_DAYS."""
    since = timezone.now() - dt.timedelta(days=COUNTED_DAYS)
    signals = list(
        PersonSignal.objects.filter(account=account, state=PersonSignal.State.OPEN)
        .select_related("stakeholder")
        .order_by("-raised_at", "pk")
    )
    email, meeting = CapturedMessage.Kind.EMAIL, CapturedMessage.Kind.MEETING
    counts = CapturedMessage.objects.filter(account=account, sent_at__gte=since).aggregate(
        emails=Count("pk", filter=Q(kind=email)),
        meetings=Count("pk", filter=Q(kind=meeting)),
        inbound=Count("pk", filter=Q(kind=email, direction="inbound")),
        logged=Count("pk", filter=Q(interaction__isnull=False)),
    )
    return {
        "suggestions": list(Suggestion.objects.filter(account=account, state=Decision.OPEN)),
        "leaving": [s for s in signals if s.kind == PersonSignal.Kind.MAY_HAVE_LEFT],
        "dark": [s for s in signals if s.kind == PersonSignal.Kind.GOING_DARK],
        "counts": counts,
        "days": COUNTED_DAYS,
    }


def _visible(model, user) -> QuerySet:
    return model.objects.filter(account__in=Account.objects.visible_to(user))


def get_suggestion_for_user(user, pk) -> Suggestion:
    return get_object_or_404(_visible(Suggestion, user).select_related("account"), pk=pk)


def get_signal_for_user(user, pk) -> PersonSignal:
    return get_object_or_404(
        _visible(PersonSignal, user).select_related("account", "stakeholder"), pk=pk
    )


def get_captured_for_user(user, interaction_pk) -> CapturedMessage:
    """The captured message behind the interaction `interaction_pk`, if the user may see its
    account; 404 otherwise."""
    related = ("account", "mailbox", "channel", "touchpoint", "our_person", "interaction")
    return get_object_or_404(
        _visible(CapturedMessage, user).select_related(*related).defer("mailbox__secret"),
        interaction_id=interaction_pk,
    )
