"""The data of some accounts written as the import files, so that importing them again changes
nothing, and importing them into another Rapport makes the same accounts.

Each file has exactly its import header (`file_specs()`) and each cell is written the way the
import reads it: dates as YYYY-MM-DD, times in UTC as YYYY-MM-DDTHH:MM:SSZ, numbers with a dot
and no thousands separator, people as their external ids separated by ";", catalog rows by
slug, users by email, an unknown value as an empty cell.

What the import files cannot hold is left out, so that a re-import never duplicates or loses
data: accounts and stakeholders without an external id (nor anything of such an account), and
activity rows the import cannot find again by their import key (rows logged in Rapport, which
have none, and imported rows whose identity was edited in Rapport since). A stakeholder has
one owner in stakeholders.csv: the first one given, when there are several.

One query per file (each streamed with `.iterator()`), and a few for the lookups they share
(the ids of the accounts and stakeholders, users' emails, catalog slugs, competitor names).
"""

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO

from django.db.models import CharField, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast

from accounts.models import Competitor, UsageSnapshot, User
from dataio.cells import Catalog, IdList, Lookup, ValueImpact
from dataio.formulas import quote_formula
from dataio.importing import FileSpec, file_specs
from relationships.imports import import_keys
from relationships.models import Stakeholder

CHUNK = 2000  # rows fetched at a time


def cell(value) -> str:
    """A value as the import reads it; None (unknown) as an empty cell, a text that looks like
    a formula behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        return quote_formula(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def value_impact(impact: str, amount: Decimal | None) -> str:
    """moments.csv's value_impact: created, destroyed, or a signed amount (+1200, -5000)."""
    if amount is None or not impact:
        return impact
    return ("-" if impact == "destroyed" else "+") + format(amount, "f")


@dataclass
class FileExport:
    file: str
    rows: int = 0
    left_out: int = 0  # rows of the exported accounts the import file cannot hold

    def __str__(self) -> str:
        left_out = f", {self.left_out:,} left out" if self.left_out else ""
        return f"{self.file}: {self.rows:,} rows{left_out}"


class Snapshot:
    """The import files of `accounts` (a queryset: pass `Account.objects.visible_to(user)` to
    export what a user may see)."""

    def __init__(self, accounts: QuerySet):
        self.accounts = accounts.exclude(external_id="")
        self._slugs: dict = {}

    @cached_property
    def account_ids(self) -> dict[int, str]:
        return dict(self.accounts.values_list("pk", "external_id"))

    @cached_property
    def stakeholders(self) -> QuerySet:
        return Stakeholder.objects.filter(account__in=self.accounts.values("pk"))

    @cached_property
    def stakeholder_ids(self) -> dict[int, str]:
        """The exported stakeholders' external ids, by id."""
        rows = self.stakeholders.exclude(external_id="").values_list("pk", "external_id")
        return dict(rows)

    @cached_property
    def emails(self) -> dict[int, str]:
        return dict(User.objects.values_list("pk", "email"))

    @cached_property
    def competitors(self) -> dict[int, str]:
        return dict(Competitor.objects.values_list("pk", "name"))

    def slugs(self, model) -> dict[int, str]:
        if model not in self._slugs:
            self._slugs[model] = dict(model._default_manager.values_list("pk", "slug"))
        return self._slugs[model]

    def rows(self, spec: FileSpec, result: FileExport) -> Iterator[list[str]]:
        """The rows of one import file (without its header)."""
        return EXPORTERS[spec.name](self, spec, result)

    def write(self, open_file: Callable[[str], IO[str]]) -> list[FileExport]:
        """Write every file this module exports, each to `open_file(name)` (a text file opened
        with newline=""), header first; returns what each file holds."""
        results = []
        for spec in file_specs():
            if spec.name not in EXPORTERS:
                continue
            result = FileExport(spec.name)
            with open_file(spec.name) as file:
                writer = csv.writer(file, lineterminator="\n")
                writer.writerow([column.name for column in spec.columns])
                writer.writerows(self.rows(spec, result))
            results.append(result)
        return results


def counted(rows: Iterator[list[str]], result: FileExport) -> Iterator[list[str]]:
    for row in rows:
        result.rows += 1
        yield row


def accounts_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    fields = [
        "external_id", "name", "domain", "segment", "owner__email", "team__name",
        "customer_since", "renewal_date", "arr", "cost_to_serve", "seats_purchased",
        "share_of_wallet", "status", "leading_competitor__name",
    ]  # fmt: skip
    rows = snapshot.accounts.order_by("external_id", "pk").values_list(*fields)
    return counted((list(map(cell, row)) for row in rows.iterator(CHUNK)), result)


def stakeholders_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    first_owner = (
        Stakeholder.owners.through.objects.filter(stakeholder_id=OuterRef("pk"))
        .order_by("pk")
        .values("user__email")[:1]
    )
    rows = (
        snapshot.stakeholders.annotate(first_owner=Subquery(first_owner))
        .order_by("account__external_id", "external_id", "pk")
        .values_list(
            "external_id",
            "account__external_id",
            "name",
            "title",
            "email",
            "role",
            "buying_influence",
            "reports_to_id",
            "first_owner",
            "relationship_since",
            "trust",
            "respect",
            "strength",
            "status",
        )
    )
    managers = snapshot.stakeholder_ids
    for row in rows.iterator(CHUNK):
        if not row[0]:
            result.left_out += 1
            continue
        row = list(row)
        row[7] = managers.get(row[7], "")  # a manager without an external id: none
        result.rows += 1
        yield list(map(cell, row))


