"""The four goals for one account."""

import datetime as dt

import pytest

from relationships.positioning.goals import Person, advocates, feedback_loop, footprint, longevity

TODAY = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("days", "happiness", "score", "risk"),
    [
        (90, -0.1, 4.0, "high"),  # unhappy, renewal within 90 days
        (91, -0.1, 4.0, "medium"),  # unhappy, renewal further out
        (30, 0.0, 3.0, "low"),  # neither unhappy nor weak, at the thresholds
        (30, 0.5, 2.9, "high"),  # weak relationship
        (30, None, None, "medium"),  # nothing known
    ],
)
def test_longevity_renewal_risk_around_thresholds(days, happiness, score, risk):
    result = longevity(
        customer_since=dt.date(2023, 6, 30),
        renewal_date=TODAY + dt.timedelta(days=days),
        today=TODAY,
        relationship_score=score,
        customer_happiness=happiness,
    )
    assert (result.days_to_renewal, result.renewal_risk) == (days, risk)
    assert result.tenure_years == pytest.approx(3.0, abs=0.01)


@pytest.mark.parametrize(("days", "risk"), [(90, "high"), (91, "medium")])
def test_longevity_open_gap_raises_the_renewal_risk(days, risk):
    happy = {"relationship_score": 4.5, "customer_happiness": 0.6}
    renewal = TODAY + dt.timedelta(days=days)
    calm = longevity(customer_since=None, renewal_date=renewal, today=TODAY, **happy)
    gap = longevity(customer_since=None, renewal_date=renewal, today=TODAY, gap=True, **happy)
    assert (calm.renewal_risk, gap.renewal_risk) == ("low", risk)


def test_longevity_without_renewal_date_has_no_risk():
    result = longevity(
        customer_since=None, renewal_date=None, today=TODAY,
        relationship_score=1.0, customer_happiness=-1.0,
    )  # fmt: skip
    assert (result.tenure_years, result.days_to_renewal, result.renewal_risk) == (None, None, "")


def test_footprint_adoption_and_trend():
    result = footprint(
        seats=200, active_users=150, previous_active_users=120,
        features_used=6, features_available=12,
    )  # fmt: skip
    assert (result.seat_adoption, result.feature_adoption, result.trend) == (0.75, 0.5, 0.25)
    empty = footprint(
        seats=None, active_users=None, previous_active_users=None,
        features_used=None, features_available=0,
    )  # fmt: skip
    assert (empty.seat_adoption, empty.feature_adoption, empty.trend) == (None, None, None)


def test_advocates_count_only_people_still_there():
    people = [
        Person("champion", 5, True, True),
        Person("user", 4, False, True),
        Person("decision_maker", 3, True, True),
        Person("champion", 5, True, False),  # left the company
    ]
    result = advocates(people)
    assert (result.promoters, result.reference_willing, result.champions, result.people) == (
        2, 2, 1, 3,
    )  # fmt: skip


def test_feedback_loop_median_days_to_act():
    received = dt.date(2026, 6, 1)
    acted = [(received, received, received + dt.timedelta(days=d)) for d in (2, 10, 30)]
    items = [*acted, (received, received, None), (received, None, None)]
    assert feedback_loop(items) == feedback_loop(list(reversed(items)))
    result = feedback_loop(items)
    assert (result.received, result.acknowledged, result.acted_on) == (5, 4, 3)
    assert result.median_days_to_act == 10.0
    assert feedback_loop([]).median_days_to_act is None
