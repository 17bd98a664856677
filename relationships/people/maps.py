"""The three views of a stakeholder map, computed from plain rows (no ORM).

- org chart: people in reporting order with their depth;
- influence x strength: who matters and how strong we are with them;
- trust x respect (seed 001): a relationship is High only when both are high; every other
  combination needs work.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from relationships.people.orgchart import depth_first_order

INFLUENCES = ("high", "medium", "low")
STRENGTHS = (5, 4, 3, 2, 1, None)
RATINGS = ("high", "low", "")


@dataclass(frozen=True)
class MapPerson:
    key: Any
    name: str
    role: str
    buying_influence: str
    strength: int | None
    trust: str
    respect: str
    reports_to: Any = None
    active: bool = True
    item: Any = None  # whatever the caller wants back in the rendered cell


@dataclass(frozen=True)
class Cell:
    row: Any
    column: Any
    people: tuple


def org_chart(people: Sequence[MapPerson]) -> list[tuple[MapPerson, int]]:
    """(person, depth) pairs: each manager before their reports, siblings in the given order."""
    by_key = {person.key: person for person in people}
    managers = {person.key: person.reports_to for person in people}
    return [(by_key[key], depth) for key, depth in depth_first_order(managers, list(by_key))]


def influence_strength_grid(people: Sequence[MapPerson]) -> list[list[Cell]]:
    """Rows high/medium/low influence; columns strength 5..1 then unknown. Active people only."""
    return [
        [
            Cell(
                influence,
                strength,
                tuple(
                    p
                    for p in people
                    if p.active and p.buying_influence == influence and p.strength == strength
                ),
            )
            for strength in STRENGTHS
        ]
        for influence in INFLUENCES
    ]


def relationship_level(trust: str, respect: str) -> str:
    """Seed 001: "high" only when trust and respect are both high, else "needs work"."""
    return "high" if trust == "high" and respect == "high" else "needs work"


def trust_respect_grid(people: Sequence[MapPerson]) -> list[list[Cell]]:
    """Rows trust high/low/unknown; columns respect high/low/unknown. Active people only."""
    return [
        [
            Cell(
                trust,
                respect,
                tuple(p for p in people if p.active and p.trust == trust and p.respect == respect),
            )
            for respect in RATINGS
        ]
        for trust in RATINGS
    ]


def needs_work(people: Sequence[MapPerson]) -> list[MapPerson]:
    return [
        p for p in people if p.active and relationship_level(p.trust, p.respect) == "needs work"
    ]