def usage_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    rows = (
        UsageSnapshot.objects.filter(account__in=snapshot.accounts.values("pk"))
        .order_by("account__external_id", "period_start", "pk")
        .values_list(
            "account__external_id",
            "period_start",
            "active_users",
            "usage_value",
            "features_used",
            "features_available",
        )
    )
    return counted((list(map(cell, row)) for row in rows.iterator(CHUNK)), result)


def activity_rows(snapshot: Snapshot, spec, result: FileExport) -> Iterator[list[str]]:
    """The rows of an activity file (relationships.imports.ActivityFile) that the import finds
    again by their import key: the key the row's values give is the one it is stored with."""
    model = spec.model
    fields, encoders, read_from = [], [], {}  # read_from: column name -> its field
    for column in spec.columns:
        if isinstance(column.kind, ValueImpact):
            fields += ["value_impact", "value_amount"]
        else:
            read_from[column.name] = (
                "people" if column.stored_as == "stakeholders" else column.stored_as
            )
            fields.append(read_from[column.name])
        encoders.append(encoder(snapshot, column))
    identity = [1 + fields.index(read_from[name]) for name in spec.identity]  # after the key
    queryset = model.objects.filter(account__in=snapshot.accounts.values("pk"))
    if "people" in fields:
        people = StringAgg(Cast("stakeholders__pk", CharField()), Value(","), default="")
        queryset = queryset.annotate(people=people)
    # By the identity's values as the file writes them (not by the ids they refer to, which
    # another database numbers otherwise), then as the rows were imported.
    order = [natural(spec, fields[i - 1]) for i in identity if fields[i - 1] != "people"]
    rows = queryset.order_by(*order, "pk").values_list("import_key", *fields)
    for row in rows.iterator(CHUNK):
        row = list(row)
        if "people" in fields:
            position = 1 + fields.index("people")
            row[position] = tuple(sorted(int(pk) for pk in row[position].split(",") if pk))
        key = import_keys(spec.name, [[row[i]] for i in identity])[0]
        cells = encode(row[1:], encoders) if key == row[0] else None
        if cells is None:
            result.left_out += 1
            continue
        result.rows += 1
        yield cells


def natural(spec, field: str) -> str:
    """The lookup that orders a field of an activity file by the text the file holds."""
    column = next(column for column in spec.columns if column.stored_as == field)
    if not field.endswith("_id"):
        return field
    relation = field.removesuffix("_id")
    if relation == "competitor":
        return "competitor__name"
    if isinstance(column.kind, Catalog):
        return f"{relation}__slug"
    if isinstance(column.kind, Lookup):
        return f"{relation}__email"
    return f"{relation}__external_id"  # account, stakeholder


class LeftOut(Exception):
    """A value the import file cannot hold: the row is left out."""


def encode(values: list, encoders: list[Callable]) -> list[str] | None:
    values = iter(values)
    try:
        return [encode_cell(values) for encode_cell in encoders]
    except LeftOut:
        return None


def encoder(snapshot: Snapshot, column) -> Callable[[Iterator], str]:
    """How to write one column of an activity file from the row's values (one value for most
    columns, two for a value impact)."""
    kind, field = column.kind, column.stored_as

    def looked_up(table: Callable[[], dict]):
        def encode_cell(values):
            value = next(values)
            if value is None:
                return ""
            found = table().get(value)
            if found is None:
                raise LeftOut
            return cell(found)

        return encode_cell

    if isinstance(kind, ValueImpact):
        return lambda values: value_impact(next(values), next(values))
    if isinstance(kind, IdList):
        ids = snapshot.stakeholder_ids

        def people(values):
            named = [ids.get(pk) for pk in next(values)]
            if None in named or any(";" in external_id for external_id in named):
                raise LeftOut
            return cell(";".join(sorted(named)))

        return people
    if field == "account_id":
        return looked_up(lambda: snapshot.account_ids)
    if field == "stakeholder_id":
        return looked_up(lambda: snapshot.stakeholder_ids)
    if field == "competitor_id":
        return looked_up(lambda: snapshot.competitors)
    if isinstance(kind, Catalog):
        return looked_up(lambda: snapshot.slugs(kind.model))
    if isinstance(kind, Lookup):  # users, by email
        return looked_up(lambda: snapshot.emails)
    return lambda values: cell(next(values))


EXPORTERS = {
    "accounts.csv": accounts_rows,
    "stakeholders.csv": stakeholders_rows,
    "usage.csv": usage_rows,
    "interactions.csv": activity_rows,
    "moments.csv": activity_rows,
    "pulse_checks.csv": activity_rows,
    "open_items.csv": activity_rows,
    "competitor_ratings.csv": activity_rows,
}


def export_files(accounts: QuerySet) -> tuple[dict[str, bytes], list[FileExport]]:
    """The import files of `accounts` in memory, by name, and what each holds."""
    texts: dict[str, io.StringIO] = {}

    @contextmanager
    def open_file(name: str):
        texts[name] = io.StringIO(newline="")
        yield texts[name]

    results = Snapshot(accounts).write(open_file)
    return {name: text.getvalue().encode() for name, text in texts.items()}, results


def export_to_folder(accounts: QuerySet, folder: Path) -> list[FileExport]:
    """Write the import files of `accounts` into `folder` (made if missing), streaming."""
    folder.mkdir(parents=True, exist_ok=True)
    return Snapshot(accounts).write(
        lambda name: (folder / name).open("w", encoding="utf-8", newline="")
    )
