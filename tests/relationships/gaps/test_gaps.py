"""The pure gap model: factors, detection, classification, the case lifecycle, the workflow."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationships.gaps import model as gaps
from relationships.gaps.model import Factors, GapConfig, UsagePoint

CONFIG = GapConfig(threshold=0.6)  # side 0.2
TODAY = date(2026, 6, 30)
factor = st.one_of(st.none(), st.floats(-1, 1, allow_nan=False))


@pytest.mark.parametrize(
    ("voice", "usage", "csm", "expected"),
    [
        # Seed scenario 1: they say they are happy, usage is down.
        (0.7, -0.5, None, gaps.SAYS_HAPPY_USAGE_DOWN),
        (0.7, -0.5, 0.6, gaps.SAYS_HAPPY_USAGE_DOWN),
        # Seed scenario 2: they use the sticky features; a call shows their needs are unmet.
        (-0.6, 0.6, None, gaps.USES_NEEDS_UNMET),
        (-0.6, 0.1, -0.4, gaps.USES_NEEDS_UNMET),
        # Seed scenario 3: using it, the CSM feels fine, a poor NPS answer.
        (-0.6, 0.5, 0.5, gaps.CSM_FINE_CUSTOMER_NOT),
        (-0.6, None, 0.5, gaps.CSM_FINE_CUSTOMER_NOT),
        # The reverse: the CSM is worried, the customer is happy and using it.
        (0.6, 0.5, -0.5, gaps.CSM_WORRIED_CUSTOMER_HAPPY),
        (None, 0.5, -0.5, gaps.CSM_WORRIED_CUSTOMER_HAPPY),
        # Anything else past the threshold.
        (0.0, -0.7, None, gaps.GENERIC),
        (None, -0.7, 0.1, gaps.GENERIC),
        (-0.7, -0.7, 0.0, gaps.GENERIC),
    ],
)
def test_detect_classifies_each_kind_of_gap(voice, usage, csm, expected):
    assert gaps.detect(Factors(voice, usage, csm), CONFIG).gap_class == expected


def test_detect_finds_a_gap_exactly_at_the_threshold_and_none_just_below():
    assert gaps.detect(Factors(0.1, -0.5), CONFIG) == gaps.Gap(pytest.approx(0.6), "generic")
    assert gaps.detect(Factors(0.3, -0.3), CONFIG).gap_class == gaps.SAYS_HAPPY_USAGE_DOWN
    below = gaps.detect(Factors(0.29, -0.3), CONFIG)
    assert below.gap_class == ""
    assert below.size == pytest.approx(0.59)


def test_detect_counts_a_factor_at_the_side_as_happy_or_unhappy():
    # voice exactly +side is happy; usage exactly -side is unhappy
    assert gaps.detect(Factors(0.2, -0.5), CONFIG).gap_class == gaps.SAYS_HAPPY_USAGE_DOWN
    assert gaps.detect(Factors(0.19, -0.5), CONFIG).gap_class == gaps.GENERIC
    assert gaps.detect(Factors(0.5, -0.2), CONFIG).gap_class == gaps.SAYS_HAPPY_USAGE_DOWN
    assert gaps.detect(Factors(0.5, -0.19), CONFIG).gap_class == gaps.GENERIC


def test_detect_needs_two_known_factors():
    assert gaps.detect(Factors(1.0, None, None), CONFIG) == gaps.Gap(None, "")
    assert gaps.detect(Factors(), CONFIG) == gaps.Gap(None, "")


@given(factor, factor, factor)
def test_detect_size_is_the_spread_and_a_class_only_past_the_threshold(voice, usage, csm):
    gap = gaps.detect(Factors(voice, usage, csm), CONFIG)
    known = [value for value in (voice, usage, csm) if value is not None]
    if len(known) < 2:
        assert gap == gaps.Gap(None, "")
        return
    assert gap.size == pytest.approx(max(known) - min(known))
    assert 0 <= gap.size <= 2
    assert (gap.gap_class != "") == (gap.size >= CONFIG.threshold - 1e-9)
    assert gap.gap_class in {"", *gaps.CLASS_LABELS}


@given(factor, factor, factor, st.floats(0, 0.5))
def test_detect_never_finds_a_gap_when_the_factors_move_closer(voice, usage, csm, pull):
    """Pulling every factor towards their middle never turns "no gap" into a gap."""
    known = [value for value in (voice, usage, csm) if value is not None]
    if len(known) < 2:
        return
    middle = (max(known) + min(known)) / 2

    def closer(value):
        return None if value is None else value + (middle - value) * pull

    before = gaps.detect(Factors(voice, usage, csm), CONFIG)
    after = gaps.detect(Factors(closer(voice), closer(usage), closer(csm)), CONFIG)
    assert after.size <= before.size + 1e-9
    if not before.gap_class:
        assert not after.gap_class


# --- the factors --------------------------------------------------------------------------


def test_customer_voice_weights_recent_words_and_their_own_moments():
    voice = gaps.voice_inputs(
        today=TODAY,
        config=CONFIG,
        inbound_sentiments=[(TODAY, 2), (TODAY - timedelta(days=60), -2)],
        moments=[(TODAY, "enraged", 2)],
    )
    # weights: 1 (today), 0.5 (one half-life ago), 2 (a moment of intensity 2, today)
    assert voice.weighted == pytest.approx(1 - 0.5 - 2)
    assert gaps.customer_voice(voice, CONFIG) == pytest.approx(
        -1.5 / (1.5 + CONFIG.voice_half_marks)
    )


def test_customer_voice_forgets_what_is_older_than_its_window():
    old = TODAY - timedelta(days=CONFIG.voice_days)
    voice = gaps.voice_inputs(today=TODAY, config=CONFIG, inbound_sentiments=[(old, -2)])
    assert gaps.customer_voice(voice, CONFIG) is None


@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(-2, 2)), max_size=8),
    st.lists(st.tuples(st.integers(0, 400), st.floats(-1, 1)), max_size=5),
)
def test_customer_voice_stays_on_the_happiness_scale(said, answers):
    voice = gaps.voice_inputs(
        today=TODAY,
        config=CONFIG,
        inbound_sentiments=[(TODAY - timedelta(days=age), value) for age, value in said],
        survey_answers=[(TODAY - timedelta(days=age), value) for age, value in answers],
    )
    value = gaps.customer_voice(voice, CONFIG)
    assert (value is None) == (voice.inputs == 0)
    assert value is None or -1 <= value <= 1


def months(*values, seats_used=None, features=(None, None)):
    return [
        UsagePoint(date(2026, month, 1), seats_used, value, *features)
        for month, value in enumerate(values, start=1)
    ]


def test_product_usage_falls_with_usage_against_its_own_baseline():
    parts = gaps.usage_parts(months(100, 100, 100, 75), seats_purchased=None, config=CONFIG)
    assert parts == {"trend": pytest.approx(-0.5), "seats": None, "features": None}
    steady = months(100, 100, 100, 100, seats_used=40, features=(8, 10))
    parts = gaps.usage_parts(steady, seats_purchased=50, config=CONFIG)
    assert parts == {
        "trend": pytest.approx(0),
        "seats": pytest.approx(0.6),
        "features": pytest.approx(0.6),
    }
    assert gaps.product_usage(steady, seats_purchased=50, config=CONFIG) == pytest.approx(0.3)


def test_product_usage_reads_only_the_baseline_periods_before_the_latest():
    # the 1,000 of January is outside the three periods before the latest one
    parts = gaps.usage_parts(months(1000, 100, 100, 100, 150), seats_purchased=None, config=CONFIG)
    assert parts["trend"] == pytest.approx(1.0)


def test_product_usage_is_unknown_without_usage():
    assert gaps.product_usage([], seats_purchased=10, config=CONFIG) is None


@given(
    st.lists(st.one_of(st.none(), st.floats(0, 1e6)), min_size=1, max_size=6),
    st.integers(0, 500),
    st.one_of(st.none(), st.integers(1, 500)),
)
def test_product_usage_stays_on_the_happiness_scale(values, users, seats):
    value = gaps.product_usage(
        months(*values, seats_used=users, features=(3, 5)), seats_purchased=seats, config=CONFIG
    )
    assert value is not None
    assert -1 <= value <= 1


def test_csm_perception_fades_towards_neutral_and_expires():
    assert gaps.csm_perception((TODAY, 5), today=TODAY, config=CONFIG) == 1.0
    half = TODAY - timedelta(days=60)
    assert gaps.csm_perception((half, 1), today=TODAY, config=CONFIG) == pytest.approx(-0.5)
    old = TODAY - timedelta(days=CONFIG.pulse_max_age_days + 1)
    assert gaps.csm_perception((old, 5), today=TODAY, config=CONFIG) is None
    assert gaps.csm_perception(None, today=TODAY, config=CONFIG) is None


# --- the case lifecycle ------------------------------------------------------------------
# CONFIG: a gap from a spread of 0.6 on; the factors agree below 0.4 (margin 0.2).

GAP = gaps.Gap(1.0, "generic")
AGREE = gaps.Gap(0.1, "")
BETWEEN = gaps.Gap(0.5, "")  # no longer a gap, not agreement yet


def case(pk, gap_class="generic", state="detected", closed_days_ago=None, converged=False):
    closed_on = TODAY - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    return gaps.CaseView(pk, gap_class, state, closed_on, converged)


def plan(gap, *cases):
    return gaps.case_plan(gap, cases, today=TODAY, config=CONFIG)


def test_spread_standing_has_a_margin_between_disagreeing_and_agreeing():
    assert [gaps.standing(size, CONFIG) for size in (None, 0.0, 0.39, 0.4, 0.59, 0.6, 2.0)] == [
        "", "agree", "agree", "between", "between", "disagree", "disagree"
    ]  # fmt: skip
    assert CONFIG.agree_below == pytest.approx(0.4)


def test_config_refuses_a_margin_that_leaves_no_room_between_the_thresholds():
    for margin in (0.0, -0.1, 0.6, 0.9):
        with pytest.raises(ValueError, match="closing margin"):
            GapConfig(threshold=0.6, close_margin=margin)


def test_case_plan_opens_one_case_and_only_one():
    assert plan(GAP) == gaps.CasePlan(create="generic")
    assert plan(GAP, case(1)) == gaps.CasePlan()


def test_case_plan_reclassifies_the_open_case_instead_of_opening_a_second():
    uses = gaps.Gap(1.0, "uses_needs_unmet")
    assert plan(uses, case(1)) == gaps.CasePlan(reclassify=(1, "uses_needs_unmet"))
    assert plan(uses, case(1, state="investigating", converged=True)) == gaps.CasePlan(
        reclassify=(1, "uses_needs_unmet"), diverged=[1]
    )


def test_case_plan_marks_a_case_converged_only_once_the_factors_agree():
    assert plan(BETWEEN, case(1)) == gaps.CasePlan()  # just below the threshold: still open
    assert plan(AGREE, case(1)) == gaps.CasePlan(converged=[1])
    assert plan(BETWEEN, case(1, converged=True)) == gaps.CasePlan()  # still agreeing
    assert plan(GAP, case(1, converged=True)) == gaps.CasePlan(diverged=[1])


def test_case_plan_leaves_cases_alone_when_the_spread_is_unknown():
    assert plan(gaps.Gap(None, ""), case(1)) == gaps.CasePlan()


def test_case_plan_reopens_a_recently_resolved_case_whose_gap_came_back():
    resolved = case(1, state="resolved", closed_days_ago=10, converged=True)
    assert plan(GAP, resolved) == gaps.CasePlan(reopen=1)
    # as another class: the same case reopens, reclassified
    assert plan(gaps.Gap(1.0, "uses_needs_unmet"), resolved) == gaps.CasePlan(
        reopen=1, reclassify=(1, "uses_needs_unmet")
    )
    # the gap went away after the resolution: remember it
    assert plan(AGREE, case(1, state="resolved", closed_days_ago=10)) == gaps.CasePlan(
        converged=[1]
    )


def test_case_plan_respects_a_resolution_while_the_gap_is_still_there_until_it_comes_back():
    still_there = case(1, state="resolved", closed_days_ago=10)
    assert plan(GAP, still_there) == gaps.CasePlan()
    assert plan(gaps.Gap(1.0, "uses_needs_unmet"), still_there) == gaps.CasePlan()
    dismissed = case(1, state="dismissed", closed_days_ago=10)
    assert plan(GAP, dismissed) == gaps.CasePlan()
    # within the window the gap goes, then comes back: the resolved case reopens
    went = case(1, state="resolved", closed_days_ago=10, converged=True)
    assert plan(GAP, went, case(2, state="resolved", closed_days_ago=40)) == gaps.CasePlan(reopen=1)


def test_case_plan_opens_a_new_case_after_the_reopen_window_or_a_dismissal():
    long_ago = case(1, state="resolved", closed_days_ago=CONFIG.reopen_days + 1, converged=True)
    assert plan(GAP, long_ago) == gaps.CasePlan(create="generic")
    dismissed = case(1, state="dismissed", closed_days_ago=5, converged=True)
    assert plan(GAP, dismissed) == gaps.CasePlan(create="generic")


margins = st.floats(0.05, 2).flatmap(
    lambda threshold: st.builds(
        GapConfig, threshold=st.just(threshold), close_margin=st.floats(0.01, threshold - 0.01)
    )
)


@given(margins, factor, factor, factor)
def test_detection_and_agreement_thresholds_are_ordered(config, voice, usage, csm):
    assert 0 < config.agree_below < config.threshold
    gap = gaps.detect(Factors(voice, usage, csm), config)
    where = gaps.standing(gap.size, config)
    assert (gap.gap_class != "") == (where == gaps.DISAGREE)
    if where == gaps.AGREE:
        assert gap.size < config.agree_below
    if where == gaps.BETWEEN:
        assert config.agree_below - 1e-9 <= gap.size < config.threshold


def apply(result: gaps.CasePlan, cases: dict[int, gaps.CaseView]) -> None:
    """What gap_cases_sync writes for `result`, on the cases by pk."""
    for pk in result.converged + result.diverged:
        cases[pk] = replace(cases[pk], converged=pk in result.converged)
    if result.reopen:
        cases[result.reopen] = replace(
            cases[result.reopen], state="detected", closed_on=None, converged=False
        )
    if result.reclassify:
        pk, gap_class = result.reclassify
        cases[pk] = replace(cases[pk], gap_class=gap_class)
    if result.create:
        pk = max(cases, default=0) + 1
        cases[pk] = gaps.CaseView(pk, result.create, "detected")


# Days of readings: days since the one before, the three factors (often the same few values,
# so that gaps come back), and whether someone then resolves or dismisses the open case.
reading = st.one_of(st.sampled_from([None, -1.0, -0.5, 0.0, 0.5, 1.0]), factor)
readings = st.lists(
    st.tuples(
        st.integers(1, 40),
        reading,
        reading,
        reading,
        st.sampled_from(["", "resolved", "dismissed"]),
    ),
    max_size=12,
)


def lifecycle(config, days):
    """Detection day after day, its plan applied, people closing cases: each day's gap, the
    cases before and after it, and the plan a second detection would make."""
    cases: dict[int, gaps.CaseView] = {}
    today = TODAY
    for elapsed, voice, usage, csm, close in days:
        today += timedelta(days=elapsed)
        gap = gaps.detect(Factors(voice, usage, csm), config)
        before = dict(cases)
        apply(gaps.case_plan(gap, cases.values(), today=today, config=config), cases)
        again = gaps.case_plan(gap, cases.values(), today=today, config=config)
        yield gap, before, dict(cases), again
        open_cases = [c for c in cases.values() if c.state in gaps.OPEN_STATES]
        if close and open_cases:
            cases[open_cases[0].pk] = replace(open_cases[0], state=close, closed_on=today)


@given(margins, readings)
def test_an_account_has_at_most_one_open_case_and_detection_is_idempotent(config, days):
    for _gap, _before, cases, again in lifecycle(config, days):
        assert sum(c.state in gaps.OPEN_STATES for c in cases.values()) <= 1
        assert again == gaps.CasePlan()


@given(margins, readings)
def test_a_case_is_never_converged_when_its_gap_is_detected(config, days):
    for gap, _before, cases, _again in lifecycle(config, days):
        if gap.gap_class:
            for case in cases.values():
                if case.state in gaps.OPEN_STATES:
                    assert (case.gap_class, case.converged) == (gap.gap_class, False)


@given(margins, readings)
def test_a_case_mark_changes_only_when_the_spread_crosses_a_threshold(config, days):
    """No flicker: converged only once the factors agree, unmarked only at a detected gap."""
    for gap, before, cases, _again in lifecycle(config, days):
        where = gaps.standing(gap.size, config)
        for pk, case in cases.items():
            was = before.get(pk)
            if was is not None and was.state == case.state and was.converged != case.converged:
                assert where == (gaps.AGREE if case.converged else gaps.DISAGREE)


# --- the workflow ------------------------------------------------------------------------


def test_can_move_allows_the_open_states_and_closing():
    assert gaps.can_move("detected", "acknowledged") == ""
    assert gaps.can_move("action_planned", "investigating") == ""
    assert gaps.can_move("investigating", "resolved") == ""
    assert gaps.can_move("detected", "dismissed") == ""


@pytest.mark.parametrize(
    ("state", "to", "words"),
    [
        ("dismissed", "resolved", "dismissed"),
        ("resolved", "investigating", "reopens by itself"),
        ("acknowledged", "detected", "Only detection"),
        ("acknowledged", "acknowledged", "already"),
        ("acknowledged", "lost", "Unknown"),
    ],
)
def test_can_move_refuses_with_a_reason(state, to, words):
    assert words in gaps.can_move(state, to)
