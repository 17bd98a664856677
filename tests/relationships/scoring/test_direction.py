"""Every signal moves the score the way it should: with everything else fixed, an event never
moves a stakeholder's score, nor their account's, against its own feeling; and the CSM's read
moves a score only so far. Hypothesis properties on the pure models (docs/scoring.md)."""

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from relationships.gaps import model as gaps
from relationships.scoring.model import (
    InteractionEvent,
    Person,
    ScoringConfig,
    score_account,
    score_stakeholder,
    signals_from_events,
)
from tests.relationships.scoring.strategies import AS_OF, days_ago, history, interaction, moment

CONFIG = ScoringConfig()
WARM_CALL = InteractionEvent(AS_OF, 1, 0.6, True, 2.0)
EPSILON = 1e-9
COLD, WARM = st.sampled_from([-2, -1]), st.sampled_from([1, 2])
BAD_MOMENT = moment.filter(lambda m: m.emotion in ("enraged", "missed"))
DELIGHT = moment.filter(lambda m: m.emotion == "delighted")


def score(events: dict):
    return score_stakeholder(signals_from_events(as_of=AS_OF, config=CONFIG, **events), CONFIG)


def adding(events: dict, key: str, event) -> dict:
    return {**events, key: [*events[key], event]}


def never_raised(before, after) -> bool:
    """After is not above before; without a score before, after is 1 (no relationship) at
    most, with the CSM's read (at most half the cap)."""
    if after.value is None:
        return before.value is None
    ceiling = 1 + CONFIG.reported_cap / 2 if before.value is None else before.value
    return after.value <= ceiling + EPSILON


def never_lowered(before, after) -> bool:
    if before.value is None:
        return True
    return after.value is not None and after.value >= before.value - EPSILON


@given(history, interaction, COLD)
def test_a_cold_interaction_never_raises_the_persons_score(events, new, sentiment):
    new = dataclasses.replace(new, sentiment=sentiment)
    assert never_raised(score(events), score(adding(events, "interactions", new)))


@given(history, interaction, WARM)
def test_a_warm_interaction_never_lowers_the_persons_score(events, new, sentiment):
    new = dataclasses.replace(new, sentiment=sentiment)
    assert never_lowered(score(events), score(adding(events, "interactions", new)))


@given(history, BAD_MOMENT)
def test_an_enraged_or_missed_expectations_moment_never_raises_the_persons_score(events, new):
    assert never_raised(score(events), score(adding(events, "moments", new)))


@given(history, DELIGHT)
def test_a_delighted_moment_never_lowers_the_persons_score(events, new):
    assert never_lowered(score(events), score(adding(events, "moments", new)))


@given(history, st.tuples(st.just(AS_OF.date()), st.integers(1, 2)))
def test_an_unhappy_survey_answer_never_raises_the_persons_score(events, answer):
    assert never_raised(score(events), score(adding(events, "survey_happiness", answer)))


# --- the account -------------------------------------------------------------------------------

member = st.tuples(
    st.sampled_from(["decision_maker", "executive_sponsor", "champion", "user"]),
    st.sampled_from(["high", "medium", "low"]),
    st.booleans(),
    history,
)
accounts = st.lists(member, min_size=1, max_size=4)
perception = st.none() | st.floats(-1, 1)


def account_score(members, pulse):
    people = [
        Person.scored(role, influence, score(events), active=active)
        for role, influence, active, events in members
    ]
    return score_account(people, CONFIG, perception=pulse)


def with_event(members, index, key, event):
    index %= len(members)
    role, influence, active, events = members[index]
    changed = (role, influence, active, adding(events, key, event))
    return [*members[:index], changed, *members[index + 1 :]]


@given(accounts, perception, st.integers(0, 3), interaction, COLD)
def test_a_cold_interaction_never_raises_the_account_score(members, pulse, index, new, sentiment):
    new = dataclasses.replace(new, sentiment=sentiment)
    before = account_score(members, pulse)
    after = account_score(with_event(members, index, "interactions", new), pulse)
    assert never_raised(before, after)


@given(accounts, perception, st.integers(0, 3), interaction, WARM)
def test_a_warm_interaction_never_lowers_the_account_score(members, pulse, index, new, sentiment):
    new = dataclasses.replace(new, sentiment=sentiment)
    before = account_score(members, pulse)
    after = account_score(with_event(members, index, "interactions", new), pulse)
    assert never_lowered(before, after)


@given(accounts, perception, st.integers(0, 3), BAD_MOMENT)
def test_an_enraged_or_missed_moment_never_raises_the_account_score(members, pulse, index, new):
    before = account_score(members, pulse)
    assert never_raised(before, account_score(with_event(members, index, "moments", new), pulse))


