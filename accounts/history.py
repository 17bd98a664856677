"""The change history of an account and its stakeholders: who changed what, and when.

Rows come from django-simple-history; diffs are computed here between consecutive versions of
the same object, and foreign keys are shown by name with one lookup per kind of object.
"""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import Account, Competitor, Team, User
from relationships.models import Stakeholder

ACCOUNT_FIELDS = [
    "name", "external_id", "domain", "segment", "status", "team", "owner", "customer_since",
    "renewal_date", "arr", "cost_to_serve", "seats_purchased", "share_of_wallet",
    "leading_competitor", "notes",
]  # fmt: skip
STAKEHOLDER_FIELDS = [
    "name", "title", "email", "role", "buying_influence", "reports_to", "relationship_since",
    "trust", "respect", "strength", "status",
]  # fmt: skip
FOREIGN_KEYS = {
    "team": Team,
    "owner": User,
    "leading_competitor": Competitor,
    "reports_to": Stakeholder,
}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    when: datetime
    who: str
    subject: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _value(record, name, names):
    if name in FOREIGN_KEYS:
        pk = getattr(record, f"{name}_id")
        return names[name].get(pk, "—") if pk else "—"
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    return "—" if value in ("", None) else str(value)


def _diffs(records, fields, names):
    """For each record (newest first), the fields that differ from the previous version."""
    older_by_object: dict = {}
    result = []
    for record in reversed(records):
        previous = older_by_object.get(record.id)
        changes = []
        if previous is not None:
            for name in fields:
                before, after = _value(previous, name, names), _value(record, name, names)
                if before != after:
                    changes.append((record._meta.get_field(name).verbose_name, before, after))
        older_by_object[record.id] = record
        result.append((record, changes))
    return list(reversed(result))


def _names(records_by_fields) -> dict[str, dict]:
    wanted: dict[str, set] = {name: set() for name in FOREIGN_KEYS}
    for records, fields in records_by_fields:
        for record in records:
            for name in fields:
                if name in FOREIGN_KEYS and getattr(record, f"{name}_id"):
                    wanted[name].add(getattr(record, f"{name}_id"))
    return {
        name: {obj.pk: str(obj) for obj in FOREIGN_KEYS[name].objects.filter(pk__in=ids)}
        if ids
        else {}
        for name, ids in wanted.items()
    }


def _who(record) -> str:
    """The user who made the change, else what the change says of itself (a stakeholder's
    survey answer), else the import or the system."""
    if record.history_user:
        return str(record.history_user)
    return record.history_change_reason or "Import or system"


def account_changes(account: Account, *, limit: int = 30) -> list[Change]:
    """The newest `limit` changes to the account's profile and its stakeholders."""
    account_records = list(
        account.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    stakeholder_records = list(
        Stakeholder.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("-history_date")[: limit * 2]
    )
    names = _names([(account_records, ACCOUNT_FIELDS), (stakeholder_records, STAKEHOLDER_FIELDS)])
    changes = []
    for records, fields, subject in (
        (account_records, ACCOUNT_FIELDS, lambda r: "Profile"),
        (stakeholder_records, STAKEHOLDER_FIELDS, lambda r: r.name),
    ):
        for record, diff in _diffs(records, fields, names):
            if record.history_type == "~" and not diff:
                continue
            changes.append(
                Change(
                    when=record.history_date,
                    who=_who(record),
                    subject=subject(record),
                    action=ACTIONS[record.history_type],
                    fields=diff,
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
