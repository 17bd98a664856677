"""The bell and the notifications it opens; a user's chat hooks (a section of the preferences
page, loaded by itself)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from accounts.notifications import selectors, services
from accounts.notifications.forms import ChatHookForm
from core.events import KINDS
from core.paging import page_number

PAGE = "accounts/notifications.html"
HOOKS_PAGE = "accounts/chat_hooks.html"


@require_GET
def bell(request):
    """The bell with the number of unread notifications (the navigation bar loads it); opened
    without htmx, the notifications page."""
    if not request.htmx:
        return notifications(request)
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, f"{PAGE}#bell", {"unread": count})


@require_GET
def notifications(request):
    """htmx asks for the list alone (the bell's dropdown): the latest notifications, which the
    list marks read by posting back once shown. Opened as a page: all of them, a page at a time,
    and opening a page marks the notifications on it read; the rest can be marked read at once."""
    if request.htmx:
        shown = selectors.notifications_latest(user=request.user)
        context = {"shown": shown, "until": shown[0].pk if shown else 0}
        return render(request, f"{PAGE}#list", context)
    paginator = Paginator(
        selectors.notifications_newest_first(user=request.user), selectors.NOTIFICATIONS_PER_PAGE
    )
    page = paginator.get_page(page_number(request))
    shown = list(page.object_list)  # as they were: the unread ones say "new" this once
    services.notifications_mark_shown_read(user=request.user, shown=shown)
    unread, newest = selectors.notifications_unread_and_newest(user=request.user)
    context = {"page": page, "shown": shown, "unread": unread, "newest": newest}
    return render(request, PAGE, context)


@require_POST
def notifications_read(request):
    """Mark the notifications shown (up to `until`) as read; answers the bell's new count."""
    services.notifications_mark_read(user=request.user, up_to=_until(request))
    if not request.htmx:
        return redirect("notifications")
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, f"{PAGE}#count", {"unread": count})


@require_POST
def notifications_read_all(request):
    """The page's "Mark all as read": every notification up to the newest the page knew of
    (`until`), on every page. htmx gets the button's place back, and the bell hears of it."""
    services.notifications_mark_read(user=request.user, up_to=_until(request))
    if not request.htmx:
        return redirect("notifications")
    unread, newest = selectors.notifications_unread_and_newest(user=request.user)
    response = render(request, f"{PAGE}#read-all", {"unread": unread, "newest": newest})
    return trigger_client_event(response, "notifications-changed")


def _until(request) -> int:
    try:
        return int(request.POST.get("until", ""))
    except ValueError:
        return 0


def render_hooks(request, *, form=None, status=200):
    context = {
        "hooks": selectors.chat_hooks_of(user=request.user),
        "hook_form": form or ChatHookForm(),
        "kinds": KINDS,
    }
    template = f"{HOOKS_PAGE}#chat-hooks" if request.htmx else HOOKS_PAGE
    return render(request, template, context, status=status)


@require_GET
def chat_hooks(request):
    """The user's chat hooks and the form to connect one."""
    return render_hooks(request)


@require_POST
def chat_hook_add(request):
    form = ChatHookForm(request.POST)
    if not form.is_valid():
        return render_hooks(request, form=form, status=422)
    hook = services.chat_hook_create(user=request.user, **form.cleaned_data)
    messages.success(request, f"Connected {hook}: it tells you what you chose.")
    return _done(request)


@require_POST
def chat_hook_remove(request, pk):
    hook = selectors.get_chat_hook_for_user(request.user, pk)
    services.chat_hook_remove(hook=hook)
    messages.success(request, f"Removed {hook}.")
    return _done(request)


@require_POST
def chat_hook_test(request, pk):
    hook = selectors.get_chat_hook_for_user(request.user, pk)
    services.chat_hook_test(hook=hook)
    messages.success(request, f"A test message is on its way to {hook}.")
    return _done(request)


def _done(request):
    """After a change: the section again for htmx, else the preferences page."""
    if request.htmx:
        return render_hooks(request)
    return redirect("preferences")
