"""Survey answers in the numbers: what a scale or NPS answer says about how the stakeholder feels
goes through relationships' stated feelings into sentiment and the gap model's customer voice;
and the pure question helpers."""

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from relationships.gaps import model as gaps
from relationships.gaps.services import gap_factors
from relationships.models import StatedFeeling
from relationships.scoring import model as scoring
from relationships.scoring import recompute
from surveys.models import Answer
from surveys.questions import QUESTION_TYPES, Spec, nps, reminder_days
from surveys.selectors import question_specs
from surveys.services import response_submit
from tests.factories import InvitationFactory, StakeholderFactory

TODAY = timezone.localdate()


def answered(person, **answers):
    """`person` answers the relationship check (question kind -> value) through the survey."""
    invitation = InvitationFactory(stakeholder=person)
    questions = question_specs(invitation.campaign.template)
    keys = {spec.kind: spec.key for _pk, spec in questions}
    cleaned = {keys[kind]: value for kind, value in answers.items()}
    response_submit(invitation=invitation, questions=questions, cleaned=cleaned)


def sentiment_and_voice(person) -> tuple[int, float | None]:
    """The person's sentiment inputs and their account's customer voice, as the recompute
    reads them."""
    as_of = recompute.end_of(TODAY)
    people = [{"pk": person.pk, "trust": "", "respect": "", "relationship_since": None,
               "strength": None}]  # fmt: skip
    config = scoring.ScoringConfig(version=1)
    signals = recompute._signals(people, [person.account_id], config, as_of)[person.pk]
    factors = gap_factors(
        account_ids=[person.account_id], as_of=as_of, config=gaps.GapConfig(), pulses={}
    )
    return signals.feeling_inputs, factors[person.account_id].customer_voice


@pytest.mark.django_db
def test_answering_a_survey_moves_the_score_and_the_customer_voice_through_stated_feelings():
    person = StakeholderFactory()
    assert sentiment_and_voice(person) == (0, None)

    answered(person, scale=5, nps=0, trust="high", text="Fine.")

    feelings = StatedFeeling.objects.filter(stakeholder=person)
    assert sorted(feelings.values_list("stated_on", "feeling")) == [(TODAY, 0.0), (TODAY, 1.0)]
    assert sentiment_and_voice(person) == (2, pytest.approx(0.0))
    feelings.delete()  # the answers stay, but the numbers read only the stated feelings
    assert Answer.objects.filter(stakeholder=person).count() == 4
    assert sentiment_and_voice(person) == (0, None)


def test_scale_and_nps_answers_feel_from_zero_at_their_lowest_to_one_at_their_highest():
    scale = Spec(
        key="q1", kind="scale", text="Happy?", choices=((1, "No"), (3, "So so"), (5, "Yes"))
    )
    nps_question = Spec(key="q2", kind="nps", text="Would you recommend us?")
    trust = Spec(key="q3", kind="trust", text="Do you trust us?")
    assert [QUESTION_TYPES["scale"].feeling(scale, value) for value in (1, 3, 5)] == [0, 0.5, 1]
    assert [QUESTION_TYPES["nps"].feeling(nps_question, v) for v in (0, 7, 10)] == [0, 0.7, 1]
    assert QUESTION_TYPES["trust"].feeling(trust, "high") is None


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
