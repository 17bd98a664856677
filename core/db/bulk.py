"""Set-based reads and writes for imports (and other bulk work): no query per row.

Rows are written with their ids known in advance (`allocate_ids`), so that references between
rows of the same file (a stakeholder's manager) and link tables are written in the same pass.
PostgreSQL writes many rows with COPY: new rows straight into the table, changed rows into a
temporary table and then one UPDATE ... FROM. A few rows, and SQLite, go through executemany.
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager, nullcontext
from datetime import datetime
from decimal import Decimal
from functools import cache
from itertools import batched, count

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, BooleanField, DateTimeField, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.models import Versioned

CHUNK = 5000  # values per IN (...) list: below SQLite's limit on query parameters
COPY_ABOVE = 100  # rows; fewer are written with executemany (one statement in a pipeline)
TABLE_ABOVE = 100_000  # values; more are matched through a temporary table on PostgreSQL


def fetch_in(queryset: QuerySet, field: str, values: Iterable, *columns: str) -> list[tuple]:
    """`queryset.values_list(*columns)` for the rows whose `field` is one of `values`.

    On PostgreSQL one query: with `= ANY(array)`, or for very many values a join with a
    temporary table COPY fills (an array of a million keys takes the server seconds to parse),
    and read with a plain cursor (the types PostgreSQL returns need no conversion). Elsewhere
    one query per chunk of values.
    """
    column = f"{queryset.model._meta.db_table}.{queryset.model._meta.get_field(field).column}"
    values = set(values)
    if connection.vendor != "postgresql":
        rows = []
        for condition, params in where_in(column, values):
            matches = RawSQL(condition, params, output_field=BooleanField())
            rows.extend(queryset.filter(matches).values_list(*columns))
        return rows
    if not values:
        return []
    with value_table(values) if len(values) > TABLE_ABOVE else nullcontext() as table:
        if table:
            matches = RawSQL(f"{column} IN (SELECT value FROM {table})", [], BooleanField())
        else:
            condition, params = where_in(column, values)[0]
            matches = RawSQL(condition, params, output_field=BooleanField())
        sql, params = queryset.filter(matches).values_list(*columns).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def fetch_pairs(
    queryset: QuerySet, fields: tuple[str, str], pairs: Iterable[tuple], *columns: str
) -> list[tuple]:
    """`queryset.values_list(*columns)` for the rows whose two `fields` (an int and a string,
    as an account and a message id) hold one of `pairs`. On PostgreSQL one join with the pairs
    unnested, so that an index on the two columns answers each pair (an IN list per column
    would match their cross product); elsewhere the cross product, narrowed here."""
    pairs = set(pairs)
    if not pairs:
        return []
    first, second = fields
    if connection.vendor != "postgresql":
        rows = queryset.filter(
            **{f"{first}__in": {a for a, _ in pairs}, f"{second}__in": {b for _, b in pairs}}
        ).values_list(first, second, *columns)
        return [row[2:] for row in rows if row[:2] in pairs]
    meta = queryset.model._meta
    names = ", ".join(f"{meta.db_table}.{meta.get_field(name).column}" for name in fields)
    ordered = list(pairs)
    condition = f"({names}) IN (SELECT * FROM unnest(%s::bigint[], %s::text[]))"
    params = ["{" + ",".join(str(a) for a, _ in ordered) + "}", text_array([b for _, b in ordered])]
    matches = RawSQL(condition, params, output_field=BooleanField())
    return list(queryset.filter(matches).values_list(*columns))


_tables = count()


@contextmanager
def value_table(values: set):
    """A temporary table `value` column holding `values` (ints or strings), for joins."""
    name = f"bulk_values_{next(_tables)}"
    kind = "bigint" if all(type(value) is int for value in values) else "text"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} (value {kind})")
        copy_rows(name, ["value"], ((value,) for value in values))
        cursor.execute(f"ANALYZE {name}")
        try:
            yield name
        finally:
            cursor.execute(f"DROP TABLE {name}")


def where_in(column: str, values: Iterable) -> list[tuple[str, list]]:
    """SQL conditions, with their parameters, that `column` is one of `values` (ints or strings):
    consecutive ints as one BETWEEN; else on PostgreSQL one `= ANY(array)` whose array is sent
    as one text literal (much faster than a list parameter for 100,000 values), elsewhere one
    `IN (...)` per chunk of values."""
    values = set(values)
    if not values:
        return []
    ints = all(type(value) is int for value in values)
    if ints and max(values) - min(values) + 1 == len(values):  # as allocate_ids gives them
        return [(f"{column} BETWEEN %s AND %s", [min(values), max(values)])]
    if connection.vendor == "postgresql":
        if ints:
            literal, cast = "{" + ",".join(map(str, values)) + "}", "bigint"
        else:
            literal, cast = text_array(values), "text"
        return [(f"{column} = ANY(%s::{cast}[])", [literal])]
    return [
        (f"{column} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
        for chunk in batched(sorted(values), CHUNK)
    ]


def text_array(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of strings: each quoted, and escaped where it needs it."""
    joined = '","'.join(values)
    if "\\" not in joined and joined.count('"') == 2 * (len(values) - 1):
        return '{"' + joined + '"}'  # no quote or backslash in any value
    return (
        "{"
        + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        + "}"
    )


