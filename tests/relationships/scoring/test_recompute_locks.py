"""A recompute holds its accounts' rows, so that two recomputes of one account take turns; a
write that only refers to the account (a logged interaction, whose foreign key PostgreSQL checks
at commit) does not wait for it, so the two cannot deadlock."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from relationships.models import Interaction
from relationships.scoring.recompute import scores_recompute
from tests.factories import InteractionFactory
from tests.test_double_submits import postgresql  # noqa: F401 (a fixture)


@pytest.fixture
def recompute_held(postgresql, org):  # noqa: F811
    """A recompute of the account, its transaction held open until the test ends."""
    held, release = threading.Event(), threading.Event()

    def recompute():
        with transaction.atomic():
            scores_recompute(account_ids=[org.account.pk])
            held.set()
            release.wait(30)
        connection.close()

    thread = threading.Thread(target=recompute)
    thread.start()
    assert held.wait(30)
    yield
    release.set()
    thread.join()


def waiting_at_most_two_seconds():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '2s'")


def recompute_waiting_at_most_two_seconds(account_id: int) -> None:
    with transaction.atomic():
        waiting_at_most_two_seconds()
        scores_recompute(account_ids=[account_id])


def test_logging_activity_does_not_wait_for_a_recompute_of_the_account(recompute_held, org):
    with transaction.atomic():
        waiting_at_most_two_seconds()
        InteractionFactory(account=org.account)
    assert Interaction.objects.filter(account=org.account).count() == 1


def test_a_second_recompute_of_the_account_waits_its_turn(recompute_held, org):
    with pytest.raises(OperationalError, match="lock timeout"):
        recompute_waiting_at_most_two_seconds(org.account.pk)