@given(accounts, perception, st.integers(0, 3), DELIGHT)
def test_a_delighted_moment_never_lowers_the_account_score(members, pulse, index, new):
    before = account_score(members, pulse)
    assert never_lowered(before, account_score(with_event(members, index, "moments", new), pulse))


# --- the CSM's read moves a score only so far ----------------------------------------------------

reported_edit = st.fixed_dictionaries(
    {
        "trust": st.sampled_from(["", "high", "low"]),
        "respect": st.sampled_from(["", "high", "low"]),
        "csm_rating": st.none() | st.integers(1, 5),
    }
)


@given(accounts, perception, st.integers(0, 3), reported_edit)
def test_one_edit_of_reported_fields_moves_the_account_at_most_the_cap(members, pulse, index, edit):
    index %= len(members)
    role, influence, active, events = members[index]
    edited = [
        *members[:index],
        (role, influence, active, {**events, **edit}),
        *members[index + 1 :],
    ]
    before, after = account_score(members, pulse), account_score(edited, pulse)
    if before.value is not None and after.value is not None:
        assert abs(after.value - before.value) <= CONFIG.reported_cap + EPSILON


@given(history, reported_edit)
def test_one_edit_of_reported_fields_moves_the_person_at_most_the_cap(events, edit):
    before, after = score(events), score({**events, **edit})
    if before.value is not None and after.value is not None:
        assert abs(after.value - before.value) <= CONFIG.reported_cap + EPSILON


@given(accounts, st.floats(-1, 1), st.floats(-1, 1))
def test_a_happier_pulse_check_never_lowers_the_account_score(members, low, high):
    low, high = sorted((low, high))
    assert never_lowered(account_score(members, low), account_score(members, high))


def test_a_pulse_check_of_2_lowers_the_account_score_within_the_cap():
    warm = [
        dataclasses.replace(WARM_CALL, occurred_at=AS_OF - dt.timedelta(days=d))
        for d in range(0, 90, 7)
    ]
    members = [("decision_maker", "high", True, {"interactions": warm})]
    without = account_score(members, None)
    two = gaps.csm_perception((AS_OF.date(), 2), today=AS_OF.date(), config=gaps.GapConfig())
    unhappy = account_score(members, two)
    assert without.value - CONFIG.reported_cap / 2 <= unhappy.value < without.value
    assert unhappy.adjustment == -CONFIG.reported_cap / 4  # a 2 of 5 is -0.5 of -1..+1


# --- the gap model's customer voice --------------------------------------------------------------

said = st.fixed_dictionaries(
    {
        "inbound_sentiments": st.lists(
            st.tuples(st.integers(0, 200).map(days_ago), st.integers(-2, 2)),
            max_size=8,
        ),
        "moments": st.lists(
            st.tuples(
                st.integers(0, 200).map(days_ago),
                st.sampled_from(["enraged", "missed", "met", "delighted"]),
                st.integers(1, 3),
            ),
            max_size=4,
        ),
        "survey_answers": st.lists(
            st.tuples(
                st.integers(0, 200).map(days_ago),
                st.floats(-1, 1),
            ),
            max_size=3,
        ),
    }
)
GAP_CONFIG = gaps.GapConfig()


def voice(inputs):
    return gaps.customer_voice(
        gaps.voice_inputs(today=AS_OF.date(), config=GAP_CONFIG, **inputs), GAP_CONFIG
    )


@given(said, st.integers(0, 179), COLD)
def test_a_cold_message_never_makes_the_customer_voice_happier(inputs, age, sentiment):
    day = AS_OF.date() - dt.timedelta(days=age)
    before = voice(inputs)
    after = voice(adding(inputs, "inbound_sentiments", (day, sentiment)))
    assert after <= (0.0 if before is None else before) + EPSILON


@given(said, st.integers(0, 179), WARM)
def test_a_warm_message_never_makes_the_customer_voice_unhappier(inputs, age, sentiment):
    day = AS_OF.date() - dt.timedelta(days=age)
    before = voice(inputs)
    after = voice(adding(inputs, "inbound_sentiments", (day, sentiment)))
    assert after >= (0.0 if before is None else before) - EPSILON


@given(said, st.integers(0, 179), st.sampled_from(["enraged", "missed"]), st.integers(1, 3))
def test_an_enraged_or_missed_moment_never_makes_the_voice_happier(inputs, age, emotion, level):
    day = AS_OF.date() - dt.timedelta(days=age)
    before = voice(inputs)
    after = voice(adding(inputs, "moments", (day, emotion, level)))
    assert after <= (0.0 if before is None else before) + EPSILON
