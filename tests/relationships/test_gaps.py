"""The pure gap model: factors, detection, classification, the case lifecycle, the workflow."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationships import gaps
from relationships.gaps import Factors, GapConfig, UsagePoint

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
    assert voice.weight == pytest.approx(3.5)
    assert gaps.customer_voice(voice) == pytest.approx((1 - 0.5 - 2) / 3.5)


def test_customer_voice_forgets_what_is_older_than_its_window():
    old = TODAY - timedelta(days=CONFIG.voice_days)
    voice = gaps.voice_inputs(today=TODAY, config=CONFIG, inbound_sentiments=[(old, -2)])
    assert gaps.customer_voice(voice) is None


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
    value = gaps.customer_voice(voice)
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


def case(pk, gap_class="generic", state="detected", closed_days_ago=None, converged=False):
    closed_on = TODAY - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    return gaps.CaseView(pk, gap_class, state, closed_on, converged)


def plan(gap_class, *cases):
    return gaps.case_plan(gap_class, cases, today=TODAY, config=CONFIG)


def test_case_plan_opens_one_case_and_only_one():
    assert plan("generic") == gaps.CasePlan(create="generic")
    assert plan("generic", case(1)) == gaps.CasePlan()
    assert plan("", case(1)) == gaps.CasePlan(converged=[1])


def test_case_plan_marks_converged_cases_and_unmarks_them_when_the_gap_returns():
    assert plan("", case(1, converged=True)) == gaps.CasePlan()
    assert plan("generic", case(1, converged=True)) == gaps.CasePlan(diverged=[1])
    # another class now: the old case's gap has gone, a new case opens
    assert plan("uses_needs_unmet", case(1)) == gaps.CasePlan(
        create="uses_needs_unmet", converged=[1]
    )


def test_case_plan_reopens_a_recently_resolved_case_whose_gap_came_back():
    resolved = case(1, state="resolved", closed_days_ago=10, converged=True)
    assert plan("generic", resolved) == gaps.CasePlan(reopen=1)
    # the gap went away after the resolution: remember it
    assert plan("", case(1, state="resolved", closed_days_ago=10)) == gaps.CasePlan(converged=[1])


def test_case_plan_respects_a_resolution_while_the_gap_is_still_there():
    still_there = case(1, state="resolved", closed_days_ago=10)
    assert plan("generic", still_there) == gaps.CasePlan()
    dismissed = case(1, state="dismissed", closed_days_ago=10)
    assert plan("generic", dismissed) == gaps.CasePlan()


def test_case_plan_opens_a_new_case_after_the_reopen_window_or_a_dismissal():
    long_ago = case(1, state="resolved", closed_days_ago=CONFIG.reopen_days + 1, converged=True)
    assert plan("generic", long_ago) == gaps.CasePlan(create="generic")
    dismissed = case(1, state="dismissed", closed_days_ago=5, converged=True)
    assert plan("generic", dismissed) == gaps.CasePlan(create="generic")


@given(
    st.sampled_from(["", *gaps.CLASS_LABELS]),
    st.lists(
        st.tuples(
            st.sampled_from(list(gaps.CLASS_LABELS)),
            st.sampled_from(gaps.OPEN_STATES + gaps.CLOSED_STATES),
            st.integers(0, 120),
            st.booleans(),
        ),
        max_size=6,
    ),
)
def test_case_plan_never_leaves_two_open_cases_of_a_class(detected, rows):
    cases, open_classes = [], set()
    for pk, (gap_class, state, days, converged) in enumerate(rows, start=1):
        if state in gaps.OPEN_STATES:
            if gap_class in open_classes:
                continue  # the database allows one open case per class
            open_classes.add(gap_class)
        closed = days if state in gaps.CLOSED_STATES else None
        cases.append(case(pk, gap_class, state, closed, converged))
    result = plan(detected, *cases)
    if result.create:
        assert result.create == detected
        assert detected not in open_classes
        assert result.reopen is None
    if result.reopen:
        assert not result.create
    assert not set(result.converged) & set(result.diverged)
    # applying the plan and planning again changes nothing: detection is idempotent
    applied = []
    for c in cases:
        converged = c.converged
        if c.pk in result.converged:
            converged = True
        if c.pk in result.diverged:
            converged = False
        state, closed_on = c.state, c.closed_on
        if c.pk == result.reopen:
            state, closed_on, converged = "detected", None, False
        applied.append(gaps.CaseView(c.pk, c.gap_class, state, closed_on, converged))
    if result.create:
        applied.append(gaps.CaseView(99, result.create, "detected"))
    assert gaps.case_plan(detected, applied, today=TODAY, config=CONFIG) == gaps.CasePlan()


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
