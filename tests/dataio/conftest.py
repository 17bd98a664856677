"""Fixtures for the import tests: the org with its competitors, a snapshot of everything an
import may write."""

import pytest

from accounts.models import Account, Competitor, UsageSnapshot
from relationships.models import (
    CompetitorRating,
    Interaction,
    Moment,
    OpenItem,
    PulseCheck,
    Stakeholder,
)
from tests.dataio.files import COMPETITORS


@pytest.fixture
def org(org):
    """The org of tests/conftest.py, with the competitors the test files name."""
    Competitor.objects.bulk_create([Competitor(name=name) for name in COMPETITORS])
    return org


@pytest.fixture
def database_state(db):
    """A callable returning every row an import could have written, to compare before/after."""

    def state() -> dict:
        return {
            "accounts": list(Account.objects.order_by("pk").values()),
            "competitors": list(Competitor.objects.order_by("pk").values()),
            "account competitors": list(Account.competitors.through.objects.values_list()),
            "stakeholders": list(Stakeholder.objects.order_by("pk").values()),
            "owners": list(Stakeholder.owners.through.objects.order_by("pk").values_list()),
            "usage": list(UsageSnapshot.objects.order_by("pk").values()),
            "interactions": list(Interaction.objects.order_by("pk").values()),
            "interaction people": list(
                Interaction.stakeholders.through.objects.order_by("pk").values_list()
            ),
            "moments": list(Moment.objects.order_by("pk").values()),
            "pulse checks": list(PulseCheck.objects.order_by("pk").values()),
            "open items": list(OpenItem.objects.order_by("pk").values()),
            "competitor ratings": list(CompetitorRating.objects.order_by("pk").values()),
            "history": [Account.history.count(), Stakeholder.history.count()],
        }

    return state
