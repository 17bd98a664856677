"""The account page's score card ("Needs attention", the alerts the recompute raises, is worked
in relationships.work.views)."""

from django.views.decorators.http import require_GET

from accounts import panels
from core.pagecache import cached_page
from relationships.sections import score_context


@require_GET
@cached_page(account="pk")
def account_score(request, pk):
    """The score card, as the page loads it; it polls this address while a recompute is pending,
    naming the panels to fetch again once it is done (?refresh=gaps&refresh=goals), and
    without names waits for every panel showing the recompute's numbers."""
    account = panels.section_account(request, pk, pending=True)
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
