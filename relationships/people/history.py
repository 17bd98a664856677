"""The stakeholders' versions in their account's change history (accounts/history.py)."""

from operator import attrgetter

from accounts.history import HistorySource
from relationships.models import Stakeholder

STAKEHOLDER_HISTORY = HistorySource(
    versions=lambda account, limit: (
        Stakeholder.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("-history_date")[: limit * 2]
    ),
    fields=[
        "name",
        "title",
        "email",
        "role",
        "buying_influence",
        "reports_to",
        "relationship_since",
        "trust",
        "respect",
        "strength",
        "status",
    ],  # fmt: skip
    subject=attrgetter("name"),
    foreign_keys={"reports_to": Stakeholder},
)
