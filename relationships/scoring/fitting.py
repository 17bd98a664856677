"""Learned weights for the observed components, and how well a score tells strong from weak.

Pure: numpy, scipy and scikit-learn, and the scoring model; no Django. The database side
(labels and component values read from the ORM, the proposed version and the stored
evaluations) is `relationships.scoring.evaluation`.

The fit is a logistic regression with non-negative coefficients over the observed components'
values: P(strong) = sigmoid(b + sum of w_i x_i) with every w_i >= 0, fitted by scipy's
L-BFGS-B with bounds on the mean logistic loss (plus a small L2 penalty that keeps the fit
finite when the labels are separable). scikit-learn's `LogisticRegression` has no positive=
option and clipping its coefficients afterwards would no longer be the fitted model, so the
loss is minimised directly. The coefficients, normalised to a given total, are the weights:
the score keeps its shape and stays explainable. A component without data counts as the model
counts it (`NO_EVIDENCE`: no evidence, nothing open).

Every score here is the score's own observed part as the model computes it (`observed_part`,
as 1..5), so the fitted weights are judged as they would score once adopted; both the current
weights and the fitted ones are judged the same way on the same folds: the
accuracy at the cut that is best on the training folds, applied to the test fold, and the ROC
AUC on the test fold (each the mean over the folds).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.optimize import minimize
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from relationships.scoring.model import NO_EVIDENCE, OBSERVED, observed_part

PENALTY = 1e-3  # L2 on the coefficients, per example
STRONG_FEELING, WEAK_FEELING = 0.75, 0.6  # an NPS of 6 is 0.6: a detractor
STRONG_RATING, WEAK_RATING = 4, 2
RENEWED_AFTER = timedelta(days=365)
BANDS = ((1.0, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 5.0))


def label(
    *,
    stated: float | None,
    strength: int | None,
    churned: bool,
    customer_since: date | None,
    active: bool,
    today: date,
) -> bool | None:
    """Strong (True), weak (False) or no label, from the first source that has one, in order:

    1. the customer's own words: the mean feeling (0..1) of their latest survey answers,
       >= 0.75 strong, <= 0.6 weak, in between no label (a passive answer is not overruled by
       the CSM);
    2. else the CSM's strength rating (1-5): >= 4 strong, <= 2 weak, 3 no label;
    3. else the renewal outcome of their account: churned is weak; active and a customer for
       more than a year (so it has renewed) is strong; anything else no label.
    """
    if stated is not None:
        stated = round(stated, 6)  # a mean of answers: (0.4 + 0.8) / 2 is 0.6, a detractor
        return True if stated >= STRONG_FEELING else False if stated <= WEAK_FEELING else None
    if strength is not None:
        return True if strength >= STRONG_RATING else False if strength <= WEAK_RATING else None
    if churned:
        return False
    if active and customer_since is not None and customer_since < today - RENEWED_AFTER:
        return True
    return None


def features(rows: Sequence[Mapping[str, float | None]], names=OBSERVED) -> np.ndarray:
    """One row per example, one column per component; a missing value counts as the model
    counts it."""
    return np.array(
        [[NO_EVIDENCE[n] if row.get(n) is None else float(row[n]) for n in names] for row in rows],
        dtype=float,
    ).reshape(len(rows), len(names))


def scores(rows: Sequence[Mapping[str, float | None]], weights: Mapping[str, float]) -> np.ndarray:
    """The observed part of the score as 1..5 (1 + 4 x `observed_part`) of each example under
    these weights; 1, no relationship, for someone with nothing observed."""
    return np.array([1 + 4 * (observed_part(row, weights) or 0.0) for row in rows], dtype=float)


def _loss(params: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean logistic loss plus the L2 penalty, and its gradient; params = (b, w...)."""
    z = params[0] + x @ params[1:]
    # log(1 + e^z) - y z, computed without overflow
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * PENALTY * params[1:] @ params[1:]
    error = (1.0 / (1.0 + np.exp(-z)) - y) / len(y)
    gradient = np.concatenate(([error.sum()], x.T @ error + PENALTY * params[1:]))
    return float(loss), gradient


def fit_coefficients(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The non-negative coefficients of the logistic regression of y (0/1) on x's columns."""
    start = np.zeros(x.shape[1] + 1)
    bounds = [(None, None)] + [(0.0, None)] * x.shape[1]
    result = minimize(_loss, start, args=(x, y.astype(float)), jac=True, method="L-BFGS-B",
                      bounds=bounds)  # fmt: skip
    return np.clip(result.x[1:], 0.0, None)  # the bounds hold; the clip only removes -0.0


def to_weights(coefficients: Sequence[float], total: float, names=OBSERVED) -> dict[str, float]:
    """Coefficients scaled to sum to `total`, in hundredths (as a version stores them), the
    rounding remainders given to the largest fractions so the sum stays exact. Coefficients
    that are all zero (nothing predicts the labels) share the total equally."""
    coefficients = [max(0.0, float(c)) for c in coefficients]
    whole = sum(coefficients)
    shares = [c / whole for c in coefficients] if whole > 0 else [1 / len(names)] * len(names)
    hundredths = round(total * 100)
    raw = [share * hundredths for share in shares]
    floors = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (floors[i] - raw[i], i))
    for i in by_remainder[: hundredths - sum(floors)]:
        floors[i] += 1
    return {name: f / 100 for name, f in zip(names, floors, strict=True)}


