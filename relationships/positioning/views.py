"""The quadrant board, the competitor view and the four goals roll-up (seeds 002 and 004), and
the account page's competitors section (with entering a competitor rating) and four goals
section. Filters are the account list's; htmx requests get the results fragment only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import panels
from accounts.forms import account_filter_form
from accounts.models import POSITION_FIELDS
from accounts.panels import CHANGES
from accounts.selectors import get_account_for_user
from core.pagecache import cached_page
from core.paging import page_number
from relationships.models import Stakeholder
from relationships.positioning import board
from relationships.positioning import selectors as positions
from relationships.positioning.services import thresholds
from relationships.sections import competitor_rating_form, render_competitors

BOARD_FILTERS = ("team", "owner", "segment", "renewal_within")
TABLE_ROWS = 50  # rows per page of the board's table; the chart shows every account


def _page(request, template: str, context: dict):
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


def _filters(request) -> tuple:
    form = account_filter_form(request)
    return form, form.cleaned_filters()


@require_GET
@cached_page
def quadrant_board(request):
    form, filters = _filters(request)
    limits = thresholds()
    dots, unplaced = board.layout(positions.board_items(user=request.user, filters=filters), limits)
    rows = Paginator(dots, TABLE_ROWS).get_page(page_number(request))
    context = {
        "form": form,
        "fields": [form[name] for name in BOARD_FILTERS],
        "dots": dots,
        "rows": rows,
        "unplaced": unplaced if not rows.has_next() else [],
        "unplaced_count": len(unplaced),
        "quadrants": board.totals(dots),
        "axes": board.axes(limits),
        "trail_days": positions.TRAIL_DAYS,
    }
    return _page(request, "relationships/board.html", context)


@require_GET
@cached_page
def competitor_overview(request):
    form, filters = _filters(request)
    context = {
        "form": form,
        "fields": [form[name] for name in BOARD_FILTERS],
        **positions.competitor_view(user=request.user, filters=filters),
    }
    return _page(request, "relationships/competitors.html", context)


@require_GET
@cached_page
def goals_rollup(request):
    form, filters = _filters(request)
    teams, total = positions.team_goals(user=request.user, filters=filters)
    context = {
        "form": form,
        "fields": [form[name] for name in BOARD_FILTERS],
        "teams": teams,
        "total": total,
    }
    return _page(request, "relationships/goals.html", context)


@require_GET
@cached_page(account="pk")
def competitors_section(request, pk):
    return render_competitors(request, panels.section_account(request, pk))


@require_GET
@cached_page(account="pk")
def goals_section(request, pk):
    """The account's four goals: longevity, footprint, advocates and the feedback loop."""
    account = panels.section_account(request, pk)
    usage = list(account.usage.order_by("period_start"))
    people = list(Stakeholder.objects.filter(account=account))
    context = {"goals": positions.account_goals(account, usage=usage, stakeholders=people)}
    return panels.render_section(request, "relationships/account_goals.html", account, context)


@require_POST
def competitor_rating_add(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    form = competitor_rating_form(account, request.POST)
    if form.record(user=request.user):
        messages.success(request, "Rating saved.")
        if not request.htmx:
            return redirect(account)
        account.refresh_from_db(fields=POSITION_FIELDS)  # recomputed already when run eagerly
        return render_competitors(request, account, changes=CHANGES["competitor_rating"])
    return render_competitors(request, account, rating_form=form, status=422)
