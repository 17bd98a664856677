"""On PostgreSQL, search matches on the expression desk's migration indexes with GIN: the
planner answers each kind's match from its index. Skipped on SQLite (run the suite with
DATABASE_URL=postgres://... to check)."""

import pytest
from django.db import connection

from accounts.models import Account
from desk.selectors import KINDS, _matching, _matching_words
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: make the choice visible
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_each_kind_is_matched_from_its_gin_index(org, slug):
    """The words alone, without the visibility join, whose plan depends on the tables' sizes
    as the rest of the suite left their statistics."""
    kind = KINDS[slug]
    table = kind.model._meta.db_table
    assert f"Bitmap Index Scan on {table}_search" in plan(_matching_words(kind, ["omar", "pet"]))


def test_the_index_answers_the_prefix_search(org):
    StakeholderFactory(account=org.account, name="Omar Petrov")
    kind = KINDS["person"]
    rows = _matching(kind, ["omar", "pet"], Account.objects.visible_to(org.csm).values("pk"))
    assert list(rows.values_list("name", flat=True)) == ["Omar Petrov"]
