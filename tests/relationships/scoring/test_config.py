"""The scoring configuration reaches the pure models through one explicit mapping."""

import dataclasses
from decimal import Decimal

import pytest

from relationships.gaps.model import GapConfig
from relationships.models import ScoringConfiguration
from relationships.scoring.config import as_configs, configs_in_use
from relationships.scoring.model import COMPONENTS, ScoringConfig

# What a version says about itself, not numbers the models use.
NOT_NUMBERS = {"id", "created_at", "adopted_at", "created_by", "note"}


def bumped(value):
    """Another valid value of a configuration field."""
    return value + 1 if isinstance(value, int) else value + Decimal("0.1")


@pytest.mark.parametrize(
    "name",
    [
        field.name
        for field in ScoringConfiguration._meta.concrete_fields
        if field.name not in NOT_NUMBERS
    ],
)
def test_every_configuration_field_reaches_the_models(name):
    row = ScoringConfiguration(pk=7)
    before = as_configs(row)
    setattr(row, name, bumped(getattr(row, name)))
    assert as_configs(row) != before, f"{name} is not mapped to the models' configs"


def test_every_component_has_its_weight():
    assert list(as_configs(ScoringConfiguration(pk=7)).scoring.weights) == list(COMPONENTS)


def test_a_fresh_configuration_holds_the_models_defaults():
    configs = as_configs(ScoringConfiguration(pk=7))
    assert dataclasses.replace(configs.scoring, version=0) == ScoringConfig()
    assert configs.gaps == GapConfig()


@pytest.mark.django_db
def test_without_a_configuration_the_models_defaults_are_in_use():
    ScoringConfiguration.objects.all().delete()
    assert configs_in_use() == (ScoringConfig(), GapConfig())


@pytest.mark.django_db
def test_a_changed_weight_reaches_the_configuration_in_use():
    ScoringConfiguration.objects.create(weight_tenure=Decimal("0.40"))
    newest = ScoringConfiguration.objects.create(
        weight_sentiment=Decimal("0.90"), gap_threshold=Decimal("1.10")
    )
    scoring, gaps = configs_in_use()
    assert (scoring.version, scoring.weights["sentiment"]) == (newest.pk, 0.9)
    assert scoring.weights["tenure"] == 0.05
    assert gaps.threshold == 1.1
