"""The account page's panels, and which of them each write changes (docs/performance.md has the
table).

The page is a shell: its heading and profile, and sections that load from their owners'
addresses (`render_section`). A write's response shows its own section, and carries the score
card out of band when a score recompute follows the write (or, from a section that cannot draw
the card, has it fetch itself again). Every other panel it changes fetches itself again when it
hears "<panel>-changed" (`hx-trigger="<panel>-changed from:body"`, drawn by the
`refresh_on_change` tag): a panel showing what the write stored at once; a panel showing the
recompute's numbers once the recompute has run, which the response says if it ran before the
response (no broker), and otherwise the score card, when its poll finds the recompute done.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import trigger_client_event

from accounts.models import Account
from accounts.selectors import (
    get_account_for_user,
    get_account_page_for_user,
    reader,
    score_pending,
)
from core.db.kept import kept_statement

# The panels showing what the score recompute derives: the gap, the standing against
# competitors, the quadrant and renewal risk, and the tasks (a new gap case's playbook).
RECOMPUTED = ("gaps", "competitors", "goals", "tasks")


@dataclass(frozen=True)
class Changes:
    """The panels a write changes: those showing what it `stored`, and those showing what the
    score recompute that follows it derives (`recomputed`; empty if none follows)."""

    stored: tuple[str, ...] = ()
    recomputed: tuple[str, ...] = ()


CHANGES = {
    "interaction": Changes(recomputed=("gaps", "goals", "tasks")),
    "moment": Changes(recomputed=("gaps", "goals", "tasks")),
    "open_item": Changes(recomputed=("goals",)),
    "pulse": Changes(recomputed=("gaps", "goals", "tasks")),
    "open_item_close": Changes(recomputed=("goals",)),
    "stakeholder": Changes(  # added or edited: names, roles, ratings
        stored=("timeline", "competitors", "goals", "survey-section"),
        recomputed=("competitors", "goals"),
    ),
    "stakeholder_left": Changes(
        stored=("competitors", "goals"), recomputed=("competitors", "goals")
    ),
    "profile": Changes(  # the heading comes with the profile, out of band
        stored=("score", "usage", "competitors", "goals"), recomputed=("gaps", "goals", "tasks")
    ),
    "competitor_rating": Changes(recomputed=("competitors",)),
    "feedback": Changes(stored=("goals",)),
    "suggestion_accept": Changes(  # a stakeholder added, with the mail that waited for them
        stored=("people", "timeline", "competitors", "goals", "survey-section"),
        recomputed=("gaps", "competitors", "goals", "tasks"),
    ),
    "signal_confirm": Changes(  # marked as having left
        stored=("people", "competitors", "goals"), recomputed=("competitors", "goals")
    ),
}


def event(panel: str) -> str:
    """The event that has `panel` fetch itself again."""
    return f"{panel}-changed"


def refresh(response: HttpResponse, panels: Iterable[str]) -> HttpResponse:
    """Have these panels fetch themselves again once the response arrives."""
    for panel in panels:
        trigger_client_event(response, event(panel))
    return response


def refreshed_now(changes: Changes, *, recomputed: bool, shown: str | None) -> list[str]:
    """The panels a response has fetched again: those showing what was stored and, if the
    recompute has run, those showing its numbers; not the section the response shows."""
    panels = changes.stored + (changes.recomputed if recomputed else ())
    return [panel for panel in dict.fromkeys(panels) if panel != shown]


def _visible_account(sees_all: bool, pending: bool, user_pk: int, pk: int) -> QuerySet[Account]:
    """The account `pk` if the active user `user_pk` (seeing every account or not) may see it,
    with `score_pending` if `pending`."""
    accounts = Account.objects.visible_to(reader(user_pk, sees_all)).filter(pk=pk)
    return accounts.annotate(score_pending=score_pending()) if pending else accounts


def section_account(request, pk, *, pending=False) -> Account:
    """The account a section's GET draws, if the user may see it (404 otherwise), with
    `score_pending` if `pending` (the score card's). Fetched by htmx, a section draws only
    itself, and none shows the account's owner or team (competitors takes the leader from the
    competitors it offers): the account is read alone, by a statement built once
    (core.db.kept); opened as a page, the section draws the profile too."""
    user = request.user
    if not request.htmx:
        return (get_account_page_for_user if pending else get_account_for_user)(user, pk)
    if not (user.is_authenticated and user.is_active):
        raise Http404("No such account.")
    statement = kept_statement(_visible_account, (user.sees_all_accounts, pending), [user.pk, pk])
    account = next(iter(Account.objects.raw(*statement)), None)
    if account is None:
        raise Http404("No such account.")
    if pending:  # a raw row's extra column is as the database gives it (SQLite: 0 or 1)
        account.score_pending = bool(account.score_pending)
    return account


def render_section(
    request, template: str, account, context: dict, *, partial="section", status=200, refreshed=()
) -> HttpResponse:
    """A section of the account page, from its owner's `template`: for htmx, the template's
    `partial` with the events that have the `refreshed` panels fetch themselves again; otherwise
    the whole page with the section in place (the template extends the page)."""
    context = {"account": account, **context}
    if not request.htmx:
        return render(request, template, context, status=status)
    response = render(request, f"{template}#{partial}", context, status=status)
    return refresh(response, refreshed)


def score_poll_url(account, waiting: Iterable[str]) -> str:
    """The score card's address while a recompute is pending: once it is done, the card has
    the `waiting` panels fetched again. Without any, the card loads as the page draws it."""
    query = urlencode({"refresh": list(waiting)}, doseq=True)
    return reverse("account_score", args=[account.pk]) + (f"?{query}" if query else "")


def waiting_panels(names: Iterable[str]) -> tuple[str, ...]:
    """The panels a score card's poll names (`refresh`) that wait for a recompute."""
    return tuple(name for name in names if name in RECOMPUTED)
