"""Search vectors stored, on PostgreSQL only: each searched table gains a `search_vector` column
that PostgreSQL computes from the row (a stored generated column, the weighted expression 0001
indexed) and a GIN index on it, which replaces 0001's index on the expression.

A search then reads each candidate's vector instead of parsing its text again: the newest
matches of a word found in a quarter of a million interactions are picked in a few
milliseconds, not forty (docs/performance.md#search). The models do not declare the column, so
no other query loads it (desk.selectors reads it).

Adding a stored column rewrites the table under an exclusive lock: about 15 s per million
interactions. A later migration that changes the type of a searched column (an interaction's
summary, a person's name...) must drop `search_vector` first and add it again after.
"""

import importlib

from django.db import migrations

initial = importlib.import_module("desk.migrations.0001_search_indexes")
SEARCHED = initial.SEARCHED


def create_indexes(schema_editor) -> None:
    for table in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {table}_search_vector ON {table}"
            " USING gin (search_vector)"
        )


def drop_indexes(schema_editor) -> None:
    for table in SEARCHED:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {table}_search_vector")


def store(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fields in SEARCHED.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector"
            f" GENERATED ALWAYS AS ({initial.vector_sql(fields)}) STORED"
        )
    create_indexes(schema_editor)
    initial.drop(apps, schema_editor)


def unstore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    initial.create(apps, schema_editor)
    drop_indexes(schema_editor)
    for table in SEARCHED:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("desk", "0001_search_indexes")]

    operations = [migrations.RunPython(store, unstore, elidable=False)]
