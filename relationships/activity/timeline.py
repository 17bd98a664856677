"""The account timeline: interactions, moments, open items and pulse checks in one stream.

One query per page, whatever the account's history holds: a UNION of one branch per kind, each
row carrying its kind, id and date for the ordering and a JSON object with what the timeline
shows of it, related names included (the people on an interaction are aggregated by a correlated
subquery). Each row becomes a small read-only object; labels come from the model fields' choices.
Where the database takes a LIMIT per branch (PostgreSQL), each branch stops at the page's end.
"""

import datetime as dt
import json
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, ClassVar, Self

from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    F,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce, JSONObject, NullIf

from accounts.models import Account
from core.db.kept import kept_rows
from relationships.models import Interaction, Moment, OpenItem, PulseCheck

PAGE_SIZE = 20
KINDS = {
    "interaction": "Interactions",
    "moment": "Moments",
    "open_item": "Open items",
    "pulse": "Pulse checks",
}


def _field(model: type, name: str):
    return model._meta.get_field(name)


def _label(model: type, name: str, value: Any) -> str:
    """What the model's get_<name>_display() would say for `value`."""
    return str(dict(_field(model, name).flatchoices).get(value, value))


def _value(model: type, name: str, payload: dict) -> Any:
    """payload[name] as the model field's Python value (dates, times and decimals arrive as
    JSON strings or numbers)."""
    value = _field(model, name).to_python(payload.get(name))
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # SQLite keeps datetimes as naive UTC text
    return value


def _user_name(path: str):
    """The user's display name (str(user)): full name, or email when there is none."""
    return Coalesce(NullIf(F(f"{path}__full_name"), Value("")), F(f"{path}__email"))


class Row:
    """A timeline row read from its JSON payload: text fields as they come ("" for none), the
    others (dates, numbers) as the model field of the same name reads them."""

    model: ClassVar[type]

    @classmethod
    def from_payload(cls, pk: int, payload: dict) -> Self:
        values = {
            field.name: (payload.get(field.name) or "")
            if field.type is str
            else _value(cls.model, field.name, payload)
            for field in fields(cls)
            if field.name != "pk"
        }
        return cls(pk=pk, **values)


@dataclass(frozen=True)
class InteractionRow(Row):
    model = Interaction
    pk: int
    occurred_at: dt.datetime
    channel: str
    touchpoint: str
    direction: str
    sentiment: int
    response_hours: Decimal | None
    summary: str
    stakeholder_names: str
    our_person: str
    source: str

    @property
    def get_direction_display(self) -> str:
        return _label(Interaction, "direction", self.direction)

    @property
    def captured(self) -> bool:
        """Whether capture wrote it (from mail or a calendar): it has a captured message's
        page."""
        return self.source in (Interaction.Source.EMAIL, Interaction.Source.MEETING)


@dataclass(frozen=True)
class MomentRow(Row):
    model = Moment
    pk: int
    occurred_on: dt.date
    moment_type: str
    touchpoint: str
    emotion: str
    intensity: int
    value_impact: str
    value_amount: Decimal | None
    identified_by: str
    stakeholder: str
    note: str

    @property
    def get_emotion_display(self) -> str:
        return _label(Moment, "emotion", self.emotion)

    @property
    def get_value_impact_display(self) -> str:
        return _label(Moment, "value_impact", self.value_impact)

    @property
    def get_identified_by_display(self) -> str:
        return _label(Moment, "identified_by", self.identified_by)


@dataclass(frozen=True)
class OpenItemRow(Row):
    model = OpenItem
    pk: int
    kind: str
    title: str
    opened_on: dt.date
    due_on: dt.date | None
    closed_on: dt.date | None
    stakeholder: str

    @property
    def get_kind_display(self) -> str:
        return _label(OpenItem, "kind", self.kind)


@dataclass(frozen=True)
class PulseRow(Row):
    model = PulseCheck
    pk: int
    checked_on: dt.date
    happiness: int
    csm: str
    note: str


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


def _interaction_people():
    """The names of the people on the outer interaction, ordered by name and joined with ", ".
    The order comes from a window rather than from the aggregate itself: SQLite before 3.44
    accepts no ORDER BY inside an aggregate."""
    links = Interaction.stakeholders.through.objects.filter(interaction=OuterRef("pk"))
    names = Window(
        StringAgg("stakeholder__name", Value(", ")),
        order_by=(F("stakeholder__name").asc(), F("stakeholder_id").asc()),
        frame=RowRange(start=None, end=None),
    )
    return Subquery(links.annotate(names=names).values("names")[:1], output_field=TextField())


