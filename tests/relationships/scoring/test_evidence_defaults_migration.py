"""The evidence model comes with its own default weights: the migration puts them in use only
where the shipped numbers were still in use, never over an admin's own version."""

from decimal import Decimal

import pytest

from tests.migrations import migrate, migrate_to_latest

BEFORE = [("relationships", "0016_scoring_adopted_and_evaluations")]
AFTER = [("relationships", "0017_scoring_defaults_observed_and_reported")]


@pytest.fixture
def versions(transactional_db):
    apps = migrate(BEFORE)
    model = apps.get_model("relationships", "ScoringConfiguration")
    model.objects.all().delete()
    yield model.objects
    migrate_to_latest()


def in_use_after():
    model = migrate(AFTER).get_model("relationships", "ScoringConfiguration")
    return model.objects.order_by("-adopted_at", "-pk").first(), model.objects.count()


def test_the_shipped_numbers_give_way_to_the_evidence_defaults(versions):
    versions.create(note="The defaults Rapport ships with.")  # 0.25, 0.10, 0.20, 0.10, 90 days
    in_use, count = in_use_after()
    assert count == 2
    assert (in_use.weight_sentiment, in_use.weight_responsiveness) == (
        Decimal("0.15"),
        Decimal("0.20"),
    )
    assert in_use.half_life_days == 180


def test_an_admins_own_version_stays_in_use(versions):
    versions.create(note="Ours.", weight_sentiment=Decimal("0.40"))
    in_use, count = in_use_after()
    assert (count, in_use.note, in_use.weight_sentiment) == (1, "Ours.", Decimal("0.40"))
