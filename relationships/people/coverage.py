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
    tally = Tally()
    for person in people:
        tally.add(person.role, person.strength, person.active)
    return tally.flags()


class Tally:
    """The flags of one account, built up one stakeholder at a time (no Person needed, for
    callers that go through many thousands of rows)."""

    __slots__ = ("champion_left", "key_covered", "strong")

    def __init__(self):
        self.strong, self.key_covered, self.champion_left = 0, False, False

    def add(self, role: str, strength: int | None, active: bool) -> None:
        if active:
            if is_strong(strength):
                self.strong += 1
                self.key_covered = self.key_covered or role in KEY_ROLES
        elif role == "champion":
            self.champion_left = True

    def flags(self) -> Coverage:
        return Coverage(
            strong_relationships=self.strong,
            single_threaded=self.strong <= 1,
            no_decision_maker_coverage=not self.key_covered,
            champion_left=self.champion_left,
        )
