"""Fixtures for the import tests: a snapshot of everything an import may write."""

import pytest

from accounts.models import Account, Competitor, UsageSnapshot
from relationships.models import Stakeholder


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
            "history": [Account.history.count(), Stakeholder.history.count()],
        }

    return state
