from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.paging import page_number
from desk.forms import SearchForm
from desk.selectors import search

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
