"""Stated feelings, the door through which what customers say about how they feel reaches the
numbers: sentiment in the relationship score and the gap model's customer voice."""

import datetime as dt

import pytest
from django.utils import timezone

from relationships.activity.voice import stated_feelings_record
from relationships.gaps.model import GapConfig, customer_voice, voice_inputs
from relationships.gaps.services import gap_factors
from relationships.models import StatedFeeling
from relationships.scoring import model as scoring
from relationships.scoring import recompute
from tests.factories import StakeholderFactory

TODAY = timezone.localdate()


def stated(person, feeling, days_ago=0):
    stated_feelings_record(
        account_id=person.account_id,
        stakeholder_id=person.pk,
        stated_on=TODAY - dt.timedelta(days=days_ago),
        feelings=[feeling],
    )


@pytest.mark.django_db
def test_stated_feelings_count_in_sentiment_as_the_pure_model_says():
    person = StakeholderFactory()
    stated(person, 0.75, days_ago=10)
    stated(person, 0.2, days_ago=40)
    config = scoring.ScoringConfig(version=1)
    as_of = recompute.end_of(TODAY)
    people = [{"pk": person.pk, "trust": "", "respect": "", "relationship_since": None,
               "strength": None}]  # fmt: skip
    signals = recompute._signals(people, [person.account_id], config, as_of)[person.pk]
    expected = scoring.signals_from_events(
        as_of=as_of,
        config=config,
        survey_happiness=[
            (TODAY - dt.timedelta(days=10), 1 + 4 * 0.75),
            (TODAY - dt.timedelta(days=40), 1 + 4 * 0.2),
        ],
    )
    assert signals.feeling_inputs == 2
    assert signals.feeling == pytest.approx(expected.feeling)


@pytest.mark.django_db
def test_the_customer_voice_takes_the_window_s_feelings_as_the_pure_model_says():
    person = StakeholderFactory()
    feelings = {1: 0.0, 3: 0.25, 200: 1.0}  # days ago: the last outside a window of 180 days
    for days_ago, feeling in feelings.items():
        stated(person, feeling, days_ago=days_ago)
    config, as_of = GapConfig(voice_days=180), recompute.end_of(TODAY)
    factors = gap_factors(
        account_ids=[person.account_id, 999999], as_of=as_of, config=config, pulses={}
    )
    said = voice_inputs(
        today=as_of.date(), config=config,
        survey_answers=[
            (TODAY - dt.timedelta(days=days_ago), 2 * feeling - 1)
            for days_ago, feeling in feelings.items()
        ],
    )  # fmt: skip
    assert said.inputs == 2
    assert factors[person.account_id].customer_voice == pytest.approx(customer_voice(said, config))
    assert factors[999999].customer_voice is None


@pytest.mark.django_db
@pytest.mark.parametrize("feeling", [-0.1, 1.5, float("nan")])
def test_a_stated_feeling_outside_zero_to_one_is_refused_and_nothing_is_written(feeling):
    person = StakeholderFactory()
    with pytest.raises(ValueError, match="between 0 and 1"):
        stated_feelings_record(
            account_id=person.account_id,
            stakeholder_id=person.pk,
            stated_on=TODAY,
            feelings=[0.5, feeling],
        )
    assert not StatedFeeling.objects.exists()
