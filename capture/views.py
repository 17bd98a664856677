"""Capture's screens: the "Mail and calendar" page where a user connects their mailboxes and
calendars (admins also the team's BCC-to-log mailbox) and watches them being read; the account
page's "Mail and calendar" section, where a CSM decides about what capture found; and a
captured message's page, where its sentiment is corrected or its text hidden.

A user's sources are theirs alone (404 for anyone else's); what was captured for an account is
for whoever may see the account."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import panels
from capture import decisions, services
from capture.forms import CalendarFeedForm, MailboxForm, SentimentForm, refusal_add
from capture.models import Health, Mailbox
from capture.selectors import (
    account_captured,
    get_calendar_feed_for_user,
    get_captured_for_user,
    get_mailbox_for_user,
    get_signal_for_user,
    get_suggestion_for_user,
    may_manage_bcc,
    sources_of,
)
from core.idempotency import AlreadySubmitted, submission_answer
from core.pagecache import cached_page
from relationships.sections import render_section

PAGE = "capture/sources.html"
SECTION = "capture/account_captured.html"
MESSAGE_PAGE = "capture/captured_message.html"
QUEUED_FOR = dt.timedelta(seconds=60)  # how long a row waits for a queued read to start
# The buttons on a source's row: a running source's, and a paused one's.
ROW_BUTTONS = {
    "running_actions": [("read", "Read now"), ("pause", "Pause")],
    "resume_only": [("resume", "Resume")],
}


# --- the "Mail and calendar" page ------------------------------------------------------------


@require_GET
def sources(request):
    return render_sources(request)


def render_sources(request, *, partial=None, status=200, **extra):
    """The page, or one of its cards (`partial`: "mailboxes", "feeds") for htmx; `extra` opens a
    form in its card."""
    context = {**sources_of(request.user), **ROW_BUTTONS, **extra}
    template = f"{PAGE}#{partial}" if partial and request.htmx else PAGE
    return render(request, template, context, status=status)


def _mailbox_fields(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("is_bcc_log", None)
    return data


@require_http_methods(["GET", "POST"])
def mailbox_new(request):
    """Connect a mailbox: the login is tried before anything is saved."""
    bcc_allowed = may_manage_bcc(request.user)
    form = MailboxForm(request.POST or None, bcc_allowed=bcc_allowed)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data.get("submission_key")
        if submission_answer(key=key, user=request.user) is not None:
            return _done(request, "mailboxes")  # sent again: the first one connected it
        try:
            mailbox = services.mailbox_connect(
                owner=request.user,
                user=request.user,
                is_bcc_log=form.cleaned_data.get("is_bcc_log", False),
                **_mailbox_fields(form),
            )
        except ValidationError as refusal:
            refusal_add(form, refusal)
        except AlreadySubmitted:  # a double submit: the first one connected it
            return _done(request, "mailboxes")
        else:
            messages.success(request, f"Connected {mailbox.name}: it is being read.")
            return _done(request, "mailboxes")
    status = 422 if request.method == "POST" else 200
    return render_sources(request, partial="mailboxes", status=status, mailbox_form=form)


@require_http_methods(["GET", "POST"])
def mailbox_edit(request, pk):
    mailbox = get_mailbox_for_user(request.user, pk)
    initial = {field: getattr(mailbox, field) for field in ("name", "host", "port", "use_tls")}
    initial |= {"username": mailbox.username, "auth": mailbox.auth, "excluded": mailbox.excluded}
    form = MailboxForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.mailbox_update(mailbox=mailbox, **form.cleaned_data)
        except ValidationError as refusal:
            refusal_add(form, refusal)
        else:
            messages.success(request, f"Saved {mailbox.name}.")
            return _done(request, "mailboxes")
    status = 422 if request.method == "POST" else 200
    return render_sources(
        request, partial="mailboxes", status=status, mailbox_form=form, editing=mailbox
    )


@require_http_methods(["GET", "POST"])
def feed_new(request):
    form = CalendarFeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feed = services.calendar_feed_add(owner=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            refusal_add(form, refusal)
        except AlreadySubmitted:  # a double submit: the first one added it
            return _done(request, "feeds")
        else:
            messages.success(request, f"Added the calendar {feed.name}: it is being read.")
            return _done(request, "feeds")
    status = 422 if request.method == "POST" else 200
    return render_sources(request, partial="feeds", status=status, feed_form=form)


@require_http_methods(["GET", "POST"])
def feed_edit(request, pk):
    feed = get_calendar_feed_for_user(request.user, pk)
    form = CalendarFeedForm(request.POST or None, initial={"name": feed.name}, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_feed_update(feed=feed, **form.cleaned_data)
        except ValidationError as refusal:
            refusal_add(form, refusal)
        else:
            messages.success(request, f"Saved the calendar {feed.name}.")
            return _done(request, "feeds")
    status = 422 if request.method == "POST" else 200
    return render_sources(request, partial="feeds", status=status, feed_form=form, editing=feed)


def _done(request, card: str):
    """After a save: htmx gets the card again, with the form closed; a browser the page."""
    if request.htmx:
        return render_sources(request, partial=card)
    return redirect("capture_sources")


# Each source's row: its state, the progress of a read, and its actions.

STATE = ["paused", "health", "last_synced_at", "last_error", "progress_done", "progress_total"]

KINDS = {
    "mailbox": (get_mailbox_for_user, "mailbox-row"),
    "feed": (get_calendar_feed_for_user, "feed-row"),
}
ACTIONS = {  # what each action does, and what it says
    "pause": (services.source_pause, "{} is paused: it is not read until you resume it."),
    "resume": (services.source_resume, "{} is read again."),
    "read": (services.source_read_now, "{} is being read now."),
}


def _row(request, kind: str, source, *, queued_since=None, status=200):
    """One source's row (htmx) or, for a browser, the page. A row polls every 2 s while its
    source is being read, or while a read it asked for waits to start (for up to a minute)."""
    if not request.htmx:  # a browser without htmx: the page (after a write, again by GET)
        return render_sources(request) if request.method == "GET" else redirect("capture_sources")
    waiting = (  # neither being read, nor read since, nor failed since (services._read_queue)
        queued_since is not None
        and source.health != Health.SYNCING
        and not source.last_error
        and timezone.now() - queued_since < QUEUED_FOR
        and (source.last_synced_at is None or source.last_synced_at < queued_since)
    )
    context = {"source": source, "queued_since": queued_since if waiting else None, **ROW_BUTTONS}
    return render(request, f"{PAGE}#{KINDS[kind][1]}", context, status=status)


@require_GET
def source_status(request, kind, pk):
    """A row again, for its poll while a read is under way or waiting to start."""
    source = KINDS[kind][0](request.user, pk)
    try:
        since = parse_datetime(request.GET.get("queued", ""))
    except ValueError:  # well formed, but no such moment
        since = None
    if since is not None and timezone.is_naive(since):
        since = None
    return _row(request, kind, source, queued_since=since)


@require_POST
def source_action(request, kind, pk, action):
    source = KINDS[kind][0](request.user, pk)
    act, said = ACTIONS[action]
    queued = timezone.now() if action in ("read", "resume") else None
    try:
        act(source=source)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return _row(request, kind, source, status=422)
    messages.success(request, said.format(source.name))
    if queued:  # without a broker the read has run already: show how it went
        source.refresh_from_db(fields=STATE)
    return _row(request, kind, source, queued_since=queued)


@require_POST
def source_remove(request, kind, pk):
    source = KINDS[kind][0](request.user, pk)
    name = source.name
    services.source_remove(source=source)
    what = "mailbox" if isinstance(source, Mailbox) else "calendar"
    messages.success(request, f"Removed the {what} {name}; what it captured stays.")
    return _done(request, "mailboxes" if what == "mailbox" else "feeds")


# --- the account page's section ----------------------------------------------------------------


@require_GET
@cached_page(account="pk")
def captured_section(request, pk):
    return render_captured(request, panels.section_account(request, pk))


def render_captured(request, account, *, changes=None, status=200):
    context = {"captured": account_captured(account=account)}
    return render_section(
        request, SECTION, account, context, panel="captured", changes=changes, status=status
    )


def _decided(request, account, message: str, *, changes=None):
    messages.success(request, message)
    if not request.htmx:
        return redirect(account)
    return render_captured(request, account, changes=changes)


def _refused(request, account, refusal: ValidationError):
    """A decision that was taken already (another tab, a teammate): said, nothing written."""
    messages.error(request, " ".join(refusal.messages))
    if not request.htmx:
        return redirect(account)
    return render_captured(request, account, status=409)


@require_POST
def suggestion_accept(request, pk):
    suggestion = get_suggestion_for_user(request.user, pk)
    try:
        person = decisions.suggestion_accept(suggestion=suggestion)
    except ValidationError as refusal:
        return _refused(request, suggestion.account, refusal)
    changes = panels.CHANGES["suggestion_accept"]
    said = f"Added {person.name} as a stakeholder; their captured mail is in the timeline."
    return _decided(request, suggestion.account, said, changes=changes)


@require_POST
def suggestion_dismiss(request, pk):
    suggestion = get_suggestion_for_user(request.user, pk)
    decisions.suggestion_dismiss(suggestion=suggestion)
    said = f"{suggestion} will not be suggested again."
    return _decided(request, suggestion.account, said)


@require_POST
def signal_confirm(request, pk):
    signal = get_signal_for_user(request.user, pk)
    try:
        decisions.signal_confirm(signal=signal)
    except ValidationError as refusal:
        return _refused(request, signal.account, refusal)
    said = f"{signal.stakeholder.name} is marked as having left the company."
    return _decided(request, signal.account, said, changes=panels.CHANGES["signal_confirm"])


@require_POST
def signal_dismiss(request, pk):
    signal = get_signal_for_user(request.user, pk)
    try:
        decisions.signal_dismiss(signal=signal)
    except ValidationError as refusal:
        return _refused(request, signal.account, refusal)
    return _decided(request, signal.account, f"{signal.stakeholder.name} has not left.")


# --- a captured message ------------------------------------------------------------------------


@require_GET
def captured_message(request, pk):
    message = get_captured_for_user(request.user, pk)
    form = SentimentForm(initial={"sentiment": message.sentiment})
    return _message_page(request, message, form)


def _message_page(request, message, form, *, status=200):
    context = {"message": message, "account": message.account, "form": form}
    return render(request, MESSAGE_PAGE, context, status=status)


@require_POST
def captured_sentiment(request, pk):
    message = get_captured_for_user(request.user, pk)
    form = SentimentForm(request.POST)
    if form.is_valid():
        try:
            decisions.captured_sentiment_correct(message=message, **form.cleaned_data)
        except ValidationError as refusal:
            refusal_add(form, refusal)
        else:
            messages.success(request, "The sentiment is corrected; the score follows.")
            return redirect("captured_message", pk)
    return _message_page(request, message, form, status=422)


@require_POST
def captured_hide(request, pk):
    message = get_captured_for_user(request.user, pk)
    decisions.captured_hide(message=message)
    messages.success(request, "The message's text is removed; only its counts are kept.")
    return redirect("captured_message", pk)
