"""Moving the test database through its migrations, for tests of a data or state migration."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` ([(app, migration), ...]); the models as they stood there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    """Back to the newest migration of every app, for the tests that follow."""
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