def fetch_current(model: type[Model], field: str, values: Iterable, columns: list[str]) -> dict:
    """pk -> the stored values of `columns`, for the rows whose `field` is one of `values`."""
    rows = fetch_in(model.objects, field, values, "pk", *columns)
    return {row[0]: row[1:] for row in rows}


def in_chunks(values: Iterable) -> list[list]:
    """Distinct values in lists for `matching`: one list on PostgreSQL, chunks elsewhere."""
    values = sorted(set(values))
    if connection.vendor == "postgresql":
        return [[values]] if values else []
    return [list(chunk) for chunk in batched(values, CHUNK)]


def matching(column: str, chunk: list) -> str:
    """SQL that `column` is one of the values of a chunk from `in_chunks`."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN ({', '.join(['%s'] * len(chunk))})"


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys for new rows of `model`; call inside the write transaction."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return cursor.fetchone()[0]
        # SQLite: the import holds the database's write lock (transaction_mode IMMEDIATE), so
        # the ids after both the highest one and AUTOINCREMENT's counter stay free.
        cursor.execute(f"SELECT max({pk}) FROM {table}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = %s", [table])
        start = max(highest, cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + count))


def assign_pks(model: type[Model], keys: Iterable, found: Mapping) -> dict:
    """The pk of every key: the stored row's (`found`) or a fresh one."""
    new = [key for key in dict.fromkeys(keys) if key not in found]
    return {**found, **dict(zip(new, allocate_ids(model, len(new)), strict=True))}


def fill_unknown(values: list, current: tuple | None, defaults: dict[int, object]) -> tuple:
    """Unknown (None) values at these positions keep the stored value, or take the default."""
    for position, default in defaults.items():
        if values[position] is None:
            values[position] = current[position] if current else default
    return tuple(values)


def keep_stored(
    model: type[Model],
    columns: list[str],
    rows: dict[int, tuple],
    current: Mapping[int, tuple],
    kept: set[str],
) -> dict[int, tuple]:
    """`rows` (pk -> values of `columns`) whose `kept` columns hold the stored values, or on a
    new row the model's defaults: what a file that leaves those columns out writes. Names in
    `kept` that are not among `columns` (links, written apart) are left to the caller."""
    defaults = {
        columns.index(name): model._meta.get_field(name).get_default()
        for name in kept
        if name in columns
    }
    if not defaults:
        return rows
    filled = {}
    for pk, values in rows.items():
        stored = current.get(pk)
        filled[pk] = tuple(
            (stored[i] if stored else defaults[i]) if i in defaults else value
            for i, value in enumerate(values)
        )
    return filled


def with_defaults(
    model: type[Model], columns: list[str], rows: list[tuple]
) -> tuple[list[str], list[tuple]]:
    """The columns and rows with the model's other fields added, at their defaults (now for
    `auto_now` and `auto_now_add` fields, as save() writes them); but the primary key, and
    fields with a database default, which the database fills in."""
    now = timezone.now()
    defaults = [
        (field.column, now if _stamps_new(field) else field.get_default())
        for field in model._meta.concrete_fields
        if field.column not in columns
        and not field.primary_key
        and field.db_default is NOT_PROVIDED
    ]
    if not defaults:
        return columns, rows
    extra = tuple(value for _, value in defaults)
    return [*columns, *(column for column, _ in defaults)], [row + extra for row in rows]


def _stamps_new(field) -> bool:
    return isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add)


def stamped(model: type[Model]) -> list[str]:
    """The columns of the model's `auto_now` fields: set to now by every write, as save() does."""
    return [
        field.column
        for field in model._meta.concrete_fields
        if isinstance(field, DateTimeField) and field.auto_now
    ]


