"""Stated feelings, the door through which what customers say about how they feel reaches the
numbers: sentiment in the relationship score and the gap model's customer voice."""

import datetime as dt

import pytest
from django.utils import timezone

from relationships.activity.voice import stated_feelings_record, stated_voice
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
def test_stated_voice_gives_the_window_s_feelings_on_minus_one_to_one_oldest_first():
    person = StakeholderFactory()
    stated(person, 0.0, days_ago=1)
    stated(person, 1.0, days_ago=3)
    stated(person, 0.5, days_ago=180)  # outside a window of 180 days
    stated(person, 0.5, days_ago=-1)  # tomorrow
    voices = stated_voice(account_ids=[person.account_id, 999999], today=TODAY, days=180)
    assert voices == {
        person.account_id: [
            (TODAY - dt.timedelta(days=3), 1.0),
            (TODAY - dt.timedelta(days=1), -1.0),
        ]
    }


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