def fit_weights(
    rows: Sequence[Mapping[str, float | None]], strong: Sequence[bool], total: float
) -> dict[str, float]:
    """The observed components' weights fitted to the labels, summing to `total`."""
    return to_weights(fit_coefficients(features(rows), np.asarray(strong, dtype=float)), total)


def best_cut(values: np.ndarray, strong: np.ndarray) -> float:
    """The cut (strong if score >= cut) that classifies these examples best, halfway between
    the two scores it falls between (so a new example near either side is judged by the side
    it is nearer; the higher one when no float lies between them); of equally good cuts, the
    lowest."""
    order = np.argsort(values, kind="stable")
    ordered, labels = values[order], strong[order].astype(int)
    # Cutting just below ordered[i] calls examples i.. strong: weak below + strong from i on.
    weak_below = np.concatenate(([0], np.cumsum(1 - labels)))
    strong_from = np.concatenate((np.cumsum(labels[::-1])[::-1], [0]))
    right = weak_below + strong_from
    # A cut falls between two different scores (or below all, or above all).
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1], [True]))
    best = int(np.flatnonzero(starts)[np.argmax(right[starts])])
    if best == 0:
        return float(ordered[0]) - 0.5
    if best == len(ordered):
        return float(ordered[-1]) + 0.5
    below, above = float(ordered[best - 1]), float(ordered[best])
    middle = (below + above) / 2
    return middle if middle > below else above


def accuracy_at(values: np.ndarray, strong: np.ndarray, cut: float) -> float:
    return float(np.mean((values >= cut) == strong.astype(bool)))


@dataclass(frozen=True)
class Metrics:
    """How well a score tells strong from weak, cross-validated: means over the folds."""

    accuracy: float
    roc_auc: float
    fold_accuracy: tuple[float, ...]
    fold_roc_auc: tuple[float, ...]


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    people: int
    strong: int

    @property
    def strong_share(self) -> float | None:
        return self.strong / self.people if self.people else None

    def as_dict(self) -> dict:
        return {"band": f"{self.low:g}-{self.high:g}", "people": self.people,
                "strong": self.strong, "strong_share": self.strong_share}  # fmt: skip


def calibration(values: Sequence[float], strong: Sequence[bool]) -> list[Band]:
    """Per score band (1-2, 2-3, 3-4, 4-5; the last includes 5): how many labelled people
    score in it and how many of them are labelled strong. Every example falls in one band."""
    bands = []
    for index, (low, high) in enumerate(BANDS):
        last = index == len(BANDS) - 1
        inside = [
            s for v, s in zip(values, strong, strict=True)
            if (index == 0 or v >= low) and (v < high or last)
        ]  # fmt: skip
        bands.append(Band(low, high, len(inside), sum(bool(s) for s in inside)))
    return bands


def _metrics(accuracies: list[float], aucs: list[float]) -> Metrics:
    return Metrics(float(np.mean(accuracies)), float(np.mean(aucs)), tuple(accuracies),
                   tuple(aucs))  # fmt: skip


def cross_validate(
    rows: Sequence[Mapping[str, float | None]],
    strong: Sequence[bool],
    *,
    current: Mapping[str, float],
    folds: int = 5,
    seed: int = 0,
    fit: bool = True,
) -> tuple[Metrics, Metrics | None]:
    """k-fold metrics of the current weights and (with `fit`) of weights fitted on each
    training fold, on the same stratified folds. The fitted weights sum to the current
    observed weights' total, rounded as a version stores them, so what is judged is what
    would be saved."""
    y = np.asarray(strong, dtype=bool)
    total = sum(current.get(name, 0.0) for name in OBSERVED)
    current_scores = scores(rows, current)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    current_acc, current_auc, fitted_acc, fitted_auc = [], [], [], []
    for train, test in splitter.split(np.zeros(len(y)), y):
        cut = best_cut(current_scores[train], y[train])
        current_acc.append(accuracy_at(current_scores[test], y[test], cut))
        current_auc.append(float(roc_auc_score(y[test], current_scores[test])))
        if not fit:
            continue
        weights = fit_weights([rows[i] for i in train], y[train], total)
        fitted = scores(rows, weights)
        cut = best_cut(fitted[train], y[train])
        fitted_acc.append(accuracy_at(fitted[test], y[test], cut))
        fitted_auc.append(float(roc_auc_score(y[test], fitted[test])))
    return (
        _metrics(current_acc, current_auc),
        _metrics(fitted_acc, fitted_auc) if fit else None,
    )


def metrics_line(name: str, metrics: Metrics) -> str:
    folds = ", ".join(f"{a:.1%}" for a in metrics.fold_accuracy)
    return (
        f"  {name:<16} accuracy {metrics.accuracy:6.1%}  ROC AUC {metrics.roc_auc:.3f}"
        f"  (accuracy by fold: {folds})"
    )


def calibration_lines(bands: Sequence[Band]) -> list[str]:
    """The calibration table as text: score band, labelled people, share labelled strong."""
    lines = ["  score band   people   strong"]
    for band in bands:
        share = "-" if band.strong_share is None else f"{band.strong_share:.0%}"
        lines.append(f"  {band.low:g}-{band.high:g}{'':8} {band.people:7,}   {share:>6}")
    return lines
