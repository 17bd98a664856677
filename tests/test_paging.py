"""Page numbers from the query string: whatever a visitor types, every page answers, none 500s."""

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, InteractionFactory, MomentFactory
from tests.test_access_matrix import MATRIX, OK

BAD_PAGES = ["99999999999999999999999", "-1", "abc", "1e9", "0", "9" * 5000]
# The query that turns a page's paging on, where it needs one.
PAGED_BY = {"moments_report": "moment_type=go_live&"}
SIGNED_IN_PAGES = sorted(
    name for name, route in MATRIX.items() if route.method == "get" and route.expect["csm"] == OK
)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_any_page_number_answers_every_page(client, org, name):
    MomentFactory(account=org.account)
    route = MATRIX[name]
    client.force_login(org.csm)
    url = reverse(name, args=route.args(org))
    for number in BAD_PAGES:
        response = client.get(f"{url}?{PAGED_BY.get(name, '')}page={number}")
        assert response.status_code in {200, 404}, f"{url}?page={number[:30]}"


@pytest.mark.parametrize("number", ["99999999999999999999999", "-1", "abc", "1e9"])
def test_account_timeline_beyond_any_page_is_an_empty_page(client, org, number):
    InteractionFactory(account=org.account, summary="Kick-off call")
    client.force_login(org.csm)
    response = client.get(f"/accounts/{org.account.pk}/timeline/?page={number}")
    assert response.status_code == 200
    first_page = number in {"-1", "abc", "1e9"}
    assert ("Kick-off call" in response.text) == first_page


@pytest.mark.parametrize("number", ["99999999999999999999999", "100001"])
def test_account_list_beyond_the_last_page_shows_the_last_page(client, org, number):
    AccountFactory.create_batch(30, team=org.team, owner=org.csm)
    client.force_login(org.csm)
    response = client.get(f"/?page={number}")
    assert "Page 2 of 2" in response.text
    assert response.text.count('href="/accounts/') == 6