def insert_rows(model: type[Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert rows; the model's other fields get their defaults."""
    if not rows:
        return
    columns, rows = with_defaults(model, columns, rows)
    if use_copy(rows):
        copy_rows(model._meta.db_table, columns, rows)
        return
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {model._meta.db_table} ({names}) VALUES ({marks})",
            adapted(model, columns, rows),
        )


def insert_new(model: type[Model], rows: list[dict]) -> list[int]:
    """Insert rows given as column values (attname -> value; the model's defaults for those
    left out) and return their new pks, in order: on PostgreSQL above COPY_ABOVE rows with
    COPY and the pks allocated in advance, else with bulk_create. No signals are sent."""
    if not use_copy(rows):
        return [instance.pk for instance in model.objects.bulk_create(model(**r) for r in rows)]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = [name for name, field in fields.items() if not field.primary_key]
    names = [name for name in names if any(name in row for row in rows)]
    defaults = {
        name: fields[name].get_default()
        if fields[name].db_default is NOT_PROVIDED
        else fields[name].default
        for name in names
    }
    pks = allocate_ids(model, len(rows))
    insert_rows(
        model,
        [model._meta.pk.column, *(fields[name].column for name in names)],
        [
            (pk, *(row.get(name, defaults[name]) for name in names))
            for pk, row in zip(pks, rows, strict=True)
        ],
    )
    return pks


def adapted(model: type[Model], columns: list[str], rows: list[tuple]) -> list[tuple]:
    """Rows for executemany: SQLite stores date-times as naive UTC text, as Django writes them."""
    if connection.vendor != "sqlite":
        return rows
    by_column = {field.column: field for field in model._meta.concrete_fields}
    positions = [
        i for i, column in enumerate(columns) if isinstance(by_column.get(column), DateTimeField)
    ]
    if not positions:
        return rows
    adapt = connection.ops.adapt_datetimefield_value
    rows = [list(row) for row in rows]
    for row in rows:
        for i in positions:
            row[i] = adapt(row[i])
    return [tuple(row) for row in rows]


@cache
def _quantum(places: str) -> Decimal:
    return Decimal(places)


def as_decimal(value: float | None, places: str) -> Decimal | None:
    """A computed float as a decimal column with these places ("0.01") stores it."""
    return None if value is None else Decimal(str(value)).quantize(_quantum(places))


def update_rows(
    model: type[Model], columns: list[str], rows: list[tuple], *, count_version: bool = False
) -> None:
    """Set `columns` of existing rows; each row is (pk, *values), and the model's `auto_now`
    fields to now. `count_version` adds one to the version of each row (core.models.Versioned):
    a change people made, not a computed one."""
    if not rows:
        return
    table, pk = model._meta.db_table, model._meta.pk.column
    counted = ", version = version + 1" if count_version else ""
    stamps = [column for column in stamped(model) if column not in columns]
    stamping = "".join(f", {column} = %s" for column in stamps)
    now = [connection.ops.adapt_datetimefield_value(timezone.now())] * len(stamps)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if use_copy(rows):
            stage = f"bulk_update_{table}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS"
                f" SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            copy_rows(stage, [pk, *columns], rows)
            assignments = ", ".join(f"{column} = s.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} t SET {assignments}{stamping}{counted}"
                f" FROM {stage} s WHERE t.{pk} = s.{pk}",
                now,
            )
            cursor.execute(f"DROP TABLE {stage}")
            return
        assignments = ", ".join(f"{column} = %s" for column in columns)
        cursor.executemany(
            f"UPDATE {table} SET {assignments}{stamping}{counted} WHERE {pk} = %s",
            [(*row[1:], *now, row[0]) for row in adapted(model, [pk, *columns], rows)],
        )


def touch(model: type[Model], pks: Iterable[int]) -> None:
    """Set the model's `auto_now` fields to now on these rows: a change written apart from
    their columns (their many-to-many links)."""
    stamps = stamped(model)
    if not stamps:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    assignments = ", ".join(f"{column} = %s" for column in stamps)
    with connection.cursor() as cursor:
        for condition, params in where_in(model._meta.pk.column, pks):
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET {assignments} WHERE {condition}",
                [*[now] * len(stamps), *params],
            )


def upsert_rows(
    model: type[Model],
    columns: list[str],
    rows: list[tuple],
    *,
    unique: list[str],
    update: list[str],
) -> None:
    """Insert rows, or where a row with the same `unique` columns exists, set its `update`
    columns: INSERT ... ON CONFLICT DO UPDATE. A new row's other fields get their defaults. On
    PostgreSQL many rows go with COPY into a temporary table and one INSERT ... SELECT; a few
    rows, and SQLite, with executemany."""
    if not rows:
        return
    columns, rows = with_defaults(model, columns, rows)
    table, names = model._meta.db_table, ", ".join(columns)
    conflict = f"ON CONFLICT ({', '.join(unique)}) DO UPDATE SET " + ", ".join(
        f"{column} = EXCLUDED.{column}" for column in update
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if use_copy(rows):
            stage = f"bulk_upsert_{table}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS"
                f" SELECT {names} FROM {table} WITH NO DATA"
            )
            copy_rows(stage, columns, rows)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {conflict}")
            cursor.execute(f"DROP TABLE {stage}")
            return
        by_column = {field.column: field for field in model._meta.concrete_fields}
        fields = [by_column[column] for column in columns]
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}",
            [
                tuple(
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                )
                for row in rows
            ],
        )


