"""The change history of an account and what belongs to it: who changed what, and when.

Rows come from django-simple-history; diffs are computed here between consecutive versions of
the same object, and foreign keys are shown by name with one lookup per kind of object. The
account's profile is one source of versions; the apps above add theirs (relationships: the
stakeholders) with `register_history` when they start.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model, QuerySet

from accounts.models import Account, Competitor, Team, User


@dataclass(frozen=True)
class HistorySource:
    """Versions of objects that an account's history shows."""

    versions: Callable[[Account, int], QuerySet]  # newest first, enough for `limit` changes
    fields: list[str]  # compared between versions, in this order
    subject: Callable[[Model], str]  # what a version is about: "Profile", a person's name
    foreign_keys: dict[str, type[Model]] = field(default_factory=dict)  # shown by name


PROFILE = HistorySource(
    versions=lambda account, limit: account.history.select_related("history_user").order_by(
        "-history_date"
    )[: limit + 1],
    fields=[
        "name",
        "external_id",
        "domain",
        "segment",
        "status",
        "team",
        "owner",
        "customer_since",
        "renewal_date",
        "arr",
        "cost_to_serve",
        "seats_purchased",
        "share_of_wallet",
        "leading_competitor",
        "notes",
    ],  # fmt: skip
    subject=lambda version: "Profile",
    foreign_keys={"team": Team, "owner": User, "leading_competitor": Competitor},
)
SOURCES = [PROFILE]
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def register_history(source: HistorySource) -> None:
    """Show `source`'s versions in the account's history, after those registered before."""
    if source not in SOURCES:
        SOURCES.append(source)


@dataclass
class Change:
    when: datetime
    who: str
    subject: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _value(record, name, source: HistorySource, names):
    if name in source.foreign_keys:
        pk = getattr(record, f"{name}_id")
        return names[source.foreign_keys[name]].get(pk, "—") if pk else "—"
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    return "—" if value in ("", None) else str(value)


def _diffs(records, source: HistorySource, names):
    """For each record (newest first), the fields that differ from the previous version."""
    older_by_object: dict = {}
    result = []
    for record in reversed(records):
        previous = older_by_object.get(record.id)
        changes = []
        if previous is not None:
            for name in source.fields:
                before = _value(previous, name, source, names)
                after = _value(record, name, source, names)
                if before != after:
                    changes.append((record._meta.get_field(name).verbose_name, before, after))
        older_by_object[record.id] = record
        result.append((record, changes))
    return list(reversed(result))


def _names(records_by_source) -> dict[type[Model], dict]:
    """The name of every object the versions refer to, by model and id."""
    wanted: dict[type[Model], set] = {}
    for records, source in records_by_source:
        for name, model in source.foreign_keys.items():
            ids = wanted.setdefault(model, set())
            ids.update(pk for record in records if (pk := getattr(record, f"{name}_id")))
    return {
        model: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)} if ids else {}
        for model, ids in wanted.items()
    }


def _who(record) -> str:
    """The user who made the change, else what the change says of itself (a stakeholder's
    survey answer), else the import or the system."""
    if record.history_user:
        return str(record.history_user)
    return record.history_change_reason or "Import or system"


def account_changes(account: Account, *, limit: int = 30) -> list[Change]:
    """The newest `limit` changes to the account's profile and what the apps register."""
    records_by_source = [(list(source.versions(account, limit)), source) for source in SOURCES]
    names = _names(records_by_source)
    changes = []
    for records, source in records_by_source:
        for record, diff in _diffs(records, source, names):
            if record.history_type == "~" and not diff:
                continue
            changes.append(
                Change(
                    when=record.history_date,
                    who=_who(record),
                    subject=source.subject(record),
                    action=ACTIONS[record.history_type],
                    fields=diff,
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
