"""Account pages: the account list (home), a new account, the account page's shell with its
inline profile editor and its usage section, archiving and restoring, and the change history.
The page's other sections are served by the apps that own them (accounts.panels)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import charts, panels
from accounts.forms import (
    AccountCreateForm,
    AccountProfileForm,
    PreferencesForm,
    account_filter_form,
)
from accounts.history import account_changes
from accounts.models import Account
from accounts.selectors import FLAGS, accounts_for_list, get_account_for_user
from accounts.services import account_archive, account_create, account_restore, account_update
from core.pagecache import cached_page
from core.paging import page_number
from core.versions import EditConflict

ACCOUNTS_PER_PAGE = 25
LIST_COLUMNS = [
    ("name", "Account"),
    ("owner", "Owner"),
    ("team", "Team"),
    ("arr", "ARR"),
    ("renewal", "Renewal"),
    ("status", "Status"),
    ("score", "Score"),
]


@require_GET
@cached_page
def home(request):
    form = account_filter_form(request)
    filters = form.cleaned_filters()
    page = Paginator(accounts_for_list(user=request.user, filters=filters), ACCOUNTS_PER_PAGE)
    context = {"form": form, "page": page.get_page(page_number(request)), "flags": FLAGS}
    context["sort"] = filters.get("sort") or "name"
    context["columns"] = LIST_COLUMNS
    template = "accounts/home.html"
    if request.htmx and request.htmx.target == "account-results":
        template += "#results"
    return render(request, template, context)


PAGE = "accounts/account_detail.html"


@require_GET
@cached_page
def account_detail(request, pk):
    """The account page: its heading and profile, and sections that load from their owners'
    addresses."""
    account = get_account_for_user(request.user, pk)
    return render(request, PAGE, {"account": account})


def render_profile(request, account, *, status=200, **extra):
    """The profile section; `extra` opens the editor (`profile_form`, an edit `conflict`) or
    has the heading come with it (`heading_changed`)."""
    return panels.render_section(request, PAGE, account, extra, partial="profile", status=status)


def usage_chart(usage) -> dict:
    points = charts.trend(
        [u.active_users for u in usage], [f"{u.period_start:%-d %b %Y}" for u in usage]
    )
    return {
        "points": points,
        "line": charts.polyline(points),
        "last": points[-1] if points else None,
        "latest": usage[-1] if usage else None,
        "width": 300,
        "height": 80,
    }


@require_GET
@cached_page
def usage_section(request, pk):
    """The account's product usage: active users by period, as usage.csv reports them."""
    account = get_account_for_user(request.user, pk)
    context = {"usage_chart": usage_chart(list(account.usage.order_by("period_start")))}
    return panels.render_section(request, "accounts/account_usage.html", account, context)


def profile_editor(request, pk, data=None) -> tuple[Account, AccountProfileForm]:
    """The account and its profile form, bound to `data` or showing the account as it is."""
    account = get_account_for_user(request.user, pk)
    prefetch_related_objects([account], "competitors")  # read once: the form and the profile
    return account, AccountProfileForm(data, instance=account, user=request.user)


def account_manager_required(request) -> None:
    """Only managers and admins create, archive and restore accounts: 403 for a CSM."""
    if not request.user.may_manage_accounts:
        raise PermissionDenied("Only managers and admins create and archive accounts.")


@require_http_methods(["GET", "POST"])
def account_new(request):
    """A new account, for a manager (in their own teams) or an admin. Invalid input answers 422
    with the form's errors and writes nothing."""
    account_manager_required(request)
    form = AccountCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = account_create(**form.cleaned_data)
        except ValidationError as refusal:  # by field: the owner, a date, an amount
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Created the account {account.name}.")
            return redirect(account)
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/account_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def account_archive_view(request, pk):
    """Archive an account: GET asks to confirm, POST archives it (outsiders get 404 first)."""
    account = get_account_for_user(request.user, pk)
    account_manager_required(request)
    if request.method == "GET":
        return render(request, "accounts/account_archive.html", {"account": account})
    account_archive(account=account)
    messages.success(request, f"Archived {account.name}: it no longer shows in the account list.")
    return redirect(account)


@require_POST
def account_restore_view(request, pk):
    """Bring an archived account back with the status it had before."""
    account = get_account_for_user(request.user, pk)
    account_manager_required(request)
    account_restore(account=account)
    status = account.get_status_display().lower()
    messages.success(request, f"Restored {account.name}: it is {status} again.")
    return redirect(account)


@require_http_methods(["GET", "POST"])
def account_edit(request, pk):
    """Edit the profile. Someone else's save since the form was drawn refuses the edit (409);
    invalid input answers 422 with the form's errors."""
    account, form = profile_editor(request, pk, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = account_update(form=form, version=form.cleaned_data["version"])
        except EditConflict as conflict:
            account, form = profile_editor(request, pk)
            return render_profile(
                request, account, profile_form=form, conflict=conflict, status=409
            )
        messages.success(request, f"Saved the profile of {account.name}.")
        if not request.htmx:
            return redirect(account)
        response = render_profile(request, account, heading_changed=True)
        return panels.refresh(response, panels.CHANGES["profile"].stored)
    status = 422 if request.method == "POST" else 200
    return render_profile(request, account, profile_form=form, status=status)


@require_GET
@cached_page
def account_history(request, pk):
    account = get_account_for_user(request.user, pk)
    template = "accounts/account_history.html"
    if request.htmx:
        template += "#changes"
    return render(request, template, {"account": account, "changes": account_changes(account)})


@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your preferences are saved.")
        return redirect("preferences")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/preferences.html", {"form": form}, status=status)
