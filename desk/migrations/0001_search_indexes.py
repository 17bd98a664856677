"""GIN indexes for search (desk.selectors), on PostgreSQL only: on each searched table, the same
weighted `to_tsvector('simple', ...)` expression the search's query matches with, so that the
planner answers a search from the index (tests/desk/test_search_postgres.py reads the plan).
Built concurrently, so that a deployment does not lock the tables while it builds them; SQLite
searches with LIKE and needs none."""

from django.db import migrations

# table: [(column, weight)], as desk.selectors.KINDS weighs them (the test compares the two)
SEARCHED = {
    "accounts_account": [("name", "A"), ("external_id", "B"), ("domain", "B"), ("segment", "C")],
    "relationships_stakeholder": [("name", "A"), ("title", "B"), ("email", "B")],
    "relationships_gapcase": [("notes", "C")],
    "relationships_openitem": [("title", "B")],
    "relationships_moment": [("note", "C")],
    "surveys_feedbackitem": [("text", "C")],
    "relationships_interaction": [("summary", "C")],
}


# Emails and domains are indexed word by word, as desk.selectors.SPLIT says.
SPLIT = {"email", "domain"}


def vector_sql(fields) -> str:
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, COALESCE({words(column)}, '')), '{weight}')"
        for column, weight in fields
    )


def words(column: str) -> str:
    return f"translate({column}, '@.-_+', '     ')" if column in SPLIT else column


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fields in SEARCHED.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {table}_search ON {table}"
            f" USING gin (({vector_sql(fields)}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {table}_search")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0010_task_digest"),
        ("relationships", "0019_activity_updated_at"),
        ("surveys", "0008_feedback_items_move_to_relationships"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
