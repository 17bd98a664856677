"""The scoring configuration as the pure models take it.

Admins edit `ScoringConfiguration` versions; the scoring and gap models read frozen dataclasses
(`ScoringConfig`, `GapConfig`). The mapping between the two is written out here, field by
field, and nowhere else; numbers the admin does not edit keep the dataclasses' defaults.
"""

from typing import NamedTuple

from relationships.gaps.model import GapConfig
from relationships.models import ScoringConfiguration
from relationships.scoring.model import ScoringConfig

# Each component's weight and the version's field that holds it.
WEIGHT_FIELDS = {
    "sentiment": "weight_sentiment",
    "channels": "weight_channels",
    "engagement": "weight_engagement",
    "responsiveness": "weight_responsiveness",
    "open_items": "weight_open_items",
    "trust_respect": "weight_trust_respect",
    "tenure": "weight_tenure",
    "csm_rating": "weight_csm_rating",
}


class Configs(NamedTuple):
    scoring: ScoringConfig
    gaps: GapConfig


def scoring_config(row: ScoringConfiguration) -> ScoringConfig:
    return ScoringConfig(
        version=row.pk,
        weights={name: float(getattr(row, field)) for name, field in WEIGHT_FIELDS.items()},
        half_life_days=row.half_life_days,
        recent_days=row.recent_days,
        baseline_days=row.baseline_days,
        response_target_hours=float(row.response_target_hours),
        open_item_grace_days=row.open_item_grace_days,
        tenure_full_years=float(row.tenure_full_years),
        influence_weights={
            "high": float(row.influence_high),
            "medium": float(row.influence_medium),
            "low": float(row.influence_low),
        },
        key_coverage_share=float(row.key_coverage_share),
        strong_at=float(row.strong_at),
        single_threaded_penalty=float(row.single_threaded_penalty),
        champion_left_penalty=float(row.champion_left_penalty),
        reported_cap=float(row.reported_cap),
        engagement_drop_ratio=float(row.engagement_drop_ratio),
        sentiment_drop=float(row.sentiment_drop),
        score_drop=float(row.score_drop),
    )


def gap_config(row: ScoringConfiguration) -> GapConfig:
    return GapConfig(
        threshold=float(row.gap_threshold),
        close_margin=float(row.gap_close_margin),
        side=float(row.gap_side),
        voice_days=row.voice_days,
        pulse_max_age_days=row.pulse_max_age_days,
        reopen_days=row.gap_reopen_days,
    )


def as_configs(row: ScoringConfiguration | None) -> Configs:
    """A configuration version as the models' configs; the built-in defaults without one."""
    if row is None:
        return Configs(ScoringConfig(), GapConfig())
    return Configs(scoring_config(row), gap_config(row))


def version_in_use() -> ScoringConfiguration | None:
    """The newest adopted version (by when it was adopted, then by number); proposed versions
    are not in use until an admin adopts them."""
    return (
        ScoringConfiguration.objects.filter(adopted_at__isnull=False)
        .order_by("-adopted_at", "-pk")
        .first()
    )


def configs_in_use() -> Configs:
    """The configuration in use: the newest adopted version (the built-in defaults if none)."""
    return as_configs(version_in_use())