def use_copy(rows: list) -> bool:
    return connection.vendor == "postgresql" and len(rows) > COPY_ABOVE


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """COPY rows into a table in PostgreSQL's binary format (typed by the table's columns):
    about three times faster to produce than text for dates, times and decimals."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table} LIMIT 0")
        types = [column.type_code for column in cursor.description]
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)


def save_rows(
    model: type[Model],
    columns: list[str],
    rows: Mapping[int, tuple],
    current: Mapping[int, tuple],
) -> tuple[list[int], list[int]]:
    """Write `rows` (pk -> values of `columns`): insert new pks, update the ones that differ
    from `current` (pk -> values now stored); a changed row of a Versioned model counts a
    version. Returns the created and the changed pks."""
    created = [(pk, *values) for pk, values in rows.items() if pk not in current]
    changed = [
        (pk, *values) for pk, values in rows.items() if pk in current and current[pk] != values
    ]
    insert_rows(model, [model._meta.pk.column, *columns], created)
    update_rows(model, columns, changed, count_version=issubclass(model, Versioned))
    return [row[0] for row in created], [row[0] for row in changed]


def save_links(
    through: type[Model],
    source: str,
    target: str,
    wanted: Mapping[int, set[int]],
    current: Mapping[int, set[int]],
) -> set[int]:
    """Make each source's links in a many-to-many table `wanted`; returns the sources changed."""
    if current:
        none = set()
        changed = {pk for pk, targets in wanted.items() if targets != current.get(pk, none)}
    else:  # only new sources
        changed = {pk for pk, targets in wanted.items() if targets}
    stale = [pk for pk in changed if current.get(pk)]
    with connection.cursor() as cursor:
        for condition, params in where_in(source, stale):
            cursor.execute(f"DELETE FROM {through._meta.db_table} WHERE {condition}", params)
    pairs = [(pk, other) for pk in changed for other in wanted[pk]]
    insert_rows(through, [source, target], pairs)
    return changed


def record_history(
    model: type[Model],
    pks: Iterable[int],
    *,
    kind: str,
    user_pk: int | None,
    reason: str,
    when: datetime,
) -> None:
    """Add django-simple-history records for these rows as they are now stored, in bulk.

    One INSERT ... SELECT per chunk of rows, and one per many-to-many field the history
    tracks (its snapshot rows join the new records by their date and reason).
    """
    pks = list(pks)
    if not pks:
        return
    history = model.history.model
    columns = [
        field.column
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    names = ", ".join(columns)
    table, pk = model._meta.db_table, model._meta.pk.column
    when = connection.ops.adapt_datetimefield_value(when)
    with connection.cursor() as cursor:
        for condition, params in where_in(pk, pks):
            cursor.execute(
                f"INSERT INTO {history._meta.db_table} ({names}, history_date, history_type,"
                f" history_user_id, history_change_reason) SELECT {names}, %s, %s, %s, %s"
                f" FROM {table} WHERE {condition}",
                [when, kind, user_pk, reason, *params],
            )
        for m2m in history._history_m2m_fields:
            snapshot = getattr(history, m2m.name).model
            through = m2m.remote_field.through
            links = [field.column for field in through._meta.concrete_fields]
            source = m2m.m2m_column_name()
            with hash_joins(many=len(pks) > COPY_ABOVE):
                cursor.execute(
                    f"INSERT INTO {snapshot._meta.db_table} ({', '.join(links)}, history_id)"
                    f" SELECT {', '.join(f'l.{link}' for link in links)}, h.history_id"
                    f" FROM {through._meta.db_table} l JOIN {history._meta.db_table} h"
                    f" ON h.{pk} = l.{source} WHERE h.history_date = %s AND h.history_type = %s"
                    f" AND h.history_change_reason = %s",
                    [when, kind, reason],
                )


@contextmanager
def hash_joins(*, many: bool):
    """On PostgreSQL, for `many` rows, no nested-loop joins: the history rows just inserted have
    no statistics yet, so the planner expects one and would probe an index 100,000 times."""
    if not many or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [before])
