"""The pure fit and its metrics: labels, non-negative weights, cuts, folds, calibration."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationships.scoring import fitting
from relationships.scoring.model import DEFAULT_WEIGHTS, OBSERVED
from tests.fuzz import FUZZ

TODAY = dt.date(2026, 6, 1)

component = st.one_of(st.none(), st.floats(0, 1))
row = st.fixed_dictionaries(dict.fromkeys(OBSERVED, component))


@st.composite
def labelled(draw, minimum=5):
    """Rows with labels, at least `minimum` of each class (enough for 5 folds)."""
    strong = draw(st.lists(row, min_size=minimum, max_size=30))
    weak = draw(st.lists(row, min_size=minimum, max_size=30))
    return strong + weak, [True] * len(strong) + [False] * len(weak)


def test_label_the_customer_s_words_come_first():
    common = {"churned": True, "active": False, "customer_since": None, "today": TODAY}
    assert fitting.label(stated=0.8, strength=1, **common) is True
    assert fitting.label(stated=0.6, strength=5, **common) is False
    # A passive answer labels nobody, whatever the CSM says.
    assert fitting.label(stated=0.7, strength=5, **common) is None


def test_label_then_the_csm_s_rating_then_the_renewal():
    renewed = {"customer_since": TODAY - dt.timedelta(days=400), "today": TODAY}
    assert fitting.label(stated=None, strength=4, churned=True, active=False, **renewed) is True
    assert fitting.label(stated=None, strength=2, churned=False, active=True, **renewed) is False
    assert fitting.label(stated=None, strength=3, churned=True, active=False, **renewed) is None
    assert fitting.label(stated=None, strength=None, churned=True, active=False, **renewed) is False
    assert fitting.label(stated=None, strength=None, churned=False, active=True, **renewed) is True


def test_label_an_account_younger_than_a_year_has_not_renewed():
    young = TODAY - dt.timedelta(days=300)
    labelled = fitting.label(
        stated=None, strength=None, churned=False, active=True, customer_since=young, today=TODAY
    )
    assert labelled is None


@FUZZ
@given(st.lists(st.floats(0, 100), min_size=len(OBSERVED), max_size=len(OBSERVED)),
       st.integers(0, 100))  # fmt: skip
def test_to_weights_are_non_negative_hundredths_summing_to_the_total(coefficients, hundredths):
    total = hundredths / 100
    weights = fitting.to_weights(coefficients, total)
    assert list(weights) == list(OBSERVED)
    assert all(w >= 0 for w in weights.values())
    assert sum(round(w * 100) for w in weights.values()) == hundredths
    assert all(round(w * 100) == pytest.approx(w * 100) for w in weights.values())


@FUZZ
@given(labelled(minimum=1), st.integers(1, 100))
def test_fitted_weights_are_non_negative_and_sum_to_the_total(data, hundredths):
    rows, strong = data
    weights = fitting.fit_weights(rows, strong, hundredths / 100)
    assert all(w >= 0 for w in weights.values())
    assert sum(round(w * 100) for w in weights.values()) == hundredths


def test_the_fit_puts_the_weight_on_the_component_that_predicts():
    rng = np.random.default_rng(7)
    rows, strong = [], []
    for n in range(400):
        good = n % 2 == 0
        values = {name: float(rng.uniform(0, 1)) for name in OBSERVED}
        values["engagement"] = float(rng.uniform(0.5, 1) if good else rng.uniform(0, 0.5))
        rows.append(values)
        strong.append(good)
    weights = fitting.fit_weights(rows, strong, 0.75)
    assert max(weights, key=weights.get) == "engagement"
    assert weights["engagement"] >= 0.5


@FUZZ
@given(st.lists(st.floats(0, 1), min_size=2, max_size=12),
       st.lists(st.floats(0, 1), min_size=2, max_size=12), st.integers(0, 2**16))  # fmt: skip
def test_a_perfectly_separating_component_has_auc_1(weak_values, strong_values, seed):
    """Strong people's sentiment all above weak people's: every fold's AUC is 1, for the
    current weights (only sentiment) and for weights fitted on the training folds."""
    rows = [{"sentiment": 0.4 * v} for v in weak_values]
    rows += [{"sentiment": 0.6 + 0.4 * v} for v in strong_values]
    strong = [False] * len(weak_values) + [True] * len(strong_values)
    only_sentiment = {name: 1.0 if name == "sentiment" else 0.0 for name in OBSERVED}
    current, fitted = fitting.cross_validate(
        rows, strong, current=only_sentiment, folds=2, seed=seed
    )
    assert current.fold_roc_auc == pytest.approx((1.0,) * 2)
    assert fitted.fold_roc_auc == pytest.approx((1.0,) * 2)


@FUZZ
@given(st.lists(st.tuples(st.floats(1, 5), st.booleans()), max_size=60))
def test_calibration_counts_add_up_to_the_examples(examples):
    values = [v for v, _ in examples]
    strong = [s for _, s in examples]
    bands = fitting.calibration(values, strong)
    assert [f"{b.low:g}-{b.high:g}" for b in bands] == ["1-2", "2-3", "3-4", "4-5"]
    assert sum(b.people for b in bands) == len(examples)
    assert sum(b.strong for b in bands) == sum(strong)
    assert all(0 <= b.strong <= b.people for b in bands)


def test_calibration_puts_a_boundary_score_in_the_band_it_starts():
    bands = fitting.calibration([1.0, 2.0, 3.0, 4.0, 5.0], [False, False, True, True, True])
    assert [(b.people, b.strong) for b in bands] == [(1, 0), (1, 0), (1, 1), (2, 2)]


def test_the_best_cut_separates_two_scores_a_float_apart():
    values = np.array([1.0, np.nextafter(1.0, 2.0)])
    strong = np.array([False, True])
    assert fitting.accuracy_at(values, strong, fitting.best_cut(values, strong)) == 1.0


@FUZZ
@given(st.lists(st.tuples(st.floats(1, 5), st.booleans()), min_size=1, max_size=40))
def test_the_best_cut_is_as_good_as_any_cut(examples):
    values = np.array([v for v, _ in examples])
    strong = np.array([s for _, s in examples])
    best = fitting.accuracy_at(values, strong, fitting.best_cut(values, strong))
    for cut in [*values, 6.0]:
        assert best >= fitting.accuracy_at(values, strong, cut)


@FUZZ
@given(labelled(minimum=2), st.integers(0, 2**16))
def test_metrics_are_the_same_for_the_same_seed(data, seed):
    rows, strong = data
    first = fitting.cross_validate(rows, strong, current=DEFAULT_WEIGHTS, folds=2, seed=seed)
    second = fitting.cross_validate(rows, strong, current=DEFAULT_WEIGHTS, folds=2, seed=seed)
    assert first == second


def test_scores_are_the_models_observed_part_and_nothing_observed_is_no_relationship():
    weights = DEFAULT_WEIGHTS
    everything = dict.fromkeys(OBSERVED, 1.0)
    assert list(fitting.scores([{}, everything], weights)) == [1.0, 5.0]
