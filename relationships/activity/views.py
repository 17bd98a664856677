"""Activity on the account page: the quick-log forms, the timeline and open items; and
the moments report. A quick log answers htmx with the activity section (forms and timeline)."""

import contextlib
import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from accounts.panels import CHANGES
from accounts.selectors import get_account_for_user, get_account_page_for_user
from accounts.views import QUICKLOG_FORMS, quicklog_form, render_account_page
from core.idempotency import AlreadySubmitted
from core.pagecache import cached_page
from core.paging import page_number
from relationships.activity import catalogs
from relationships.activity import moments_report as moments_report_data
from relationships.activity.forms import MomentsReportForm
from relationships.activity.selectors import activity_choices
from relationships.activity.services import activity_record, open_item_close
from relationships.models import OpenItem


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
            activity_record(kind, account=account, user=request.user, **form.cleaned_data)
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
