"""Account pages: the account list (home), a new account, the account page with its inline
profile editor, archiving and restoring, and the change history. htmx requests get the fragment
they target; plain requests the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import charts, panels
from accounts.forms import (
    AccountCreateForm,
    AccountFilterForm,
    AccountProfileForm,
    PreferencesForm,
)
from accounts.history import account_changes
from accounts.models import Account
from accounts.selectors import (
    FLAGS,
    accounts_for_list,
    get_account_for_user,
    get_account_page_for_user,
)
from accounts.services import account_archive, account_create, account_restore, account_update
from core.forms import offer
from core.pagecache import cached_page
from core.paging import page_number
from core.versions import EditConflict
from relationships.activity import catalogs
from relationships.activity.forms import (
    ActivityChoices,
    CompetitorRatingForm,
    InteractionForm,
    MomentForm,
    OpenItemForm,
    PulseCheckForm,
    TimelineFilterForm,
)
from relationships.activity.selectors import activity_choices
from relationships.activity.timeline import timeline_page
from relationships.gaps.selectors import account_gaps
from relationships.models import Scale, Stakeholder
from relationships.people import maps
from relationships.people.selectors import stakeholder_map, stakeholders_of
from relationships.positioning.selectors import account_competitors, account_goals
from relationships.scoring.selectors import account_score_card
from surveys.selectors import account_surveys

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
QUICKLOG_FORMS = {
    "interaction": ("Interaction", InteractionForm),
    "moment": ("Moment", MomentForm),
    "open_item": ("Open item", OpenItemForm),
    "pulse": ("Pulse check", PulseCheckForm),
}


def filter_form(request) -> AccountFilterForm:
    """The account list's filters, bound to the query string; the quadrant board shares them."""
    segments = (
        Account.objects.visible_to(request.user)
        .exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    )
    return AccountFilterForm(request.GET, user=request.user, segments=list(segments))


@require_GET
@cached_page
def home(request):
    form = filter_form(request)
    filters = form.cleaned_filters()
    page = Paginator(accounts_for_list(user=request.user, filters=filters), ACCOUNTS_PER_PAGE)
    context = {"form": form, "page": page.get_page(page_number(request)), "flags": FLAGS}
    context["sort"] = filters.get("sort") or "name"
    context["columns"] = LIST_COLUMNS
    template = "accounts/home.html"
    if request.htmx and request.htmx.target == "account-results":
        template += "#results"
    return render(request, template, context)


LAZY_SECTIONS = ("usage", "competitors", "goals", "survey-section")
SECTIONS = ("heading", "profile", "people", "gaps", *LAZY_SECTIONS)  # served by HX-Target
QUICKLOG_TARGETS = {f"quicklog-{kind}": kind for kind in QUICKLOG_FORMS}


def render_account_page(request, account, *, fragment=None, status=200, changes=None, **extra):
    """The account page, or one of its sections for htmx (SECTIONS, "activity", "timeline",
    "timeline-more", "score"); a request without htmx gets the whole page, from all its data.
    `extra` opens editors in place or carries a bound form, rows already loaded or an edit
    `conflict`. `changes` (accounts.panels) is what a write changed: the response carries the
    score card out of band when a recompute follows, and has the other panels it changed fetch
    themselves again, those showing the recompute's numbers once it has run."""
    if not request.htmx:
        fragment = changes = None
    context = {"account": account, "flags": FLAGS, **extra}
    labels = catalogs.scales()
    if fragment in (None, "people"):
        context.update(people_context(account, labels, extra.get("stakeholders")))
    if fragment in (None, "profile"):
        context["competitors"] = list(account.competitors.all())
    if fragment in (None, "activity", "timeline", "timeline-more"):
        context.update(
            activity_context(
                request,
                account,
                labels,
                extra.get("bound_form"),
                extra.get("active_kind"),
                stakeholders=context.get("stakeholders"),
            )
        )
    if fragment in (None, "score") or (changes and changes.recomputed):
        context["score"] = account_score_card(account)
    pending = "score" in context and context["score"]["pending"]
    if pending:  # the card polls; once the recompute is done, these panels fetch themselves
        waiting = panels.RECOMPUTED if changes is None else changes.recomputed
        context["score_poll_url"] = panels.score_poll_url(account, waiting)
    if fragment in (None, "gaps"):
        context.update(account_gaps(account))
    elif fragment == "competitors":
        context.update(competitors_context(account, extra))
    elif fragment == "usage":
        context["usage_chart"] = usage_chart(list(account.usage.order_by("period_start")))
    elif fragment == "goals":
        usage = list(account.usage.order_by("period_start"))
        people = list(Stakeholder.objects.filter(account=account))
        context["goals"] = account_goals(account, usage=usage, stakeholders=people)
    elif fragment == "survey-section":
        context["surveys"] = account_surveys(account=account)
    template = "accounts/account_detail.html"
    if fragment:
        template += f"#{fragment}"
    response = render(request, template, context, status=status)
    if changes:
        panels.refresh(
            response, panels.refreshed_now(changes, recomputed=not pending, shown=fragment)
        )
    return response


