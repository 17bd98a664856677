"""SQL helpers shared by the set-based aggregates of the recompute and the large reads of the
boards: the same statements run on PostgreSQL and on SQLite (the embedded default)."""

import datetime as dt

from django.db import connection, connections
from django.utils import timezone

from core.db.bulk import in_chunks


def age_days_sql(column: str, *, date_column: bool = False) -> str:
    """SQL for the age in days of `column` at the as-of parameter (%(as_of)s or %(today)s)."""
    if connection.vendor == "postgresql":
        if date_column:
            return f"(%(today)s::date - {column})"
        # date_part, not EXTRACT: EXTRACT gives numeric, whose POWER() in a recency weight
        # costs about ten times more than the rest of an aggregate over a million rows.
        return f"(date_part('epoch', %(as_of)s::timestamptz - {column}) / 86400.0)"
    if date_column:
        return f"(julianday(%(today)s) - julianday({column}))"
    return f"(julianday(%(as_of)s) - julianday({column}))"


def aggregate(sql: str, account_ids: list[int], params: dict) -> dict[int, tuple]:
    """Run an aggregate over the rows of these accounts: one query on PostgreSQL (an array
    parameter), one per chunk of ids on SQLite. Rows are keyed by their first column."""
    rows = {}
    with connection.cursor() as cursor:
        for chunk in in_chunks(account_ids):
            if connection.vendor == "postgresql":
                condition, ids = "account_id = ANY(%(accounts)s)", {"accounts": chunk[0]}
            else:
                ids = {f"a{i}": pk for i, pk in enumerate(chunk)}
                condition = f"account_id IN ({', '.join(f'%({name})s' for name in ids)})"
            cursor.execute(sql.replace("{accounts}", condition), {**params, **ids})
            rows.update({row[0]: row[1:] for row in cursor.fetchall()})
    return rows


def fetch_rows(sql: str, params, *, using: str = "default") -> list[tuple]:
    """The rows of a statement as the database driver gives them."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset as the database driver gives them, without Django's
    converter call for each value: for a read of a thousand rows whose columns already are
    what Python wants (text, integers, figures cast to floats in SQL)."""
    return fetch_rows(*queryset.query.sql_with_params(), using=queryset.db)


def end_of(day: dt.date) -> dt.datetime:
    """The moment the numbers of `day` are computed as of: the midnight that ends it."""
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


def time_params(as_of: dt.datetime) -> dict:
    """The %(as_of)s and %(today)s parameters of the aggregates, as the database wants them."""
    if connection.vendor == "postgresql":
        return {"as_of": as_of, "today": as_of.date()}
    return {
        "as_of": as_of.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "today": as_of.date().isoformat(),
    }
