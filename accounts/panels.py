"""The account page's panels, and which of them each write changes (docs/performance.md has the
table).

A write's response shows its own section, and carries the score card out of band when a score
recompute follows the write. Every other panel it changes fetches itself again when it hears
"<panel>-changed" (`hx-trigger="<panel>-changed from:body"`, drawn by the `refresh_on_change`
tag): a panel showing what the write stored at once; a panel showing the recompute's numbers
once the recompute has run, which the response says if it ran before the response (no broker),
and otherwise the score card, when its poll finds the recompute done.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django_htmx.http import trigger_client_event

# The panels showing what the score recompute derives: the gap, the standing against
# competitors, the quadrant and renewal risk.
RECOMPUTED = ("gaps", "competitors", "goals")


@dataclass(frozen=True)
class Changes:
    """The panels a write changes: those showing what it `stored`, and those showing what the
    score recompute that follows it derives (`recomputed`; empty if none follows)."""

    stored: tuple[str, ...] = ()
    recomputed: tuple[str, ...] = ()


CHANGES = {
    "interaction": Changes(recomputed=("gaps", "goals")),
    "moment": Changes(recomputed=("gaps", "goals")),
    "open_item": Changes(recomputed=("goals",)),
    "pulse": Changes(recomputed=("gaps", "goals")),
    "open_item_close": Changes(recomputed=("goals",)),
    "stakeholder": Changes(  # added or edited: names, roles, ratings
        stored=("timeline", "competitors", "goals", "survey-section"),
        recomputed=("competitors", "goals"),
    ),
    "stakeholder_left": Changes(
        stored=("competitors", "goals"), recomputed=("competitors", "goals")
    ),
    "profile": Changes(
        stored=("heading", "usage", "competitors", "goals"), recomputed=("gaps", "goals")
    ),
    "competitor_rating": Changes(recomputed=("competitors",)),
    "feedback": Changes(stored=("goals",)),
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


def score_poll_url(account, waiting: Iterable[str]) -> str:
    """The score card's address while a recompute is pending: once it is done, the card has
    the `waiting` panels fetched again."""
    query = urlencode({"refresh": list(waiting)}, doseq=True)
    return reverse("account_score", args=[account.pk]) + (f"?{query}" if query else "")


def waiting_panels(names: Iterable[str]) -> tuple[str, ...]:
    """The panels a score card's poll names (`refresh`) that wait for a recompute."""
    return tuple(name for name in names if name in RECOMPUTED)
