"""Activity on the account page (the activity section): the quick-log forms, the timeline and
open items; and the moments report. A quick log answers htmx with the activity section (forms
and timeline); a quick-log tab's blank form comes from a GET of the address it posts to."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import panels
from accounts.models import Account
from accounts.panels import CHANGES
from accounts.selectors import get_account_for_user
from core.pagecache import cached_page
from core.paging import page_number
from relationships.activity import catalogs
from relationships.activity import moments_report as moments_report_data
from relationships.activity.forms import (
    InteractionForm,
    MomentForm,
    MomentsReportForm,
    OpenItemForm,
    PulseCheckForm,
    TimelineFilterForm,
)
from relationships.activity.selectors import activity_choices
from relationships.activity.services import open_item_close
from relationships.activity.timeline import timeline_page
from relationships.models import OpenItem, Scale
from relationships.sections import render_section

SECTION = "relationships/account_activity.html"
QUICKLOG_FORMS = {
    "interaction": ("Interaction", InteractionForm),
    "moment": ("Moment", MomentForm),
    "open_item": ("Open item", OpenItemForm),
    "pulse": ("Pulse check", PulseCheckForm),
}


def quicklog_form(kind, account, choices, data=None):
    """A quick-log form of `kind` (see QUICKLOG_FORMS) for the account: blank and dated now, or
    bound to `data`. Only the pulse check's reads the scales' labels."""
    _label, form_class = QUICKLOG_FORMS[kind]
    now = timezone.localtime()
    initial = {
        "interaction": {"occurred_at": now.replace(second=0, microsecond=0)},
        "moment": {"occurred_on": now.date()},
        "open_item": {"opened_on": now.date()},
        "pulse": {"checked_on": now.date()},
    }
    options = {}
    if kind == "pulse":
        options["happiness_scale"] = catalogs.scales().get(Scale.HAPPINESS, {})
    return form_class(data, account=account, choices=choices, initial=initial[kind], **options)


def activity_context(request, account, bound_form=None, active_kind=None, choices=None) -> dict:
    """The quick-log forms and a page of the timeline. Only the open tab's form is drawn (the
    bound one, with its errors, after a failed save); the others load when their tab opens.
    `choices`: the forms' options, if read already."""
    choices = choices or activity_choices(account)
    active = active_kind or getattr(bound_form, "prefix_name", "interaction")
    forms = []
    for kind, (label, _form_class) in QUICKLOG_FORMS.items():
        if bound_form is not None and bound_form.prefix_name == kind:
            form = bound_form
        elif kind == active:
            form = quicklog_form(kind, account, choices)
        else:
            form = None
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


def render_activity(request, account, *, partial="section", status=200, changes=None, **extra):
    """The activity section (or its timeline `partial`); `extra` is activity_context's."""
    context = activity_context(request, account, **extra)
    return render_section(
        request, SECTION, account, context, partial=partial, panel="activity", status=status,
        changes=changes,
    )  # fmt: skip


@require_GET
@cached_page(account="pk")
def activity_section(request, pk):
    return render_activity(request, panels.section_account(request, pk))


@require_http_methods(["GET", "POST"])
def activity_log(request, account_pk, kind):
    """Save one quick-log form; the timeline shows the new entry at once. GET: the form of
    this kind, blank, for its tab (htmx), or the page with that tab open."""
    account = get_account_for_user(request.user, account_pk)
    if kind not in QUICKLOG_FORMS:
        raise Http404("No such kind of entry.")
    label = QUICKLOG_FORMS[kind][0]
    if request.method == "GET":
        if not request.htmx:
            return render_activity(request, account, active_kind=kind)
        form = quicklog_form(kind, account, activity_choices(account))
        context = {"account": account, "kind": kind, "label": label, "form": form}
        return render(request, f"{SECTION}#quicklog-form", context)
    choices = activity_choices(account)
    form = quicklog_form(kind, account, choices, data=request.POST)
    if form.record(user=request.user):
        messages.success(request, f"{label} logged.")
        if not request.htmx:
            return redirect(account)
        return render_activity(
            request, account, active_kind=kind, changes=CHANGES[kind], choices=choices
        )
    return render_activity(request, account, bound_form=form, status=422, choices=choices)


@require_GET
@cached_page(account="pk")
def account_timeline(request, pk):
    """The timeline with filters and paging: a fragment for htmx, the account page otherwise."""
    account = get_account_for_user(request.user, pk)
    partial = "timeline-more" if request.GET.get("page", "1") != "1" else "timeline"
    return render_activity(request, account, partial=partial)


@require_POST
def open_item_close_view(request, pk):
    item = get_object_or_404(
        OpenItem.objects.filter(
            account__in=Account.objects.visible_to(request.user)
        ).select_related("account"),
        pk=pk,
    )
    open_item_close(item=item)
    messages.success(request, f"Closed “{item.title}”.")
    if not request.htmx:
        return redirect(item.account)
    return render_activity(request, item.account, changes=CHANGES["open_item_close"])


@require_GET
@cached_page
def moments_report(request):
    """Which moment types destroy value, over the accounts the user may see (seed 002)."""
    data = request.GET.copy()
    data.setdefault("period", "365")
    form = MomentsReportForm(data, user=request.user)
    filters = form.cleaned_filters()
    today = timezone.localdate()
    since = today - dt.timedelta(days=int(filters["period"])) if filters["period"] else None
    moments = moments_report_data.moments_visible_to(
        request.user, team=filters.get("team"), since=since
    )
    context = {
        "form": form,
        "by_type": moments_report_data.by_moment_type(moments),
        "by_touchpoint": moments_report_data.by_touchpoint(moments),
        "trend": moments_report_data.monthly_trend(moments, today=today),
        "moment_type": filters.get("moment_type"),
    }
    if context["moment_type"]:
        occurrences = (
            moments.filter(moment_type=context["moment_type"])
            .select_related("account", "moment_type", "stakeholder")
            .order_by("-occurred_on", "-pk")
        )
        context["occurrences"] = Paginator(occurrences, 25).get_page(page_number(request))
    return render(request, "relationships/moments_report.html", context)
