"""The relationship score: the properties a CS lead would expect, checked with hypothesis."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationships.scoring.model import (
    COMPONENTS,
    OBSERVED,
    InteractionEvent,
    OpenItemEvent,
    Person,
    ScoringConfig,
    Signals,
    label,
    movements,
    score_account,
    score_stakeholder,
    signals_from_events,
    stakeholder_alerts,
)
from tests.relationships.scoring.strategies import (
    AS_OF,
    interactions,
    moments,
    open_items,
    people,
    ratings,
)

CONFIG = ScoringConfig()


def stakeholder_score(**events):
    return score_stakeholder(signals_from_events(as_of=AS_OF, config=CONFIG, **events), CONFIG)


@given(interactions, moments, open_items, ratings, ratings, st.none() | st.integers(1, 5))
def test_scores_stay_within_1_and_5_and_confidence_within_0_and_1(
    events, felt, items, trust, respect, rating
):
    score = stakeholder_score(
        interactions=events, moments=felt, open_items=items, trust=trust, respect=respect,
        csm_rating=rating,
    )  # fmt: skip
    assert score.value is None or 1 <= score.value <= 5
    assert 0 <= score.confidence <= 1
    assert all(v is None or 0 <= v <= 1 for v in score.components.values())


def test_nothing_known_means_no_score_and_confidence_zero():
    score = stakeholder_score()
    assert (score.value, score.confidence) == (None, 0.0)
    assert set(score.components) == set(COMPONENTS)


@given(interactions.filter(bool), st.data())
def test_more_negative_sentiment_never_raises_the_score(events, data):
    index = data.draw(st.integers(0, len(events) - 1))
    event = events[index]
    worse = data.draw(st.integers(-2, event.sentiment))
    changed = [
        *events[:index],
        event.__class__(**{**event.__dict__, "sentiment": worse}),
        *events[index + 1 :],
    ]
    before = stakeholder_score(interactions=events)
    after = stakeholder_score(interactions=changed)
    assert after.value <= before.value + 1e-9


@given(interactions, moments)
def test_order_of_inputs_does_not_matter(events, felt):
    forward = stakeholder_score(interactions=events, moments=felt)
    backward = stakeholder_score(interactions=events[::-1], moments=felt[::-1])
    assert (
        forward.value == pytest.approx(backward.value) if forward.value else backward.value is None
    )


@given(interactions, moments)
def test_same_inputs_same_score(events, felt):
    assert stakeholder_score(interactions=events, moments=felt) == stakeholder_score(
        interactions=events, moments=felt
    )


def test_the_csms_read_alone_is_no_score_and_only_adjusts_what_was_observed():
    raved = stakeholder_score(trust="high", respect="high", csm_rating=5)
    assert (raved.value, raved.reported) == (None, 1.0)
    call = [InteractionEvent(AS_OF, 0, 0.3, False)]
    plain = stakeholder_score(interactions=call)
    praised = stakeholder_score(interactions=call, trust="high", respect="high", csm_rating=5)
    panned = stakeholder_score(interactions=call, trust="low", respect="low", csm_rating=1)
    assert praised.value == pytest.approx(plain.value + CONFIG.reported_cap / 2)
    assert panned.value == pytest.approx(max(1.0, plain.value - CONFIG.reported_cap / 2))


def test_warm_frequent_contact_earns_engagement_and_more_of_it_earns_more():
    def engagement(count):
        calls = [
            InteractionEvent(AS_OF - dt.timedelta(days=3 * n), 1, 0.6, n % 2 == 0)
            for n in range(count)
        ]
        return stakeholder_score(interactions=calls).components["engagement"]

    assert 0 < engagement(1) < engagement(4) < engagement(12) < 1


def test_an_open_item_takes_away_part_of_the_observed_part_only():
    calls = [InteractionEvent(AS_OF, 2, 1.0, True)]
    clear = stakeholder_score(interactions=calls)
    owing = stakeholder_score(interactions=calls, open_items=[OpenItemEvent(AS_OF.date())])
    share = CONFIG.weights["open_items"] / sum(CONFIG.weights[n] for n in OBSERVED)
    assert owing.observed == pytest.approx(clear.observed * (1 - share * (1 - 1 / 1.5)))


def test_trust_and_respect_both_high_is_one_and_one_high_is_a_half():
    both = stakeholder_score(trust="high", respect="high").components["trust_respect"]
    one = stakeholder_score(trust="high", respect="low").components["trust_respect"]
    none = stakeholder_score(trust="low", respect="low").components["trust_respect"]
    assert (both, one, none) == (1.0, 0.5, 0.0)


def test_an_overdue_open_item_costs_more_than_a_fresh_one():
    fresh = stakeholder_score(open_items=[OpenItemEvent(AS_OF.date())])
    stale = stakeholder_score(open_items=[OpenItemEvent(AS_OF.date() - dt.timedelta(days=90))])
    assert stale.components["open_items"] < fresh.components["open_items"] < 1


@given(
    people, st.floats(CONFIG.strong_at, 5), st.sampled_from(["decision_maker", "executive_sponsor"])
)
def test_a_new_strong_decision_maker_never_lowers_the_account_score(group, value, role):
    before = score_account(group, CONFIG)
    after = score_account([*group, Person(role, "high", value)], CONFIG)
    assert after.value >= (before.value or 1.0) - 1e-9


@given(people)
def test_account_scores_stay_within_1_and_5(group):
    result = score_account(group, CONFIG)
    assert result.value is None or 1 <= result.value <= 5
    assert 0 <= result.confidence <= 1 + 1e-9


@given(people)
def test_order_of_stakeholders_does_not_matter(group):
    forward, backward = score_account(group, CONFIG), score_account(group[::-1], CONFIG)
    assert (
        forward.value == pytest.approx(backward.value) if forward.value else backward.value is None
    )


def test_account_with_nobody_scored_has_no_score():
    result = score_account([Person("user", "low", None)], CONFIG)
    assert (result.value, result.confidence) == (None, 0.0)


def test_single_threaded_and_champion_left_cost_points():
    strong_dm = Person("decision_maker", "high", 5.0)
    base = score_account([strong_dm, Person("user", "low", 4.5)], CONFIG)
    lonely = score_account([strong_dm, Person("user", "low", 2.0)], CONFIG)
    left = score_account(
        [strong_dm, Person("user", "low", 4.5), Person("champion", "medium", 5.0, active=False)],
        CONFIG,
    )
    assert lonely.single_threaded
    assert not base.single_threaded
    assert left.champion_left
    assert left.value == pytest.approx(base.value - 0.3)


def test_labels_come_from_the_scale():
    scale = {1: "No relationship", 2: "Introduced", 3: "Professional", 4: "Strong", 5: "Personal"}
    assert label(3.49, scale) == "Professional"
    assert label(3.5, scale) == "Strong"
    assert label(None, scale) == ""


def test_movements_list_the_biggest_change_first():
    moved = movements({"sentiment": 0.5, "tenure": 0.2}, {"sentiment": 0.3, "tenure": 0.3})
    assert [name for name, _ in moved] == ["sentiment", "tenure"]
    assert moved[0][1] == pytest.approx(-0.2)


def test_engagement_drop_alert_against_the_persons_own_baseline():
    usual = Signals(recent_interactions=1, baseline_interactions=18)  # about 3 a month usually
    alerts = stakeholder_alerts(usual, CONFIG)
    assert [a.kind for a in alerts] == ["engagement_drop"]
    assert "1 interaction in the last 30 days against about 3.0 usually" in alerts[0].reason
    assert (
        stakeholder_alerts(Signals(recent_interactions=3, baseline_interactions=18), CONFIG) == []
    )


def test_sentiment_drop_alert():
    signals = Signals(
        recent_interactions=3, baseline_interactions=12, recent_sentiment=0.25,
        baseline_sentiment=0.75,
    )  # fmt: skip
    alerts = stakeholder_alerts(signals, CONFIG)
    assert [a.kind for a in alerts] == ["sentiment_drop"]
    assert alerts[0].reason == "Recent interactions feel negative, against positive before."
    too_few = Signals(recent_interactions=1, baseline_interactions=12, recent_sentiment=0.0)
    assert stakeholder_alerts(too_few, CONFIG) == []


@given(interactions)
def test_events_in_the_future_are_ignored(events):
    future = [InteractionEvent(AS_OF + dt.timedelta(days=3), -2, 1.0, True)]
    assert stakeholder_score(interactions=events) == stakeholder_score(interactions=events + future)
