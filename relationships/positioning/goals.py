"""The four goals of customer success (seed 004): longevity, footprint, advocates and the
feedback loop. Pure functions on plain values, for one account or summed over many."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

PROMOTER_AT = 4  # a relationship of 4 or 5 on the 1-5 scale makes a promoter
RENEWAL_SOON_DAYS = 90


@dataclass(frozen=True)
class Longevity:
    tenure_years: float | None
    days_to_renewal: int | None
    renewal_risk: str  # "high", "medium", "low" or "" (unknown)


def longevity(
    *,
    customer_since: dt.date | None,
    renewal_date: dt.date | None,
    today: dt.date,
    relationship_score: float | None,
    customer_happiness: float | None,
    gap: bool = False,
) -> Longevity:
    """Tenure, time to renewal and its risk: high when the customer is unhappy (below 0), the
    relationship weak (below 3) or a relationship gap detected, with the renewal within 90
    days; medium when one of those holds further out, or nothing is known; low otherwise."""
    tenure = (today - customer_since).days / 365.25 if customer_since else None
    days = (renewal_date - today).days if renewal_date else None
    weak = (
        gap
        or (customer_happiness is not None and customer_happiness < 0)
        or (relationship_score is not None and relationship_score < 3)
    )
    unknown = customer_happiness is None and relationship_score is None
    if days is None:
        risk = ""
    elif weak and days <= RENEWAL_SOON_DAYS:
        risk = "high"
    elif weak or unknown:
        risk = "medium"
    else:
        risk = "low"
    return Longevity(tenure, days, risk)


@dataclass(frozen=True)
class Footprint:
    seat_adoption: float | None  # active users / seats purchased
    feature_adoption: float | None  # features used / available
    trend: float | None  # change of active users against the previous period, as a fraction


def footprint(
    *,
    seats: int | None,
    active_users: int | None,
    previous_active_users: int | None,
    features_used: int | None,
    features_available: int | None,
) -> Footprint:
    return Footprint(
        seat_adoption=active_users / seats if seats and active_users is not None else None,
        feature_adoption=(
            features_used / features_available
            if features_available and features_used is not None
            else None
        ),
        trend=(
            (active_users - previous_active_users) / previous_active_users
            if previous_active_users and active_users is not None
            else None
        ),
    )


@dataclass(frozen=True)
class Person:
    role: str
    strength: int | None
    reference_willing: bool
    active: bool


@dataclass(frozen=True)
class Advocates:
    promoters: int
    reference_willing: int
    champions: int
    people: int


def advocates(people: Iterable[Person]) -> Advocates:
    """Counted over the people still at the customer."""
    active = [p for p in people if p.active]
    return Advocates(
        promoters=sum(1 for p in active if (p.strength or 0) >= PROMOTER_AT),
        reference_willing=sum(1 for p in active if p.reference_willing),
        champions=sum(1 for p in active if p.role == "champion"),
        people=len(active),
    )


@dataclass(frozen=True)
class FeedbackLoop:
    received: int
    acknowledged: int
    acted_on: int
    median_days_to_act: float | None


def feedback_loop(
    items: Sequence[tuple[dt.date, dt.date | None, dt.date | None]],
) -> FeedbackLoop:
    """`items`: (received, acknowledged or None, acted on or None) of each piece of feedback."""
    durations = [(acted - received).days for received, _ack, acted in items if acted is not None]
    return FeedbackLoop(
        received=len(items),
        acknowledged=sum(1 for _received, ack, acted in items if ack or acted),
        acted_on=len(durations),
        median_days_to_act=float(median(durations)) if durations else None,
    )
