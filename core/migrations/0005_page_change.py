"""The record of changes the page cache asks about (core.db.changes): a table, not a model, so
that a flush of the models' tables keeps it. PostgreSQL only; its triggers are made after every
migrate."""

from django.db import migrations

CREATE = """
CREATE TABLE page_change (
    scope text NOT NULL,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX page_change_scope_xid ON page_change (scope, xid);
"""
DROP = """
DROP FUNCTION IF EXISTS page_change_record() CASCADE;
DROP TABLE page_change;
"""


def run(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_webhook_previous_secret"),
    ]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
