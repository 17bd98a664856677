"""The account timeline: interactions, moments, open items and pulse checks in one stream.

One UNION query finds the page of (kind, id, when) keys, newest first; then each kind's rows are
loaded by id with what they show. Six queries per page, whatever the account's history holds.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, DateTimeField, F, QuerySet, Value
from django.db.models.functions import Cast

from accounts.models import Account
from relationships.models import Interaction, Moment, OpenItem, PulseCheck

PAGE_SIZE = 20
KINDS = {
    "interaction": "Interactions",
    "moment": "Moments",
    "open_item": "Open items",
    "pulse": "Pulse checks",
}


@dataclass(frozen=True)
class Entry:
    kind: str
    when: Any
    item: Any


@dataclass
class TimelinePage:
    entries: list[Entry]
    number: int
    has_more: bool


@dataclass(frozen=True)
class Source:
    """How one kind of row joins the timeline: its date field, how each filter applies to it
    (None: the filter excludes this kind), and what to load with it."""

    model: type
    when: str
    stakeholder: str | None
    channel: str | None
    touchpoint: str | None
    related: tuple[str, ...]
    prefetch: tuple[str, ...] = ()


SOURCES = {
    "interaction": Source(
        Interaction, "occurred_at", "stakeholders", "channel", "touchpoint",
        ("channel", "touchpoint", "our_person"), ("stakeholders",),
    ),
    "moment": Source(
        Moment, "occurred_on", "stakeholder", None, "moment_type__touchpoint",
        ("moment_type__touchpoint", "stakeholder"),
    ),
    "open_item": Source(OpenItem, "opened_on", "stakeholder", None, None, ("stakeholder",)),
    "pulse": Source(PulseCheck, "checked_on", None, None, None, ("csm",)),
}  # fmt: skip
FILTERS = ("stakeholder", "channel", "touchpoint")


def _keys(account: Account, filters: dict) -> list[QuerySet]:
    """Per kind that passes the filters, a query of its (kind, id, when) keys."""
    queries = []
    for kind, source in SOURCES.items():
        if filters.get("kind") not in (None, "", kind):
            continue
        rows = source.model.objects.filter(account=account)
        lookups = {name: getattr(source, name) for name in FILTERS if filters.get(name)}
        if None in lookups.values():
            continue
        rows = rows.filter(**{lookup: filters[name] for name, lookup in lookups.items()})
        queries.append(
            rows.annotate(
                entry_kind=Value(kind, output_field=CharField()),
                entry_at=Cast(F(source.when), output_field=DateTimeField()),
            )
            .values_list("entry_kind", "pk", "entry_at")
            .order_by()
        )
    return queries


def timeline_page(account: Account, *, filters: dict, number: int = 1) -> TimelinePage:
    """Page `number` (from 1) of the account's timeline, newest first."""
    queries = _keys(account, filters)
    if not queries:
        return TimelinePage(entries=[], number=number, has_more=False)
    keys = queries[0].union(*queries[1:], all=True)
    start = (number - 1) * PAGE_SIZE
    rows = list(keys.order_by("-entry_at", "entry_kind", "-pk")[start : start + PAGE_SIZE + 1])
    wanted: dict[str, list[int]] = {}
    for kind, pk, _at in rows[:PAGE_SIZE]:
        wanted.setdefault(kind, []).append(pk)
    loaded = {}
    for kind, ids in wanted.items():
        source = SOURCES[kind]
        objects = source.model.objects.filter(pk__in=ids).select_related(*source.related)
        for obj in objects.prefetch_related(*source.prefetch):
            loaded[kind, obj.pk] = obj
    entries = [
        Entry(kind, getattr(loaded[kind, pk], SOURCES[kind].when), loaded[kind, pk])
        for kind, pk, _at in rows[:PAGE_SIZE]
    ]
    return TimelinePage(entries=entries, number=number, has_more=len(rows) > PAGE_SIZE)
