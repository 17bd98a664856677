"""Statements built once: a query's SQL compiled by Django with stand-ins for the ids that
change from call to call, kept per process and per database vendor, and run with the real ids.
Building the SQL of a query costs more CPU than PostgreSQL spends answering a simple one (about
0.5-1 ms a statement); a page read many times builds the same few statements again and again.

`build(*shape, *ids)` makes the query: `shape` (hashable) is what changes its SQL (which filters
apply, a page number), `ids` the integers that are only parameters of it. It is called once per
shape with negative stand-ins for the ids, so it must take them as plain numbers (`pk=`,
`account_id=`) and must not read the database.
"""

import functools
from collections.abc import Callable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from core.db.sql import fetch_rows

# No constant of a statement the project builds (kinds, JSON keys, limits) is one of these.
STAND_INS = tuple(-7_000_001 - n for n in range(8))


@functools.lru_cache(maxsize=256)
def _built(build: Callable[..., QuerySet], shape: tuple, ids: int, vendor: str):
    try:
        return build(*shape, *STAND_INS[:ids]).query.sql_with_params()
    except EmptyResultSet:  # a query that matches nothing, such as .none()
        return None


def kept_statement(
    build: Callable[..., QuerySet], shape: tuple, ids: Sequence[int]
) -> tuple[str, list] | None:
    """The SQL and parameters of `build(*shape, *ids)`, built once per shape (None: it matches
    nothing and needs no statement)."""
    built = _built(build, shape, len(ids), connection.vendor)
    if built is None:
        return None
    sql, params = built
    real = dict(zip(STAND_INS, ids, strict=False))
    return sql, [real.get(param, param) if type(param) is int else param for param in params]


def kept_rows(build: Callable[..., QuerySet], shape: tuple, ids: Sequence[int]) -> list[tuple]:
    """The rows of `build(*shape, *ids)` as the database driver gives them, by its statement
    built once per shape (none when it matches nothing)."""
    statement = kept_statement(build, shape, ids)
    return [] if statement is None else fetch_rows(*statement)