def _payloads() -> dict[str, dict]:
    """Per kind, the JSON object's keys and the expressions that fill them."""
    return {
        "interaction": {
            "occurred_at": F("occurred_at"),
            "channel": F("channel__name"),
            "touchpoint": F("touchpoint__name"),
            "direction": F("direction"),
            "sentiment": F("sentiment"),
            "response_hours": F("response_hours"),
            "summary": F("summary"),
            "stakeholder_names": _interaction_people(),
            "our_person": _user_name("our_person"),
            "source": F("source"),
        },
        "moment": {
            "occurred_on": F("occurred_on"),
            "moment_type": F("moment_type__name"),
            "touchpoint": F("moment_type__touchpoint__name"),
            "emotion": F("emotion"),
            "intensity": F("intensity"),
            "value_impact": F("value_impact"),
            "value_amount": F("value_amount"),
            "identified_by": F("identified_by"),
            "stakeholder": F("stakeholder__name"),
            "note": F("note"),
        },
        "open_item": {
            "kind": F("kind"),
            "title": F("title"),
            "opened_on": F("opened_on"),
            "due_on": F("due_on"),
            "closed_on": F("closed_on"),
            "stakeholder": F("stakeholder__name"),
        },
        "pulse": {
            "checked_on": F("checked_on"),
            "happiness": F("happiness"),
            "csm": _user_name("csm"),
            "note": F("note"),
        },
    }


@dataclass(frozen=True)
class Source:
    """How one kind of row joins the timeline: its date field, how each filter applies to it
    (None: the filter excludes this kind), and the object each row becomes."""

    model: type
    when: str
    stakeholder: str | None
    channel: str | None
    touchpoint: str | None
    row: type


SOURCES = {
    "interaction": Source(
        Interaction, "occurred_at", "stakeholders", "channel", "touchpoint", InteractionRow
    ),
    "moment": Source(
        Moment, "occurred_on", "stakeholder", None, "moment_type__touchpoint", MomentRow
    ),
    "open_item": Source(OpenItem, "opened_on", "stakeholder", None, None, OpenItemRow),
    "pulse": Source(PulseCheck, "checked_on", None, None, None, PulseRow),
}  # fmt: skip
FILTERS = ("stakeholder", "channel", "touchpoint")


def _branches(account_pk: int, filters: dict) -> dict[str, QuerySet]:
    """Per kind that passes the filters, a query of its (kind, id, when, payload) rows."""
    branches = {}
    payloads = _payloads()
    for kind, source in SOURCES.items():
        if filters.get("kind") not in (None, "", kind):
            continue
        rows = source.model.objects.filter(account_id=account_pk)
        lookups = {name: getattr(source, name) for name in FILTERS if filters.get(name)}
        if None in lookups.values():
            continue
        rows = rows.filter(**{lookup: filters[name] for name, lookup in lookups.items()})
        branches[kind] = (
            rows.annotate(
                entry_kind=Value(kind, output_field=CharField()),
                entry_at=Cast(F(source.when), output_field=DateTimeField()),
                payload=JSONObject(**payloads[kind]),
            )
            .values_list("entry_kind", "pk", "entry_at", "payload")
            .order_by()
        )
    return branches


def _page_query(kind: str, filtered: tuple, number: int, account_pk: int, *ids) -> QuerySet:
    """The query of page `number`'s rows, one more than the page to tell if more follow, for
    the `kind` filter and the `filtered` filters' `ids` (none if no kind passes them)."""
    branches = _branches(account_pk, {"kind": kind, **dict(zip(filtered, ids, strict=True))})
    if not branches:
        return Interaction.objects.none()
    start = (number - 1) * PAGE_SIZE
    end = start + PAGE_SIZE + 1
    queries = list(branches.values())
    if len(queries) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # No kind gives the page more rows than the page's end: each branch stops there, newest
        # first along its date's index, so that the JSON of older rows is never built. (A date
        # orders like its cast to a date and time. SQLite takes no LIMIT per branch; a single
        # kind is no UNION and is cut by the page itself.)
        queries = [
            query.order_by(f"-{SOURCES[kind].when}", "-pk")[:end]
            for kind, query in branches.items()
        ]
    union = queries[0].union(*queries[1:], all=True)
    return union.order_by("-entry_at", "entry_kind", "-pk")[start:end]


def timeline_page(account: Account, *, filters: dict, number: int = 1) -> TimelinePage:
    """Page `number` (from 1) of the account's timeline, newest first, in one statement (built
    once per filters given and page: core.db.kept)."""
    filtered = tuple(name for name in FILTERS if filters.get(name))
    ids = [account.pk, *(getattr(filters[name], "pk", filters[name]) for name in filtered)]
    rows = kept_rows(_page_query, (filters.get("kind") or "", filtered, number), ids)
    entries = []
    for kind, pk, _at, payload in rows[:PAGE_SIZE]:
        source = SOURCES[kind]
        item = source.row.from_payload(
            pk, json.loads(payload) if isinstance(payload, str) else payload
        )
        entries.append(Entry(kind, getattr(item, source.when), item))
    return TimelinePage(entries=entries, number=number, has_more=len(rows) > PAGE_SIZE)
