"""accounts sits below relationships and may not import it: a profile edit that the scores
depend on is announced with accounts.signals.account_changed, and relationships answers it with
the same recompute request as its own writes."""

import pytest

from accounts.models import Account
from accounts.signals import account_changed
from relationships.models import RecomputeRequest
from tests.accounts.test_account_page import profile_data

pytestmark = pytest.mark.django_db


def requested() -> set[int]:
    return set(RecomputeRequest.objects.values_list("account_id", flat=True))


def test_relationships_answers_account_changed_with_a_recompute_request(org):
    account_changed.send(sender=Account, account_ids=[org.account.pk, org.other_account.pk])
    assert requested() == {org.account.pk, org.other_account.pk}


def test_a_profile_edit_asks_for_the_account_s_recompute(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/", profile_data(org.account, seats_purchased="400")
    )
    assert response.status_code == 302
    org.account.refresh_from_db()
    assert org.account.seats_purchased == 400
    assert requested() == {org.account.pk}


def test_a_refused_profile_edit_asks_for_nothing(client, org):
    client.force_login(org.csm)
    response = client.post(f"/accounts/{org.account.pk}/edit/", profile_data(org.account, name=""))
    assert response.status_code == 422
    assert requested() == set()
