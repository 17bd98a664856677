"""The bell and the notifications it opens; a user's chat hooks (a section of the preferences
page, loaded by itself)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.notifications import selectors, services
from accounts.notifications.forms import ChatHookForm
from core.events import KINDS

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
    """The latest notifications; showing them marks them read (the list posts it back once
    shown). htmx asks for the list alone (the bell's dropdown)."""
    shown = selectors.notifications_latest(user=request.user)
    template = f"{PAGE}#list" if request.htmx else PAGE
    return render(request, template, {"shown": shown, "until": shown[0].pk if shown else 0})


@require_POST
def notifications_read(request):
    """Mark the notifications shown (up to `until`) as read; answers the bell's new count."""
    try:
        until = int(request.POST.get("until", ""))
    except ValueError:
        until = 0
    services.notifications_mark_read(user=request.user, up_to=until)
    if not request.htmx:
        return redirect("notifications")
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, f"{PAGE}#count", {"unread": count})


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
