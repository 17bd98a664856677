"""Editing on the account page: stakeholders (add, edit, mark as left or undo it), the
quick-log forms, the timeline and open items; and the stakeholder page.

A change answers an htmx request with the account page section it affects (stakeholder edits
return "people": table, maps and coverage flags together, since one edit can change all three;
quick logs return "activity": the forms and the timeline), the other panels it changes fetching
themselves again (accounts.panels), and a plain request with a redirect back to the account page.
"""

import contextlib
import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Account
from accounts.panels import CHANGES
from accounts.selectors import get_account_for_user, get_account_page_for_user
from accounts.views import QUICKLOG_FORMS, quicklog_form, render_account_page
from config.pagecache import cached_page
from config.paging import page_number
from core.idempotency import AlreadySubmitted
from core.versions import EditConflict
from relationships import catalogs
from relationships import moments_report as moments_report_data
from relationships.forms import MomentsReportForm, StakeholderForm
from relationships.models import Alert, OpenItem, Scale, Stakeholder
from relationships.selectors import (
    activity_choices,
    get_stakeholder_for_user,
    stakeholder_activity,
    stakeholder_score_card,
    stakeholders_of,
)
from relationships.services import (
    activity_record,
    open_item_close,
    stakeholder_left_undo,
    stakeholder_mark_left,
    stakeholder_save,
)


def _stakeholder_form(account, stakeholder, people, data=None) -> StakeholderForm:
    return StakeholderForm(
        data,
        instance=stakeholder,
        account=account,
        colleagues=people,
        scale=catalogs.scales().get(Scale.RELATIONSHIP, {}),
    )


def _edit(request, account, stakeholder):
    """Add or edit a stakeholder. Someone else's save of the person since the form was drawn
    refuses the edit (409), with the form showing the person as they now are."""
    people = list(stakeholders_of(account))
    form = _stakeholder_form(account, stakeholder, people, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = stakeholder_save(form=form, version=form.cleaned_data.get("version"))
        except EditConflict as conflict:
            people = list(stakeholders_of(account))
            current = get_stakeholder_for_user(request.user, stakeholder.pk)
            return render_account_page(
                request,
                account,
                fragment="people",
                stakeholder_form=_stakeholder_form(account, current, people),
                stakeholders=people,
                conflict=conflict,
                status=409,
            )
        messages.success(request, f"Saved {saved.name}.")
        if not request.htmx:
            return redirect(account)
        return render_account_page(
            request, account, fragment="people", changes=CHANGES["stakeholder"]
        )
    return render_account_page(
        request,
        account,
        fragment="people",
        stakeholder_form=form,
        stakeholders=people,
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def stakeholder_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    return _edit(request, account, Stakeholder(account=account))


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk):
    stakeholder = get_stakeholder_for_user(request.user, pk)
    return _edit(request, stakeholder.account, stakeholder)


@require_http_methods(["GET", "POST"])
def stakeholder_left(request, pk):
    """Mark the person as having left the company: GET asks to confirm, in their row; POST
    marks them, and POST with `undo` puts back the status they had before."""
    stakeholder = get_stakeholder_for_user(request.user, pk)
    if request.method == "GET":
        return render_account_page(
            request, stakeholder.account, fragment="people", confirm_left=stakeholder.pk
        )
    if "undo" in request.POST:
        stakeholder_left_undo(stakeholder=stakeholder)
        message = f"{stakeholder.name} is {stakeholder.get_status_display().lower()} again."
    else:
        stakeholder_mark_left(stakeholder=stakeholder)
        message = f"{stakeholder.name} is marked as having left the company (Undo is on their row)."
    messages.success(request, message)
    if not request.htmx:
        return redirect(stakeholder.account)
    return render_account_page(
        request, stakeholder.account, fragment="people", changes=CHANGES["stakeholder_left"]
    )


@require_POST
def activity_log(request, account_pk, kind):
    """Save one quick-log form; the timeline shows the new entry at once."""
    account = get_account_for_user(request.user, account_pk)
    if kind not in QUICKLOG_FORMS:
        raise Http404("No such kind of entry.")
    label = QUICKLOG_FORMS[kind][0]
    form = quicklog_form(
        kind, account, activity_choices(account), catalogs.scales(), data=request.POST
    )
    if form.is_valid():
        with contextlib.suppress(AlreadySubmitted):  # a double submit: the first one counts
            activity_record(form=form, user=request.user)
        messages.success(request, f"{label} logged.")
        if not request.htmx:
            return redirect(account)
        return render_account_page(
            request, account, fragment="activity", active_kind=kind, changes=CHANGES[kind]
        )
    return render_account_page(request, account, fragment="activity", bound_form=form, status=422)


@require_GET
@cached_page
def account_timeline(request, pk):
    """The timeline with filters and paging: a fragment for htmx, the account page otherwise."""
    account = get_account_page_for_user(request.user, pk)
    fragment = "timeline-more" if request.GET.get("page", "1") != "1" else "timeline"
    return render_account_page(request, account, fragment=fragment)


@require_POST
def open_item_close_view(request, pk):
    item = get_object_or_404(
        OpenItem.objects.filter(account__in=Account.objects.visible_to(request.user)), pk=pk
    )
    open_item_close(item=item)
    messages.success(request, f"Closed “{item.title}”.")
    if not request.htmx:
        return redirect(item.account)
    return render_account_page(
        request, item.account, fragment="activity", changes=CHANGES["open_item_close"]
    )


@require_GET
@cached_page
def stakeholder_detail(request, pk):
    person = get_stakeholder_for_user(request.user, pk)
    context = {"person": person, "account": person.account, **stakeholder_activity(person)}
    context["owners"] = list(person.owners.all())
    context["score"] = stakeholder_score_card(person)
    context["today"] = timezone.localdate()
    return render(request, "relationships/stakeholder_detail.html", context)


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


@require_GET
@cached_page
def attention(request):
    """Alerts over the accounts the user may see: the people and accounts that need a look."""
    alerts = (
        Alert.objects.filter(account__in=Account.objects.visible_to(request.user))
        .select_related("account", "stakeholder")
        .order_by("-first_seen", "account__name")
    )
    kind = request.GET.get("kind")
    if kind in Alert.Kind.values:
        alerts = alerts.filter(kind=kind)
    page = Paginator(alerts, 30).get_page(page_number(request))
    context = {"page": page, "kinds": Alert.Kind.choices, "kind": kind}
    return render(request, "relationships/attention.html", context)
