"""Account pages: the account list (home), a new account, the account page's shell with its
inline profile editor and its usage section, archiving and restoring, and the change history.
The page's other sections are served by the apps that own them (accounts.panels)."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.forms.utils import pretty_name
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import charts, panels
from accounts.bulk import bulk_actions
from accounts.bulk_actions import EXPORT
from accounts.forms import (
    AccountBulkForm,
    AccountCreateForm,
    AccountFilterForm,
    AccountProfileForm,
    DefaultViewForm,
    PreferencesForm,
    SavedViewEditForm,
    SavedViewForm,
    account_filter_form,
)
from accounts.history import account_changes
from accounts.models import Account, SavedView
from accounts.saved_views import (
    ALL_ACCOUNTS,
    default_view_set,
    own_saved_view,
    saved_view_create,
    saved_view_delete,
    saved_view_update,
    saved_views_for,
    saved_views_listed,
    view_query,
)
from accounts.selectors import FLAGS, account_url_pattern, accounts_for_list, get_account_for_user
from accounts.services import account_archive, account_create, account_restore, account_update
from core.forms import offer
from core.pagecache import cached_page
from core.paging import page_number
from core.versions import EditConflict
from dataio.services import report_lines

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


@dataclass
class ListQuery:
    """What the account list shows: the filters it reads (`data`), the saved view they come
    from, the query its links keep (`links`), and a word about the view (gone, or part of it)."""

    data: QueryDict
    links: QueryDict
    views: list[SavedView]
    view: SavedView | None = None
    notice: str = ""


def list_query(user, params: QueryDict) -> ListQuery:
    """The list's query: a view chosen (`?view=<pk>`, what the request adds to it winning), the
    user's default view when the list is opened without a query string, or the query string."""
    views = saved_views_listed(user)
    by_pk = {str(view.pk): view for view in views}
    chosen = params.get("view", "")
    if not params:
        chosen = str(user.default_view_id or "")
    view = by_pk.get(chosen)
    overrides = params.copy()
    overrides.pop("view", None)
    if view is None:
        notice = "" if chosen in ("", ALL_ACCOUNTS) or not params else VIEW_GONE
        return ListQuery(data=overrides, links=overrides, views=views, notice=notice)
    data = QueryDict(view.query, mutable=True)
    for name in overrides:
        data.setlist(name, overrides.getlist(name))
    links = QueryDict(mutable=True)
    links["view"] = str(view.pk)
    for name in overrides:
        links.setlist(name, overrides.getlist(name))
    return ListQuery(data=data, links=links, views=views, view=view)


VIEW_GONE = "That saved view is not yours to open any more (deleted, or no longer shared)."


def view_notice(view: SavedView, form) -> str:
    """What the list says when part of a saved view no longer applies."""
    stored = QueryDict(view.query)
    gone = [
        str(form.fields[name].label or pretty_name(name))
        for name in form.errors
        if name in stored and name in form.fields
    ]
    if not gone:
        return ""
    return (
        f"Part of the view “{view.name}” no longer applies and is left out: "
        f"{', '.join(gone).lower()}."
    )


def list_context(request, params: QueryDict, **extra) -> dict:
    """What the account list draws for the query string `params`."""
    query = list_query(request.user, params)
    form = account_filter_form(request, query.data)
    filters = form.cleaned_filters()
    page = Paginator(accounts_for_list(user=request.user, filters=filters), ACCOUNTS_PER_PAGE)
    page = page.get_page(page_number(SimpleNamespace(GET=params)))
    account_url = account_url_pattern()
    for account in page.object_list:  # the rows' links, the URL reversed once for the page
        account.href = account_url.format(account.pk)
    context = {"form": form, "page": page, "flags": FLAGS}
    context["sort"] = filters.get("sort") or "name"
    context["columns"] = LIST_COLUMNS
    context["query"] = query
    context["notice"] = query.notice or (query.view and view_notice(query.view, form))
    context["view_form"] = SavedViewForm(
        initial={"query": view_query(query.data).urlencode()}, user=request.user, auto_id="save_%s"
    )
    context["list_query"] = params.urlencode()
    context["bulk_bar"] = bulk_bar(request.user, form)
    return {**context, **extra}


def bulk_bar(user, filters: AccountFilterForm) -> list[tuple]:
    """The action bar's actions, each with its blank form. The people a reassignment may
    choose are the filters' owners: read once for both, and given to each action form that
    `takes_owners`."""
    owners = list(filters.fields["owner"].queryset)
    offer(filters.fields["owner"], owners, filters.fields["owner"].empty_label)
    bar = []
    for key, action in bulk_actions().items():
        action_form = None
        if action.form:
            offered = {"owners": owners} if action.takes_owners else {}
            action_form = action.form(user=user, auto_id="bulk_%s", **offered)
        bar.append((key, action, action_form))
    return bar


@require_GET
@cached_page
def home(request):
    template = "accounts/home.html"
    if request.htmx and request.htmx.target == "account-results":
        template += "#results"
    return render(request, template, list_context(request, request.GET))


