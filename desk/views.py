from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pagecache import cached_page
from core.paging import page_number
from desk import day
from desk.forms import DayFilterForm, SearchForm
from desk.selectors import search
from relationships.work.forms import snooze_choices

PAGE_SIZE = 20
SUGGESTIONS = 8


@require_GET
def search_page(request):
    """/search/?q=...&kind=...: the results page; asked by the navigation bar's box as you type
    (HX-Target search-suggestions), only the top results, as a dropdown."""
    form = SearchForm(request.GET)
    query = form.cleaned_query()
    results = search(user=request.user, text=query["q"], kind=query["kind"])
    if request.htmx and request.htmx.target == "search-suggestions":
        suggestions = results.top(SUGGESTIONS)
        context = {"query": query, "suggestions": suggestions}
        return render(request, "desk/search.html#suggestions", context)
    page = results.page(page_number(request), PAGE_SIZE)
    context = {"form": form, "query": query, "page": page}
    return render(request, "desk/search.html", context)


@require_GET
@cached_page
def my_day(request):
    """/day/: the user's day (a manager's: their team's, or one CSM's with ?csm=): tasks due,
    renewals, new alerts and open gap cases, capture's suggestions and the portfolio strip.
    Tasks are completed and snoozed in place through the task endpoints (relationships.work)."""
    today = timezone.localdate()
    form = DayFilterForm(request.GET, user=request.user)
    csm = form.cleaned_csm()
    context = {
        "form": form,
        "csm": csm,
        "today": today,
        "snooze_choices": snooze_choices(today),
        "renewal_days": day.RENEWAL_DAYS,
        "risk_score": day.RISK_SCORE,
        **day.my_day(user=request.user, csm=csm, today=today),
    }
    return render(request, "desk/my_day.html", context)
