"""The competitor-relative index: properties and boundaries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationships.positioning.competition import Beats, Rating, standing

ORDER = ["sales_relationship", "service", "delivery", "technology_integration"]
WEIGHTS = {"high": 0.6, "medium": 0.35, "low": 0.15}

ratings = st.lists(
    st.builds(
        Rating,
        dimension=st.sampled_from(ORDER),
        competitor=st.integers(1, 3),
        influence=st.sampled_from(list(WEIGHTS)),
        ours=st.integers(1, 5),
        theirs=st.integers(1, 5),
    ),
    max_size=30,
)


def test_standing_without_ratings_is_unknown():
    result = standing([], order=ORDER, weights=WEIGHTS)
    assert (result.index, result.weakest, result.leads, result.dimensions) == (None, None, [], {})


def test_standing_equal_ratings_are_level_and_not_a_lead():
    result = standing([Rating("service", 1, "high", 3, 3)], order=ORDER, weights=WEIGHTS)
    assert (result.index, result.leads) == (0, [])


def test_standing_lead_needs_high_influence_people():
    low_only = [Rating("service", 1, "low", 1, 5)]
    assert standing(low_only, order=ORDER, weights=WEIGHTS).leads == []
    high = [*low_only, Rating("delivery", 1, "high", 3, 4)]
    assert standing(high, order=ORDER, weights=WEIGHTS).leads == ["delivery"]


def test_standing_weakest_tie_goes_to_the_first_dimension():
    tied = [Rating("delivery", 1, "low", 2, 3), Rating("service", 1, "low", 2, 3)]
    assert standing(tied, order=ORDER, weights=WEIGHTS).weakest == "service"


@given(ratings)
def test_standing_index_within_range_and_weakest_is_lowest(rated):
    result = standing(rated, order=ORDER, weights=WEIGHTS)
    for value in result.dimensions.values():
        assert -4 <= value <= 4
    if result.dimensions:
        assert -4 <= result.index <= 4
        assert result.dimensions[result.weakest] == min(result.dimensions.values())
    assert list(result.dimensions) == [slug for slug in ORDER if slug in result.dimensions]
    assert set(result.leads) <= set(result.dimensions)


@given(ratings)
def test_standing_swapping_ours_and_theirs_negates_the_index(rated):
    swapped = [Rating(r.dimension, r.competitor, r.influence, r.theirs, r.ours) for r in rated]
    result, mirrored = (standing(x, order=ORDER, weights=WEIGHTS) for x in (rated, swapped))
    for slug, value in result.dimensions.items():
        assert mirrored.dimensions[slug] == pytest.approx(-value)


def test_beats_arr_share_of_the_rated_arr():
    assert Beats(accounts=1, arr=100.0, rated_arr=400.0).arr_share == 0.25
    assert Beats().arr_share is None
