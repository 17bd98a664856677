"""The gap board's bulk actions: the cases ticked on the board moved to a state, or given an
owner (relationships.gaps.bulk). Like a card's own move, the answer is the board again, with the
filters of the query string, and a summary; a case the user may not see refuses the whole post
(422), as does a move that needs a reason given none."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from relationships.gaps.bulk import gap_cases_assign, gap_cases_move_all
from relationships.gaps.forms import GapBulkForm
from relationships.gaps.views import _board


@require_POST
def gap_bulk(request):
    """Move or assign the cases ticked on the board."""
    form = GapBulkForm(request.POST, user=request.user)
    if form.is_valid():
        data, cases = form.cleaned_data, list(form.cleaned_data["cases"])
        try:
            if data["action"] == "move":
                outcome = gap_cases_move_all(
                    cases=cases, to=data["to"], by=request.user, reason=data["reason"]
                )
            else:
                outcome = gap_cases_assign(cases=cases, owner=data["owner"], by=request.user)
        except ValidationError as refusal:
            form.add_error(None, refusal)
    if not form.is_valid() or form.errors:
        reasons = [error for errors in form.errors.values() for error in errors]
        messages.error(request, "Nothing was changed: " + " ".join(reasons))
        return _board(request, status=422)
    messages.success(request, outcome.summary)
    if request.htmx:
        return _board(request)
    query = request.GET.urlencode()
    return redirect(reverse("gap_board") + (f"?{query}" if query else ""))
