"""How accurate the score is, and weights fitted to the organisation's own labels.

The database side of `relationships.scoring.fitting`: the labels and the component values are
read set-based (a handful of queries, whatever the number of people), and the results are
written as `ScoringEvaluation` rows and, for a fit, a *proposed* `ScoringConfiguration` version
that is not in use until an admin adopts it (`configuration_adopt`). docs/scoring.md, "Learned
weights and their accuracy", explains the labels and how to read the figures.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Account
from core.queue import enqueue_on_commit
from relationships.models import (
    ScoringConfiguration,
    ScoringEvaluation,
    Stakeholder,
    StakeholderScore,
    StatedFeeling,
)
from relationships.scoring import fitting
from relationships.scoring.config import WEIGHT_FIELDS, configs_in_use, version_in_use
from relationships.scoring.model import OBSERVED

FIT_MINIMUM = 30  # labels of each class the fit needs
EVALUATE_MINIMUM = 10  # labels of each class an evaluation needs
SOURCES = ("survey", "rating", "renewal")
WHERE_LABELS_COME_FROM = (
    "Labels come, one per person with a score, from their latest survey answers (a feeling of "
    "0.75 or more is strong, 0.6 or less weak), else their CSM's strength rating (4-5 strong, "
    "1-2 weak), else their account's renewal (churned is weak; active and a customer for more "
    "than a year is strong)."
)
# What a proposed version does not copy from the version in use.
NOT_COPIED = {"id", "created_at", "created_by", "adopted_at", "note"}


class TooFewLabels(ValueError):
    """Not enough strong or weak labels to fit or to evaluate; the message says how many."""


@dataclass
class Labels:
    """Labelled people: their observed component values and whether they are strong."""

    rows: list[dict[str, float | None]] = field(default_factory=list)
    strong: list[bool] = field(default_factory=list)
    by_source: Counter = field(default_factory=Counter)  # (source, strong) -> people
    unscored: int = 0  # labelled people without a score snapshot (not counted)

    @property
    def strong_count(self) -> int:
        return sum(self.strong)

    @property
    def weak_count(self) -> int:
        return len(self.strong) - self.strong_count

    @property
    def majority_share(self) -> float:
        """How often always naming the larger class is right: the accuracy to beat."""
        return max(self.strong_count, self.weak_count) / len(self.strong) if self.strong else 0.0

    def summary(self) -> str:
        parts = [
            f"{source}: {self.by_source[source, True]} strong, {self.by_source[source, False]} weak"
            for source in SOURCES
        ]
        return f"{self.strong_count} strong and {self.weak_count} weak ({'; '.join(parts)})"

    def require(self, minimum: int, what: str) -> None:
        if min(self.strong_count, self.weak_count) >= minimum:
            return
        unscored = (
            f" {self.unscored} more labelled people have no score yet (run recompute_scores)."
            if self.unscored
            else ""
        )
        raise TooFewLabels(
            f"Too few labels to {what}: found {self.summary()}; at least {minimum} of each "
            f"are needed.{unscored} {WHERE_LABELS_COME_FROM}"
        )


def _stated_feelings() -> dict[int, float]:
    """Each person's mean stated feeling on the latest day they stated one."""
    latest = (
        StatedFeeling.objects.filter(stakeholder=OuterRef("stakeholder"))
        .order_by("-stated_on")
        .values("stated_on")[:1]
    )
    return dict(
        StatedFeeling.objects.filter(stated_on=Subquery(latest))
        .order_by()
        .values("stakeholder_id")
        .annotate(feeling=Avg("feeling"))
        .values_list("stakeholder_id", "feeling")
    )


def _latest_components() -> dict[int, dict]:
    """Each person's component values from their latest score snapshot."""
    newest = (
        StakeholderScore.objects.filter(stakeholder=OuterRef("pk")).order_by("-day").values("pk")
    )[:1]
    latest_ids = Stakeholder.objects.annotate(snapshot=Subquery(newest)).values("snapshot")
    return dict(
        StakeholderScore.objects.filter(pk__in=latest_ids).values_list(
            "stakeholder_id", "components"
        )
    )


def labels_read(*, today: dt.date | None = None) -> Labels:
    """Every labelled person who has a score, with their observed component values (the CSM's
    rating is a label source, so only observed components are features)."""
    today = today or timezone.localdate()
    stated = _stated_feelings()
    components = _latest_components()
    labels = Labels()
    people = Stakeholder.objects.values_list(
        "pk", "strength", "account__status", "account__customer_since"
    )
    for pk, strength, status, since in people.iterator(chunk_size=5000):
        strong = fitting.label(
            stated=stated.get(pk),
            strength=strength,
            churned=status == Account.Status.CHURNED,
            active=status == Account.Status.ACTIVE,
            customer_since=since,
            today=today,
        )
        if strong is None:
            continue
        if pk not in components:
            labels.unscored += 1
            continue
        parts = components[pk]
        labels.rows.append({name: parts.get(name, {}).get("value") for name in OBSERVED})
        labels.strong.append(strong)
        source = "survey" if pk in stated else "rating" if strength is not None else "renewal"
        labels.by_source[source, strong] += 1
    return labels


