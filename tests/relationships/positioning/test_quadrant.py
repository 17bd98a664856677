"""Quadrant placement: the quadrant at and around every threshold, and its properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationships.positioning.quadrant import (
    CUSTOMER_SUCCESS,
    FLIGHT_RISK,
    REASSESS,
    UNPROFITABLE,
    Thresholds,
    company_happiness,
    customer_happiness,
    place,
)

LIMITS = Thresholds(breakeven_margin=0.1, target_margin=0.4, happiness_intersection=0.2)
unit = st.floats(-1, 1, allow_nan=False)
margins = st.floats(-5, 1, allow_nan=False)
five = st.none() | st.integers(1, 5)


@pytest.mark.parametrize(
    ("happiness", "margin", "expected"),
    [
        (0.2, 0.1, CUSTOMER_SUCCESS),  # exactly on both thresholds: the good side
        (0.2001, 0.1001, CUSTOMER_SUCCESS),
        (0.1999, 0.1, FLIGHT_RISK),
        (0.2, 0.0999, UNPROFITABLE),
        (0.1999, 0.0999, REASSESS),
        (1.0, 1.0, CUSTOMER_SUCCESS),
        (-1.0, -3.0, REASSESS),
    ],
)
def test_place_quadrant_at_and_around_thresholds(happiness, margin, expected):
    assert place(happiness=happiness, margin=margin, thresholds=LIMITS).quadrant == expected


def test_place_unknown_axis_has_no_placement():
    assert place(happiness=None, margin=0.5, thresholds=LIMITS) is None
    assert place(happiness=0.5, margin=None, thresholds=LIMITS) is None


def test_place_at_intersection_has_no_strength_and_corner_full_strength():
    assert place(happiness=0.2, margin=0.1, thresholds=LIMITS).strength == 0
    corner = place(happiness=1.0, margin=0.4, thresholds=LIMITS)
    assert (corner.x, corner.y, corner.strength) == (1.0, 1.0, pytest.approx(1.0))


def test_company_happiness_is_the_margin():
    assert company_happiness(arr=100_000, cost_to_serve=25_000) == 0.75
    assert company_happiness(arr=100_000, cost_to_serve=150_000) == -0.5


@pytest.mark.parametrize(("arr", "cost"), [(None, 10), (100, None), (0, 10)])
def test_company_happiness_unknown_without_revenue_or_cost(arr, cost):
    assert company_happiness(arr=arr, cost_to_serve=cost) is None


def test_customer_happiness_weights_the_known_inputs():
    # voice 0.5, score 4 -> +0.5, pulse 2 -> -0.5: (0.5*0.5 + 0.3*0.5 + 0.2*-0.5) / 1.0
    assert customer_happiness(customer_voice=0.5, relationship_score=4, pulse=2) == 0.3
    # without the voice: (0.3*0.5 + 0.2*-0.5) / 0.5
    assert customer_happiness(customer_voice=None, relationship_score=4, pulse=2) == pytest.approx(
        0.1
    )
    assert customer_happiness(customer_voice=None, relationship_score=None, pulse=None) is None


@given(voice=st.none() | unit, score=five, pulse=five)
def test_customer_happiness_stays_on_the_continuum(voice, score, pulse):
    value = customer_happiness(customer_voice=voice, relationship_score=score, pulse=pulse)
    if voice is None and score is None and pulse is None:
        assert value is None
    else:
        assert -1 <= value <= 1


@given(voice=unit, score=st.integers(1, 4), pulse=five)
def test_customer_happiness_rises_with_the_relationship_score(voice, score, pulse):
    lower = customer_happiness(customer_voice=voice, relationship_score=score, pulse=pulse)
    higher = customer_happiness(customer_voice=voice, relationship_score=score + 1, pulse=pulse)
    assert higher > lower


@given(happiness=unit, margin=margins)
def test_place_position_and_strength_bounded_and_signed(happiness, margin):
    placed = place(happiness=happiness, margin=margin, thresholds=LIMITS)
    assert -1 <= placed.x <= 1
    assert -1 <= placed.y <= 1
    assert 0 <= placed.strength <= 1
    assert (placed.x >= 0) == (happiness >= LIMITS.happiness_intersection)
    assert (placed.y >= 0) == (margin >= LIMITS.breakeven_margin)


@given(happiness=unit, margin=margins, more=st.floats(0, 1))
def test_place_happier_never_moves_left(happiness, margin, more):
    before = place(happiness=happiness, margin=margin, thresholds=LIMITS)
    after = place(happiness=min(1.0, happiness + more), margin=margin, thresholds=LIMITS)
    assert after.x >= before.x
