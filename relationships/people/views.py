"""Stakeholders on the account page (the people section; add, edit, mark as left or undo it) and
the stakeholder page. A change answers htmx with the people section (table, maps and coverage
flags together, since one edit can change all three); a plain request gets a redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import panels
from accounts.panels import CHANGES
from accounts.selectors import get_account_for_user
from core.pagecache import cached_page
from core.paths import url_pattern
from core.versions import EditConflict
from relationships.activity import catalogs
from relationships.activity.selectors import stakeholder_activity
from relationships.models import Scale, Stakeholder
from relationships.people import maps, services
from relationships.people.forms import StakeholderForm
from relationships.people.selectors import (
    get_stakeholder_for_user,
    stakeholder_map,
    stakeholders_of,
)
from relationships.people.services import stakeholder_left_undo, stakeholder_mark_left
from relationships.scoring.selectors import stakeholder_score_card
from relationships.sections import render_section

SECTION = "relationships/account_people.html"
ROW_URLS = ("stakeholder_detail", "stakeholder_edit", "stakeholder_left")


def render_people(request, account, *, stakeholders=None, status=200, changes=None, **extra):
    """The people section: `stakeholders` as the caller loaded them, or read now; `extra`
    opens the stakeholder form or the confirmation of a leave in place."""
    if stakeholders is None:
        stakeholders = list(stakeholders_of(account))
    addresses = [url_pattern(name) for name in ROW_URLS]
    for person in stakeholders:  # each row's links: the URLs reversed once, not per row
        person.detail_url, person.edit_url, person.left_url = (
            a.format(person.pk) for a in addresses
        )
    scale = catalogs.scales().get(Scale.RELATIONSHIP, {})
    context = {
        "stakeholders": stakeholders,
        "active_people": sum(person.is_active for person in stakeholders),
        "map": stakeholder_map(stakeholders),
        "strength_columns": [
            f"{value} · {scale.get(value, '')}" if value else "Not rated"
            for value in maps.STRENGTHS
        ],
        **extra,
    }
    return render_section(
        request, SECTION, account, context, panel="people", status=status, changes=changes
    )


@require_GET
@cached_page(account="pk")
def people_section(request, pk):
    return render_people(request, panels.section_account(request, pk))


def _stakeholder_form(account, stakeholder, people, data=None) -> StakeholderForm:
    return StakeholderForm(
        data,
        instance=stakeholder,
        account=account,
        colleagues=people,
        scale=catalogs.scales().get(Scale.RELATIONSHIP, {}),
    )


def _edit(request, account, stakeholder):
    """Add or edit a stakeholder. Someone else's save of the person since the form was drawn
    refuses the edit (409), with the form showing the person as they now are."""
    people = list(stakeholders_of(account))
    form = _stakeholder_form(account, stakeholder, people, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = (
                services.stakeholder_update(stakeholder=stakeholder, **form.cleaned_data)
                if stakeholder.pk
                else services.stakeholder_create(account=account, **form.cleaned_data)
            )
        except EditConflict as conflict:
            people = list(stakeholders_of(account))
            current = get_stakeholder_for_user(request.user, stakeholder.pk)
            return render_people(
                request,
                account,
                stakeholder_form=_stakeholder_form(account, current, people),
                stakeholders=people,
                conflict=conflict,
                status=409,
            )
        messages.success(request, f"Saved {saved.name}.")
        if not request.htmx:
            return redirect(account)
        return render_people(request, account, changes=CHANGES["stakeholder"])
    return render_people(
        request,
        account,
        stakeholder_form=form,
        stakeholders=people,
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def stakeholder_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    return _edit(request, account, Stakeholder(account=account))


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk):
    stakeholder = get_stakeholder_for_user(request.user, pk)
    return _edit(request, stakeholder.account, stakeholder)


@require_http_methods(["GET", "POST"])
def stakeholder_left(request, pk):
    """Mark the person as having left the company: GET asks to confirm, in their row; POST
    marks them, and POST with `undo` puts back the status they had before."""
    stakeholder = get_stakeholder_for_user(request.user, pk)
    if request.method == "GET":
        return render_people(request, stakeholder.account, confirm_left=stakeholder.pk)
    # The section's people, read once: the person saved is theirs, the flags count them.
    people = list(stakeholders_of(stakeholder.account))
    person = next(person for person in people if person.pk == stakeholder.pk)
    person.account = stakeholder.account
    if "undo" in request.POST:
        stakeholder_left_undo(stakeholder=person, people=people)
        message = f"{person.name} is {person.get_status_display().lower()} again."
    else:
        stakeholder_mark_left(stakeholder=person, people=people)
        message = f"{person.name} is marked as having left the company (Undo is on their row)."
    messages.success(request, message)
    if not request.htmx:
        return redirect(person.account)
    return render_people(
        request, person.account, stakeholders=people, changes=CHANGES["stakeholder_left"]
    )


@require_GET
@cached_page
def stakeholder_detail(request, pk):
    person = get_stakeholder_for_user(request.user, pk)
    context = {"person": person, "account": person.account, **stakeholder_activity(person)}
    context["owners"] = list(person.owners.all())
    context["score"] = stakeholder_score_card(person)
    context["today"] = timezone.localdate()
    return render(request, "relationships/stakeholder_detail.html", context)
