"""On PostgreSQL, search matches on the search vector each searched table stores (desk's
migrations), indexed with GIN: the planner answers each kind's match from its index, and the
stored vector follows every change of the row. Skipped on SQLite (run the suite with
DATABASE_URL=postgres://... to check)."""

import pytest
from django.db import connection

from accounts.models import Account
from desk.selectors import KINDS, _matching, _matching_words, search
from tests.factories import InteractionFactory, StakeholderFactory

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
    found = plan(_matching_words(kind, ["omar", "pet"]))
    assert f"Bitmap Index Scan on {table}_search_vector" in found


def test_the_index_answers_the_prefix_search(org):
    StakeholderFactory(account=org.account, name="Omar Petrov")
    kind = KINDS["person"]
    rows = _matching(kind, ["omar", "pet"], Account.objects.visible_to(org.csm).values("pk"))
    assert list(rows.values_list("name", flat=True)) == ["Omar Petrov"]


def test_the_stored_vector_follows_a_change_of_the_row(org):
    person = StakeholderFactory(account=org.account, name="Omar Petrov")
    InteractionFactory(account=org.account, summary="Call about the outage")
    person.name = "Omar Ivanov"
    person.save(update_fields=["name"])
    found = [result.title for result in search(user=org.csm, text="omar").top(8)]
    assert found == ["Omar Ivanov"]
    assert search(user=org.csm, text="petrov").top(8) == []
    assert [result.kind for result in search(user=org.csm, text="outage").top(8)] == ["interaction"]


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_loading_a_row_does_not_carry_its_stored_vector(slug):
    """The models do not declare the column: only search reads it."""
    assert "search_vector" not in str(KINDS[slug].model.objects.all().query)