@require_POST
def accounts_bulk(request):
    """Act on the accounts chosen on the list: the action bar's reassign, status change, export
    or an action an app above adds. Answers the list again (the results, for htmx) with a
    summary of what changed; an account the user may not see, or input the action refuses,
    answers 422 with the reason and writes nothing. Export answers the CSV report of the
    accounts chosen."""
    actions = bulk_actions()
    form = AccountBulkForm(request.POST, user=request.user, actions=actions)
    params = QueryDict(request.POST.get("list_query", "")[:2000])
    if not form.is_valid():
        return bulk_refused(request, params, form.errors.values())
    action = actions[form.cleaned_data["action"]]
    accounts = list(form.cleaned_data["accounts"])
    if action.key == EXPORT:
        return selection_export(request, accounts)
    fields = {}
    if action.form:
        action_form = action.form(request.POST, user=request.user)
        if not action_form.is_valid():
            return bulk_refused(request, params, action_form.errors.values())
        fields = action_form.cleaned_data
    try:
        outcome = action.run(user=request.user, accounts=accounts, **fields)
    except ValidationError as refusal:
        return bulk_refused(request, params, refusal.message_dict.values())
    messages.success(request, outcome.summary)
    if not request.htmx:
        query = params.urlencode()
        return redirect(reverse("home") + (f"?{query}" if query else ""))
    return render(request, "accounts/home.html#results", list_context(request, params))


def bulk_refused(request, params: QueryDict, errors) -> HttpResponse:
    """The list again, with why the action was refused (422)."""
    reasons = [str(message) for messages_ in errors for message in messages_]
    template = "accounts/home.html" + ("#results" if request.htmx else "")
    context = list_context(request, params, bulk_errors=reasons)
    return render(request, template, context, status=422)


def selection_export(request, accounts: list[Account]) -> StreamingHttpResponse:
    """The account report (dataio's CSV, the same columns as "Download CSV") of these
    accounts."""
    chosen = Account.objects.visible_to(request.user).filter(pk__in=[a.pk for a in accounts])
    response = StreamingHttpResponse(
        report_lines(accounts=chosen), content_type="text/csv; charset=utf-8"
    )
    filename = f"rapport-accounts-selection-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


PAGE = "accounts/account_detail.html"


@require_GET
@cached_page(account="pk")
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
@cached_page(account="pk")
def usage_section(request, pk):
    """The account's product usage: active users by period, as usage.csv reports them."""
    account = panels.section_account(request, pk)
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
@cached_page(account="pk")
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


@require_http_methods(["GET", "POST"])
def saved_views(request):
    """The user's saved views and their teammates' shared ones (GET); POST saves the account
    list's current filters and sort as a new view of theirs, then opens it."""
    form = SavedViewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            view = saved_view_create(owner=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            shared = " and shared it with your team" if view.shared else ""
            messages.success(request, f"Saved the view “{view.name}”{shared}.")
            return redirect(f"{reverse('home')}?view={view.pk}")
    return render_saved_views(request, form=form, status=422 if request.method == "POST" else 200)


def render_saved_views(request, *, form=None, edit_forms=None, status=200):
    views = list(saved_views_for(request.user))
    edit_forms = edit_forms or {}
    for view in views:
        if view.owner_id == request.user.pk and view.pk not in edit_forms:
            edit_forms[view.pk] = SavedViewEditForm(
                initial={"name": view.name, "shared": view.shared}, auto_id=f"view-{view.pk}-%s"
            )
        view.edit_form = edit_forms.get(view.pk)
    context = {
        "views": views,
        "form": form or SavedViewForm(user=request.user),
        "default_view_id": request.user.default_view_id,
    }
    return render(request, "accounts/saved_views.html", context, status=status)


@require_POST
def saved_view_edit(request, pk):
    """Rename one's own view, share it or stop sharing it (anyone else's: 404)."""
    view = own_saved_view(request.user, pk)
    form = SavedViewEditForm(request.POST, auto_id=f"view-{view.pk}-%s")
    if form.is_valid():
        try:
            saved_view_update(view=view, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Saved the view “{view.name}”.")
            return redirect("saved_views")
    return render_saved_views(request, edit_forms={view.pk: form}, status=422)


@require_POST
def saved_view_remove(request, pk):
    """Delete one's own view (anyone else's: 404)."""
    view = own_saved_view(request.user, pk)
    saved_view_delete(view=view)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("saved_views")


@require_POST
def saved_view_default(request):
    """Choose the view the account list opens with: one the user may open, or none. A view
    they may not open is refused (422)."""
    form = DefaultViewForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "That view is not one you may open.")
        return render_saved_views(request, status=422)
    view = form.cleaned_data["view"]
    default_view_set(user=request.user, view=view)
    if view:
        messages.success(request, f"The account list now opens with “{view.name}”.")
    else:
        messages.success(request, "The account list now opens with every account.")
    return redirect("home")
