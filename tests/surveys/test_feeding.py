"""Survey answers in the numbers: sentiment in the relationship score, the customer's voice for
the gap model, and the pure question helpers."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from relationships.scoring import model as scoring
from relationships.scoring import recompute
from surveys.models import Answer, Question, Response
from surveys.questions import nps, reminder_days, scale_feeling, voice
from surveys.selectors import survey_voice
from tests.factories import InvitationFactory, StakeholderFactory

TODAY = timezone.localdate()


def answer(stakeholder, kind, feeling, days_ago=0, value=None):
    invitation = InvitationFactory(stakeholder=stakeholder)
    response = Response.objects.create(invitation=invitation)
    return Answer.objects.create(
        response=response,
        question=Question.objects.get(template__slug="relationship-check", kind=kind),
        account=stakeholder.account,
        stakeholder=stakeholder,
        answered_on=TODAY - dt.timedelta(days=days_ago),
        kind=kind,
        value=value,
        feeling=feeling,
    )


@pytest.mark.django_db
def test_survey_answers_count_in_sentiment_as_the_pure_model_says():
    person = StakeholderFactory()
    answer(person, "scale", 0.75, days_ago=10, value=4)
    answer(person, "nps", 0.2, days_ago=40, value=2)
    answer(person, "trust", None, value="high")  # not a feeling: no effect on sentiment
    config = scoring.ScoringConfig(version=1)
    as_of = recompute.end_of(TODAY)
    people = [{"pk": person.pk, "trust": "", "respect": "", "relationship_since": None,
               "strength": None}]  # fmt: skip
    signals = recompute._signals(people, [person.account_id], config, as_of)[person.pk]
    expected = scoring.signals_from_events(
        as_of=as_of,
        config=config,
        survey_happiness=[
            (TODAY - dt.timedelta(days=10), 4),
            (TODAY - dt.timedelta(days=40), 1 + 4 * 0.2),
        ],
    )
    assert signals.sentiment_inputs == 2
    assert signals.sentiment_sum == pytest.approx(expected.sentiment_sum)
    assert signals.sentiment_weight == pytest.approx(expected.sentiment_weight)


@pytest.mark.django_db
def test_survey_voice_gives_recent_happiness_and_nps_on_minus_one_to_one():
    person = StakeholderFactory()
    answer(person, "scale", 1.0, days_ago=3, value=5)
    answer(person, "nps", 0.0, days_ago=1, value=0)
    answer(person, "scale", 0.5, days_ago=400, value=3)  # too old
    answer(person, "text", None, value="Fine.")
    voices = survey_voice(account_ids=[person.account_id, 999999], as_of=TODAY)
    assert voices == {
        person.account_id: [
            (TODAY - dt.timedelta(days=3), 1.0),
            (TODAY - dt.timedelta(days=1), -1.0),
        ]
    }


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=5), st.data())
def test_scale_feeling_is_between_zero_and_one_and_keeps_order(points, data):
    a = data.draw(st.sampled_from(points))
    b = data.draw(st.sampled_from(points))
    feeling_a, feeling_b = scale_feeling(a, points), scale_feeling(b, points)
    assert 0.0 <= feeling_a <= 1.0
    assert -1.0 <= voice(feeling_a) <= 1.0
    if a < b:
        assert feeling_a < feeling_b


@given(st.lists(st.integers(min_value=0, max_value=10), max_size=50))
def test_nps_is_between_minus_and_plus_hundred(scores):
    result = nps(scores)
    if not scores:
        assert result is None
    else:
        assert -100 <= result <= 100
        assert result == 100 if all(s >= 9 for s in scores) else result < 100


@given(st.sets(st.integers(min_value=1, max_value=365), max_size=6))
def test_reminder_days_reads_what_it_is_given(days):
    text = ", ".join(str(day) for day in days)
    assert reminder_days(text) == sorted(days)


@pytest.mark.parametrize("bad", ["soon", "0", "4,x", "400"])
def test_reminder_days_refuses_words_and_days_out_of_range(bad):
    with pytest.raises(ValueError, match="invalid literal|between 1 and 365"):
        reminder_days(bad)
