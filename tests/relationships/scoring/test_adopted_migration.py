"""Every scoring configuration version written before proposals existed was in use from when it
was written: the migration that brings `adopted_at` says so, so the version in use stays the
same."""

import datetime as dt

import pytest

from tests.migrations import migrate, migrate_to_latest

BEFORE = [("relationships", "0015_feedback_items_move_from_surveys")]
AFTER = [("relationships", "0016_scoring_adopted_and_evaluations")]


@pytest.fixture
def versions_before_proposals(transactional_db):
    apps = migrate(BEFORE)
    versions = apps.get_model("relationships", "ScoringConfiguration").objects
    first = versions.create(note="older")
    second = versions.create(note="newer")
    versions.filter(pk=first.pk).update(created_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    versions.filter(pk=second.pk).update(created_at=dt.datetime(2026, 2, 7, 9, tzinfo=dt.UTC))
    yield first.pk, second.pk
    migrate_to_latest()


def test_versions_written_before_were_adopted_when_they_were_written(versions_before_proposals):
    first, second = versions_before_proposals
    apps = migrate(AFTER)
    versions = apps.get_model("relationships", "ScoringConfiguration").objects
    adopted = dict(versions.filter(pk__in=[first, second]).values_list("pk", "adopted_at"))
    assert adopted == {
        first: dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        second: dt.datetime(2026, 2, 7, 9, tzinfo=dt.UTC),
    }
    assert not versions.filter(adopted_at__isnull=True).exists()
