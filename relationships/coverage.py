"""Stakeholder coverage flags of an account, from plain facts about its people.

A relationship is *strong* at 4 or 5 on the 1-5 relationship scale (4-5 is "strong and
personal"; 3 is "professional"). The flags:

- single-threaded: at most one active stakeholder with a strong relationship;
- no decision-maker coverage: no strong relationship with an active decision maker, economic
  buyer or executive sponsor;
- champion left: a stakeholder whose role is champion has left the company.
"""

from collections.abc import Iterable
from dataclasses import dataclass

STRONG_AT = 4
KEY_ROLES = frozenset({"decision_maker", "economic_buyer", "executive_sponsor"})


@dataclass(frozen=True)
class Person:
    role: str
    strength: int | None
    active: bool


@dataclass(frozen=True)
class Coverage:
    strong_relationships: int
    single_threaded: bool
    no_decision_maker_coverage: bool
    champion_left: bool


def is_strong(strength: int | None) -> bool:
    return strength is not None and strength >= STRONG_AT


def coverage(people: Iterable[Person]) -> Coverage:
    people = list(people)
    strong = [p for p in people if p.active and is_strong(p.strength)]
    return Coverage(
        strong_relationships=len(strong),
        single_threaded=len(strong) <= 1,
        no_decision_maker_coverage=not any(p.role in KEY_ROLES for p in strong),
        champion_left=any(p.role == "champion" and not p.active for p in people),
    )
