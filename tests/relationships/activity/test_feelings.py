"""The feelings module: every mapping keeps its order and its range, and the SQL fragments the
recompute runs give the numbers the Python gives."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from relationships.activity import feelings
from relationships.activity.feelings import EMOTIONS, INTENSITIES, NPS, RATING, SENTIMENT, Scale

SCALES = {"sentiment": SENTIMENT, "rating": RATING, "nps": NPS}


@st.composite
def scale_and_points(draw):
    """A scale of a few points, and two of its points."""
    lowest = draw(st.integers(-10, 10))
    scale = Scale(lowest, draw(st.integers(lowest + 1, lowest + 12)))
    points = st.integers(scale.lowest, scale.highest)
    return scale, draw(points), draw(points)


def select(fragment: str, **columns):
    """The value of a SQL expression over these columns' values, on the test database."""
    names = ", ".join(f"%s AS {name}" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fragment} FROM (SELECT {names}) given", list(columns.values()))
        return cursor.fetchone()[0]


@given(scale_and_points())
def test_a_better_point_never_feels_worse_and_stays_in_range(drawn):
    scale, a, b = drawn
    low, high = sorted((a, b))
    assert 0.0 <= scale.feeling(low) <= scale.feeling(high) <= 1.0
    assert -1.0 <= scale.happiness(low) <= scale.happiness(high) <= 1.0
    assert (scale.feeling(scale.lowest), scale.feeling(scale.highest)) == (0.0, 1.0)
    assert (scale.happiness(scale.lowest), scale.happiness(scale.highest)) == (-1.0, 1.0)


@given(scale_and_points())
def test_feeling_and_happiness_tell_the_same_story(drawn):
    scale, value, _other = drawn
    assert feelings.feeling_happiness(scale.feeling(value)) == pytest.approx(scale.happiness(value))


@given(st.floats(0, 1), st.floats(0, 1))
def test_a_feeling_as_happiness_keeps_its_order_from_minus_one_to_one(a, b):
    happiness = feelings.feeling_happiness
    assert -1.0 <= happiness(a) <= 1.0
    assert (happiness(0.0), happiness(0.5), happiness(1.0)) == (-1.0, 0.0, 1.0)
    low, high = sorted((a, b))
    assert happiness(low) <= happiness(high)


@pytest.mark.parametrize("name", SCALES)
def test_each_scale_maps_its_points_in_order(name):
    scale = SCALES[name]
    points = range(scale.lowest, scale.highest + 1)
    for mapping in (scale.feeling, scale.happiness):
        values = [mapping(point) for point in points]
        assert all(a < b for a, b in zip(values, values[1:], strict=False))


def test_the_documented_numbers():
    """docs/scoring.md: sentiment (s + 2) / 4 and s / 2; pulse (h - 3) / 2; NPS n / 10."""
    assert [feelings.sentiment_feeling(s) for s in range(-2, 3)] == [0, 0.25, 0.5, 0.75, 1]
    assert [feelings.sentiment_happiness(s) for s in range(-2, 3)] == [-1, -0.5, 0, 0.5, 1]
    assert [RATING.happiness(h) for h in range(1, 6)] == [-1, -0.5, 0, 0.5, 1]
    assert [RATING.feeling(h) for h in range(1, 6)] == [0, 0.25, 0.5, 0.75, 1]
    assert feelings.nps_feeling(7) == 0.7
    assert [feelings.emotion_feeling(e) for e in EMOTIONS] == [0, 0.25, 0.6, 1]
    assert [feelings.emotion_happiness(e) for e in EMOTIONS] == [-1, -0.5, 0.2, 1]


@pytest.mark.parametrize("table", [feelings.EMOTION_FEELING, feelings.EMOTION_HAPPINESS])
def test_a_better_emotion_never_maps_lower(table):
    assert list(table) == list(EMOTIONS)
    values = [table[emotion] for emotion in EMOTIONS]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))
    assert -1.0 <= values[0] < values[-1] == 1.0


def test_a_stronger_moment_weighs_more_and_the_middle_intensity_once():
    weights = [feelings.intensity_weight(intensity) for intensity in INTENSITIES]
    assert weights == [0.5, 1.0, 1.5]


@given(
    st.lists(st.integers(0, 10), min_size=1, max_size=11, unique=True),
    st.integers(0, 10),
    st.integers(0, 10),
)
def test_an_answer_higher_on_its_scale_never_feels_worse(points, a, b):
    low, high = sorted((a, b))
    feeling_low = feelings.scale_point_feeling(low, points)
    assert 0.0 <= feeling_low <= feelings.scale_point_feeling(high, points) <= 1.0


def test_an_answer_without_points_has_no_feeling():
    assert feelings.scale_point_feeling(3, []) is None


@given(st.floats(0, 3650), st.floats(0, 3650), st.floats(1, 365))
def test_the_recency_weight_halves_each_half_life_and_never_grows_with_age(a, b, half_life):
    younger, older = sorted((a, b))
    weight = feelings.recency_weight
    assert 0.0 <= weight(older, half_life) <= weight(younger, half_life) <= 1.0
    assert weight(younger + half_life, half_life) == pytest.approx(weight(younger, half_life) / 2)
    assert weight(-5, half_life) == weight(0, half_life) == 1.0


@pytest.mark.django_db
@given(scale_and_points())
def test_a_scales_sql_gives_the_pythons_numbers(drawn):
    scale, value, _other = drawn
    assert select(scale.feeling_sql("v"), v=value) == scale.feeling(value)
    assert select(scale.happiness_sql("v"), v=value) == scale.happiness(value)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCALES)
def test_the_sql_of_the_scales_in_use_gives_the_pythons_numbers_on_every_point(name):
    scale = SCALES[name]
    for point in range(scale.lowest, scale.highest + 1):
        assert select(scale.feeling_sql("v"), v=point) == scale.feeling(point)
        assert select(scale.happiness_sql("v"), v=point) == scale.happiness(point)


@pytest.mark.django_db
@pytest.mark.parametrize("emotion", EMOTIONS)
def test_the_emotions_sql_gives_the_pythons_numbers(emotion):
    assert select(feelings.emotion_feeling_sql("v"), v=emotion) == feelings.emotion_feeling(emotion)
    assert select(feelings.emotion_happiness_sql("v"), v=emotion) == feelings.emotion_happiness(
        emotion
    )


@pytest.mark.django_db
@pytest.mark.parametrize("intensity", INTENSITIES)
def test_the_intensitys_sql_gives_the_pythons_number(intensity):
    fragment = feelings.intensity_weight_sql("v")
    assert select(fragment, v=intensity) == feelings.intensity_weight(intensity)


@pytest.mark.django_db
@given(st.floats(0, 3650), st.floats(1, 365))
def test_the_recency_weights_sql_gives_the_pythons_number(age, half_life):
    fragment = feelings.recency_weight_sql("age", "half_life")
    # float(): PostgreSQL reads the literals given here as numeric, the statements' ages are not
    assert float(select(fragment, age=age, half_life=half_life)) == pytest.approx(
        feelings.recency_weight(age, half_life), rel=1e-12
    )
