"""Which data changed since a snapshot, by table and by account (PostgreSQL only).

Every write to a table of the project's models records, through a trigger of the table, one
row in `page_change` per statement: the table's name, and the table's name `@` the account for
each account whose rows the statement touched (`relationships_interaction@7`). The account of a
row is read from its own column (an `account` foreign key, or the id of the account table), or,
one step away, from the row it points to (a person's snapshot through its person). A TRUNCATE
records `*`. Each change carries its transaction's id, so a reader holding a snapshot can ask
whether any change committed that the snapshot did not see: the page cache's question.

The triggers are made again after every `migrate` (a table added later has them too) and cost a
write one insert per statement and one per account it touched.
"""

from django.apps import apps
from django.conf import settings
from django.db import connections, models

EVERYTHING = "*"

FUNCTION = """
CREATE OR REPLACE FUNCTION page_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    accounts text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO page_change (scope) VALUES ('*');
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_rows LIMIT 1;
    ELSE
        PERFORM 1 FROM new_rows LIMIT 1;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO page_change (scope) VALUES (TG_TABLE_NAME);
    IF accounts <> '' THEN
        IF TG_OP = 'INSERT' THEN
            accounts := replace(accounts, '{rows}', 'new_rows');
        ELSIF TG_OP = 'DELETE' THEN
            accounts := replace(accounts, '{rows}', 'old_rows');
        ELSE
            accounts := replace(accounts, '{rows}', 'new_rows') || ' UNION '
                || replace(accounts, '{rows}', 'old_rows');
        END IF;
        EXECUTE format(
            'INSERT INTO page_change (scope) SELECT DISTINCT %L || ''@'' || a FROM (%s) s (a)'
            ' WHERE a IS NOT NULL',
            TG_TABLE_NAME, accounts
        );
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = (
    ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("update", "UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
)


def account_model():
    return apps.get_model(settings.PAGE_CACHE_ACCOUNT_MODEL)


def _account_column(model) -> str | None:
    """The column of `model` holding its account's id, if it has one."""
    if model is account_model():
        return model._meta.pk.column
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is account_model():
            return field.column
    return None


def account_sql(model) -> str:
    """SQL selecting the accounts of the rows in `{rows}`, or '' when they have none."""
    if column := _account_column(model):
        return f'SELECT "{column}" FROM {{rows}}'
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and (
            parent_column := _account_column(field.related_model)
        ):
            parent = field.related_model._meta
            return (
                f'SELECT p."{parent_column}" FROM {{rows}} r JOIN "{parent.db_table}" p'
                f' ON p."{field.target_field.column}" = r."{field.column}"'
            )
    return ""


def tracked_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def account_tables() -> frozenset[str]:
    """The tables whose changes are recorded for each account too."""
    return frozenset(model._meta.db_table for model in tracked_models() if account_sql(model))


def triggers_install(using: str = "default", **kwargs) -> None:
    """Give every table of the project's models that lacks them its change triggers (after each
    migrate, and each flush)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'page_change_truncate'"
        )
        done = {row[0] for row in cursor.fetchall()}  # the last trigger made for a table
        for model in tracked_models():
            table = model._meta.db_table
            if table not in existing or table in done:
                continue
            argument = account_sql(model).replace("'", "''")
            for name, event, referencing in TRIGGERS:
                cursor.execute(
                    f'CREATE OR REPLACE TRIGGER page_change_{name} AFTER {event} ON "{table}"'
                    f" {referencing} FOR EACH STATEMENT"
                    f" EXECUTE FUNCTION page_change_record('{argument}')"
                )
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER page_change_truncate AFTER TRUNCATE ON "{table}"'
                " FOR EACH STATEMENT EXECUTE FUNCTION page_change_record('')"
            )


def snapshot(connection) -> str:
    """The current snapshot of this autocommit connection: what a read now sees."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def changed_since(connection, seen: str, scopes: list[str]) -> bool:
    """Whether a change to any of `scopes` has committed that the snapshot `seen` did not see."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM page_change WHERE scope = ANY(%s)"
            " AND xid >= pg_snapshot_xmin(%s::pg_snapshot)"
            " AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot))",
            [scopes, seen, seen],
        )
        return cursor.fetchone()[0]


def changes_forget(connection, before: str) -> int:
    """Delete the changes every transaction since the snapshot `before` was taken has seen."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM page_change WHERE xid < pg_snapshot_xmin(%s::pg_snapshot)", [before]
        )
        return cursor.rowcount