def competitors_context(account, extra) -> dict:
    """The account's standing against competitors, and the form to add a rating."""
    form = extra.get("rating_form")
    if form is None:
        people = Stakeholder.objects.filter(account=account, status=Stakeholder.Status.ACTIVE)
        choices = ActivityChoices(
            stakeholders=list(people.only("pk", "name")),
            channels=[], touchpoints=[], moment_types=[],
        )  # fmt: skip
        form = CompetitorRatingForm(
            account=account, choices=choices, initial={"rated_on": timezone.localdate()}
        )
    competition = account_competitors(account)
    offer(form.fields["dimension"], competition["dimensions"], "—")
    return {"competition": competition, "rating_form": form}


def people_context(account, labels, stakeholders=None) -> dict:
    """The people section: `stakeholders` as loaded by the caller, or read now."""
    if stakeholders is None:
        stakeholders = list(stakeholders_of(account))
    scale = labels.get(Scale.RELATIONSHIP, {})
    return {
        "stakeholders": stakeholders,
        "active_people": sum(person.is_active for person in stakeholders),
        "map": stakeholder_map(stakeholders),
        "strength_columns": [
            f"{value} · {scale.get(value, '')}" if value else "Not rated"
            for value in maps.STRENGTHS
        ],
    }


def quicklog_form(kind, account, choices, labels, data=None):
    """A quick-log form of `kind` (see QUICKLOG_FORMS) for the account: blank and dated now, or
    bound to `data`."""
    _label, form_class = QUICKLOG_FORMS[kind]
    now = timezone.localtime()
    initial = {
        "interaction": {"occurred_at": now.replace(second=0, microsecond=0)},
        "moment": {"occurred_on": now.date()},
        "open_item": {"opened_on": now.date()},
        "pulse": {"checked_on": now.date()},
    }
    options = {"happiness_scale": labels.get(Scale.HAPPINESS, {})} if kind == "pulse" else {}
    return form_class(data, account=account, choices=choices, initial=initial[kind], **options)


def activity_context(
    request, account, labels, bound_form=None, active_kind=None, *, stakeholders=None
) -> dict:
    """The quick-log forms and a page of the timeline. Only the open tab's form is drawn (the
    bound one, with its errors, after a failed save); the others load when their tab opens.
    `stakeholders`: the account's people if the caller has them already."""
    choices = activity_choices(account, stakeholders)
    active = active_kind or getattr(bound_form, "prefix_name", "interaction")
    forms = []
    for kind, (label, _form_class) in QUICKLOG_FORMS.items():
        if bound_form is not None and bound_form.prefix_name == kind:
            form = bound_form
        else:
            form = quicklog_form(kind, account, choices, labels) if kind == active else None
        forms.append((kind, label, form))
    filters = TimelineFilterForm(request.GET, account=account, choices=choices)
    number = page_number(request)
    return {
        "quicklog_forms": forms,
        "active_kind": active,
        "timeline_filters": filters,
        "timeline": timeline_page(account, filters=filters.cleaned_filters(), number=number),
        "today": timezone.localdate(),
    }


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
def account_detail(request, pk):
    """The account page; an htmx request for one of its sections (e.g. Cancel) gets just that."""
    fragment = request.htmx.target if request.htmx else None
    if fragment in QUICKLOG_TARGETS:  # a quick-log tab opened
        account = get_account_for_user(request.user, pk)
        kind = QUICKLOG_TARGETS[fragment]
        context = {"account": account, "kind": kind, "label": QUICKLOG_FORMS[kind][0]}
        context["form"] = quicklog_form(kind, account, activity_choices(account), catalogs.scales())
        return render(request, "accounts/account_detail.html#quicklog-form", context)
    return render_account_page(
        request,
        get_account_page_for_user(request.user, pk),
        fragment=fragment if fragment in SECTIONS else None,
    )


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
            return render_account_page(
                request,
                account,
                fragment="profile",
                profile_form=form,
                conflict=conflict,
                status=409,
            )
        messages.success(request, f"Saved the profile of {account.name}.")
        if not request.htmx:
            return redirect(account)
        return render_account_page(
            request, account, fragment="profile", changes=panels.CHANGES["profile"]
        )
    status = 422 if request.method == "POST" else 200
    return render_account_page(
        request, account, fragment="profile", profile_form=form, status=status
    )


@require_GET
@cached_page
def account_history(request, pk):
    account = get_account_for_user(request.user, pk)
    template = "accounts/account_history.html"
    if request.htmx:
        template += "#changes"
    return render(request, template, {"account": account, "changes": account_changes(account)})


@require_GET
@cached_page
def account_score(request, pk):
    """The score card alone: the page polls it while a recompute is pending, naming the
    panels to fetch again once it is done (?refresh=gaps&refresh=goals)."""
    return render_account_page(
        request,
        get_account_page_for_user(request.user, pk),
        fragment="score",
        changes=panels.Changes(recomputed=panels.waiting_panels(request.GET.getlist("refresh"))),
    )


@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your preferences are saved.")
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})
