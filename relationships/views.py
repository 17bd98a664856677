"""Stakeholder editing, inline on the account page: add, edit, mark as left.

Each change answers an htmx request with the account page's "people" fragment (table, maps and
coverage flags together, since one edit can change all three), and a plain request with a
redirect back to the account page.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import get_account_for_user
from accounts.views import render_account_page
from relationships.forms import StakeholderForm
from relationships.models import Stakeholder
from relationships.selectors import get_stakeholder_for_user, relationship_scale, stakeholders_of
from relationships.services import stakeholder_mark_left, stakeholder_save


def _edit(request, account, stakeholder):
    form = StakeholderForm(
        request.POST or None,
        instance=stakeholder,
        account=account,
        colleagues=stakeholders_of(account).only("pk", "name"),
        scale=relationship_scale(),
    )
    if request.method == "POST" and form.is_valid():
        saved = stakeholder_save(form=form)
        messages.success(request, f"Saved {saved.name}.")
        if not request.htmx:
            return redirect(account)
        return render_account_page(request, account, fragment="people")
    return render_account_page(request, account, fragment="people", stakeholder_form=form)


@require_http_methods(["GET", "POST"])
def stakeholder_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    return _edit(request, account, Stakeholder(account=account))


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk):
    stakeholder = get_stakeholder_for_user(request.user, pk)
    return _edit(request, stakeholder.account, stakeholder)


@require_POST
def stakeholder_left(request, pk):
    stakeholder = stakeholder_mark_left(stakeholder=get_stakeholder_for_user(request.user, pk))
    messages.success(request, f"{stakeholder.name} is marked as having left the company.")
    if not request.htmx:
        return redirect(stakeholder.account)
    return render_account_page(request, stakeholder.account, fragment="people")
