"""Needs attention: the alerts the recompute raised on the user's accounts; the account page's
score card."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import panels
from accounts.models import Account
from accounts.selectors import get_account_page_for_user
from core.pagecache import cached_page
from core.paging import page_number
from relationships.models import Alert
from relationships.sections import score_context


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


@require_GET
@cached_page
def account_score(request, pk):
    """The score card, as the page loads it; it polls this address while a recompute is pending,
    naming the panels to fetch again once it is done (?refresh=gaps&refresh=goals), and
    without names waits for every panel showing the recompute's numbers."""
    account = get_account_page_for_user(request.user, pk)
    named = "refresh" in request.GET
    waiting = panels.waiting_panels(request.GET.getlist("refresh")) if named else panels.RECOMPUTED
    context = score_context(account, waiting)
    done = named and not context["score"]["pending"]
    return panels.render_section(
        request,
        "relationships/account_score.html",
        account,
        context,
        refreshed=waiting if done else (),
    )
