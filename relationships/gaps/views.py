"""The account page's gap panel, and the gap workflow: the gap board (columns by state, cards
moved in place), the case page (factors, playbook checklist, owner, due date, notes and the audit
trail) and the moves.

A move from the board answers htmx with the board again (same filters), from the case page
with the page; a refused move changes nothing and says why (422).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import panels
from accounts.models import Account
from core.forms import offer
from core.pagecache import cached_page
from core.versions import EditConflict
from relationships.gaps.forms import GapBoardFilterForm, GapBulkForm, GapCaseForm, GapMoveForm
from relationships.gaps.selectors import (
    account_gaps,
    board_moves,
    gap_board,
    gap_case_page,
    get_gap_case_for_user,
)
from relationships.gaps.services import (
    TransitionRefused,
    gap_action_toggle,
    gap_case_move,
    gap_case_update,
)
from relationships.models import GapAction


@require_GET
@cached_page(account="pk")
def gaps_section(request, pk):
    """The account page's gap panel: the three factors and the open case."""
    account = panels.section_account(request, pk)
    return panels.render_section(
        request, "relationships/account_gaps.html", account, account_gaps(account)
    )


def _board(request, *, status=200):
    form = GapBoardFilterForm(request.GET, user=request.user)
    context = {
        "form": form,
        "columns": gap_board(user=request.user, filters=form.cleaned_filters()),
    }
    template = "relationships/gap_board.html"
    if request.htmx:
        template += "#board"
    else:  # the bulk bar's owners are the filters': read once for both
        owners = list(form.fields["owner"].queryset)
        offer(form.fields["owner"], owners, form.fields["owner"].empty_label)
        context["bulk_form"] = GapBulkForm(user=request.user, auto_id="bulk_%s", owners=owners)
    return render(request, template, context, status=status)


@require_GET
@cached_page
def gap_board_view(request):
    return _board(request)


def _case_page(request, case, *, move_form=None, case_form=None, conflict=None, status=200):
    moves = board_moves(case)
    context = {
        "case": case,
        "account": case.account,
        "move_form": move_form
        or GapMoveForm(case=case, initial={"to": next(iter(moves), ("", ""))[0]}),
        "case_form": case_form or GapCaseForm(instance=case),
        "conflict": conflict,
        **gap_case_page(case),
    }
    return render(request, "relationships/gap_detail.html", context, status=status)


@require_GET
@cached_page
def gap_detail(request, pk):
    return _case_page(request, get_gap_case_for_user(request.user, pk))


@require_POST
def gap_move(request, pk):
    """Move a case. `from=board` (the board's buttons and drag and drop) answers with the
    board, filtered as the request's query string says."""
    case = get_gap_case_for_user(request.user, pk)
    form = GapMoveForm(request.POST, case=case)
    on_board = request.POST.get("from") == "board"
    if form.is_valid():
        try:
            gap_case_move(case=case, by=request.user, **form.cleaned_data)
        except TransitionRefused as refusal:
            messages.error(request, f"{case}: {refusal}")
            if on_board:
                return _board(request, status=422)
            return _case_page(request, case, status=422)
        messages.success(request, f"{case} is now {case.get_state_display().lower()}.")
    elif on_board:
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, f"{case}: {errors}")
        return _board(request, status=422)
    else:
        return _case_page(request, case, move_form=form, status=422)
    if on_board and request.htmx:
        return _board(request)
    return redirect("gap_board" if on_board else case)


@require_POST
def gap_edit(request, pk):
    """Owner, due date and notes. Someone else's save of the case since the form was drawn
    refuses the edit (409), with the page showing the case as it now is."""
    case = get_gap_case_for_user(request.user, pk)
    form = GapCaseForm(request.POST, instance=case)
    if not form.is_valid():
        return _case_page(request, case, case_form=form, status=422)
    try:
        gap_case_update(form=form, version=form.cleaned_data["version"])
    except EditConflict as conflict:
        case = get_gap_case_for_user(request.user, pk)
        return _case_page(request, case, conflict=conflict, status=409)
    messages.success(request, "Saved.")
    return redirect(case)


@require_POST
def gap_action_toggle_view(request, pk):
    action = get_object_or_404(
        GapAction.objects.filter(
            case__account__in=Account.objects.visible_to(request.user)
        ).select_related("case"),
        pk=pk,
    )
    action = gap_action_toggle(action=action, by=request.user)
    if request.htmx:
        return render(
            request, "relationships/gap_detail.html#action", {"action": action, "case": action.case}
        )
    return redirect(action.case)
