"""Needs attention: the alerts the recompute raised on the user's accounts."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Account
from core.pagecache import cached_page
from core.paging import page_number
from relationships.models import Alert


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