@dataclass(frozen=True)
class Evaluation:
    labels: Labels
    current: fitting.Metrics
    calibration: list[fitting.Band]
    stored: ScoringEvaluation | None


@dataclass(frozen=True)
class Fit:
    labels: Labels
    current: fitting.Metrics
    fitted: fitting.Metrics
    weights: dict[str, float]
    proposed: ScoringConfiguration
    calibration: list[fitting.Band]  # of the fitted weights, on every label


def _store(configuration, kind, folds, labels, metrics, bands) -> ScoringEvaluation:
    return ScoringEvaluation.objects.create(
        configuration=configuration,
        kind=kind,
        folds=folds,
        strong_labels=labels.strong_count,
        weak_labels=labels.weak_count,
        accuracy=metrics.accuracy,
        roc_auc=metrics.roc_auc,
        calibration=[band.as_dict() for band in bands],
    )


def scores_evaluate(
    *, folds: int = 5, seed: int = 0, minimum: int = EVALUATE_MINIMUM
) -> Evaluation:
    """The configuration in use against the labels: k-fold accuracy (at the best cut of the
    training folds) and ROC AUC, and the calibration table; stored for its version (when the
    version in use is a stored one). Raises TooFewLabels below `minimum` of either class."""
    labels = labels_read()
    labels.require(max(minimum, folds), "evaluate the score")
    weights = configs_in_use().scoring.weights
    current, _ = fitting.cross_validate(
        labels.rows, labels.strong, current=weights, folds=folds, seed=seed, fit=False
    )
    bands = fitting.calibration(fitting.scores(labels.rows, weights), labels.strong)
    version = version_in_use()
    stored = None
    if version is not None:
        stored = _store(version, ScoringEvaluation.Kind.CURRENT, folds, labels, current, bands)
    return Evaluation(labels, current, bands, stored)


def scoring_fit(*, folds: int = 5, seed: int = 0, minimum: int = FIT_MINIMUM, user=None) -> Fit:
    """Fit the observed components' weights to the labels and save them as a proposed version
    (not in use: an admin adopts it), with both evaluations: the current weights' for the
    version in use and the fitted weights' for the proposed one, on the same folds.

    The fitted weights keep the current observed weights' total; the reported weights and
    every other number are copied from the version in use. Raises TooFewLabels below
    `minimum` of either class."""
    labels = labels_read()
    labels.require(max(minimum, folds), "fit the weights")
    in_use = version_in_use()
    weights = configs_in_use().scoring.weights
    current, fitted = fitting.cross_validate(
        labels.rows, labels.strong, current=weights, folds=folds, seed=seed
    )
    total = sum(weights[name] for name in OBSERVED)
    new_weights = fitting.fit_weights(labels.rows, labels.strong, total)
    base = in_use or ScoringConfiguration()
    values = {
        f.name: getattr(base, f.name)
        for f in ScoringConfiguration._meta.concrete_fields
        if f.name not in NOT_COPIED
    }
    values.update({WEIGHT_FIELDS[name]: Decimal(f"{w:.2f}") for name, w in new_weights.items()})
    note = (
        f"Proposed: observed weights fitted to {labels.strong_count} strong and "
        f"{labels.weak_count} weak labels; {folds}-fold accuracy {fitted.accuracy:.1%} "
        f"(current {current.accuracy:.1%}), AUC {fitted.roc_auc:.3f} "
        f"(current {current.roc_auc:.3f})."
    )
    bands = fitting.calibration(fitting.scores(labels.rows, new_weights), labels.strong)
    with transaction.atomic():
        proposed = ScoringConfiguration(**values, note=note[:200], created_by=user)
        proposed.adopted_at = None  # proposed, never silently in use
        proposed.full_clean()
        proposed.save()
        _store(proposed, ScoringEvaluation.Kind.FITTED, folds, labels, fitted, bands)
        if in_use is not None:
            current_bands = fitting.calibration(fitting.scores(labels.rows, weights), labels.strong)
            _store(in_use, ScoringEvaluation.Kind.CURRENT, folds, labels, current, current_bands)
    return Fit(labels, current, fitted, new_weights, proposed, bands)


def configuration_adopt(*, configuration: ScoringConfiguration) -> ScoringConfiguration:
    """Put a version in use from now on, and recompute every score with it (once committed)."""
    configuration.adopted_at = timezone.now()
    configuration.save(update_fields=["adopted_at"])  # post_save: the cached catalogs forget
    enqueue_on_commit("scores.recompute_all")
    return configuration
