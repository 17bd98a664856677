"""core.db.bulk's set-based reads: what they match, on SQLite and on PostgreSQL."""

import pytest

from core.db.bulk import fetch_pairs
from relationships.models import Stakeholder
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db


def test_fetch_pairs_matches_whole_pairs_not_the_cross_product_of_their_parts(org):
    acme, globex = org.account, org.other_account
    jane = StakeholderFactory(account=acme, name="Jane")
    StakeholderFactory(account=acme, name="Lee")
    lee_at_globex = StakeholderFactory(account=globex, name="Lee")
    StakeholderFactory(account=globex, name="Jane")

    found = fetch_pairs(
        Stakeholder.objects,
        ("account_id", "name"),
        {(acme.pk, "Jane"), (globex.pk, "Lee"), (globex.pk, 'Nobody "quoted" \\ here')},
        "pk",
    )

    assert sorted(pk for (pk,) in found) == sorted([jane.pk, lee_at_globex.pk])


def test_fetch_pairs_of_no_pairs_is_empty_without_a_query(org, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert fetch_pairs(Stakeholder.objects, ("account_id", "name"), [], "pk") == []
