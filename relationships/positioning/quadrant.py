"""Where an account sits between customer happiness and company happiness (seed 004).

Pure functions on plain values; docs/scoring.md explains the formulas. x is customer happiness
on the continuum from -1 ("walk-away angry") to +1 ("gushing promoter"); y is company happiness,
the margin of ARR over the cost to serve. An account exactly on a threshold counts as on its
good side (happy, or profitable).
"""

import math
from dataclasses import dataclass

from relationships.activity.feelings import RATING

CUSTOMER_SUCCESS = "customer_success"
UNPROFITABLE = "work_to_keep_unprofitable"
FLIGHT_RISK = "work_to_keep_flight_risk"
REASSESS = "reassess"

QUADRANTS = {
    CUSTOMER_SUCCESS: (
        "Customer success",
        "Happy and profitable. Keep it that way: ask for references, grow the footprint, and "
        "move further up and to the right.",
    ),
    UNPROFITABLE: (
        "Work to keep: happy but unprofitable",
        "They are happy, we lose money. Look for expectations set too high and for service "
        "that could be delivered more efficiently, then price what they value.",
    ),
    FLIGHT_RISK: (
        "Work to keep: profitable but unhappy",
        "A flight risk. Find the unmet expectations behind the unhappiness and fix them before "
        "the renewal, with the people who decide.",
    ),
    REASSESS: (
        "Reassess",
        "Unhappy and unprofitable. Decide deliberately whether to invest to recover the account "
        "or to let it go; a slightly unhappy, slightly costly account may be worth saving.",
    ),
}

SQRT2 = math.sqrt(2)  # the strength's scale: the distance from the middle to a corner

# Customer happiness: weights of its three inputs; missing inputs drop out.
HAPPINESS_WEIGHTS = {"customer_voice": 0.5, "relationship_score": 0.3, "pulse": 0.2}


@dataclass(frozen=True)
class Thresholds:
    """Admin-configured: margins as fractions of ARR, the intersection on the -1..+1 axis."""

    breakeven_margin: float = 0.0
    target_margin: float = 0.3
    happiness_intersection: float = 0.0


@dataclass(slots=True)  # not frozen: the quadrant board places 2,000 a render
class Placement:
    quadrant: str
    x: float  # -1..+1: left of the intersection is negative
    y: float  # -1..+1: below breakeven is negative, +1 at the target margin or above
    strength: float  # 0..1: distance from the intersection


def five_point(value: float | None) -> float | None:
    """A 1-5 rating on the -1..+1 continuum (3 is neutral)."""
    return None if value is None else RATING.happiness(float(value))


def customer_happiness(
    *, customer_voice: float | None, relationship_score: float | None, pulse: float | None
) -> float | None:
    """Weighted mean of the customer's voice (-1..+1), the relationship score (1-5) and the
    latest pulse check (1-5), each on -1..+1; None when none is known."""
    known = {
        "customer_voice": customer_voice,
        "relationship_score": five_point(relationship_score),
        "pulse": five_point(pulse),
    }
    known = {name: value for name, value in known.items() if value is not None}
    total = sum(HAPPINESS_WEIGHTS[name] for name in known)
    if not total:
        return None
    mean = sum(HAPPINESS_WEIGHTS[name] * value for name, value in known.items()) / total
    return max(-1.0, min(1.0, mean))


def company_happiness(*, arr: float | None, cost_to_serve: float | None) -> float | None:
    """The margin (ARR - cost to serve) / ARR; None without both figures or without revenue."""
    if arr is None or cost_to_serve is None or arr <= 0:
        return None
    return (float(arr) - float(cost_to_serve)) / float(arr)


def _scaled(value: float, middle: float, high: float, low: float) -> float:
    """`value` on -1..+1: 0 at `middle`, +1 at `high`, -1 at `low`; clamped."""
    span = (high - middle) if value >= middle else (middle - low)
    if span <= 0:
        return 1.0 if value > middle else (-1.0 if value < middle else 0.0)
    return max(-1.0, min(1.0, (value - middle) / span))


def place(
    *, happiness: float | None, margin: float | None, thresholds: Thresholds
) -> Placement | None:
    """The quadrant and position of an account; None unless both axes are known."""
    if happiness is None or margin is None:
        return None
    happy = happiness >= thresholds.happiness_intersection
    profitable = margin >= thresholds.breakeven_margin
    if happy:
        quadrant = CUSTOMER_SUCCESS if profitable else UNPROFITABLE
    else:
        quadrant = FLIGHT_RISK if profitable else REASSESS
    x = _scaled(happiness, thresholds.happiness_intersection, 1.0, -1.0)
    below = thresholds.breakeven_margin - (thresholds.target_margin - thresholds.breakeven_margin)
    y = _scaled(margin, thresholds.breakeven_margin, thresholds.target_margin, below)
    return Placement(quadrant, x, y, min(1.0, math.hypot(x, y) / SQRT2))
