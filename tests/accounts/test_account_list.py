"""The account list: search as you type, filters, sorting, pagination and a constant query count."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.models import Account
from relationships.people.services import coverage_refresh
from tests.factories import AccountFactory, StakeholderFactory

HTMX = {"HX-Request": "true", "HX-Target": "account-results"}


def names_in(response):
    return [account.name for account in response.context["page"].object_list]


@pytest.fixture
def accounts(org):
    today = timezone.localdate()
    AccountFactory(
        name="Birch Bank", team=org.team, owner=org.teammate, segment="SMB", domain="birch.example",
        arr=5000, renewal_date=today + dt.timedelta(days=20), status="at_risk",
    )  # fmt: skip
    AccountFactory(
        name="Cedar Cloud", team=org.team, owner=org.csm, segment="Enterprise", arr=90000,
        renewal_date=today + dt.timedelta(days=200), external_id="CRM-77",
    )  # fmt: skip
    AccountFactory(name="Dormant Co", team=org.team, owner=org.csm, status="archived")
    return org


def test_list_search_matches_name_domain_and_external_id(client, accounts):
    client.force_login(accounts.csm)
    assert names_in(client.get("/?q=ced")) == ["Cedar Cloud"]
    assert names_in(client.get("/?q=birch.example")) == ["Birch Bank"]
    assert names_in(client.get("/?q=crm-77")) == ["Cedar Cloud"]


def test_list_search_as_you_type_returns_only_the_results_fragment(client, accounts):
    client.force_login(accounts.csm)
    response = client.get("/?q=birch", headers=HTMX)
    assert response.text.lstrip().startswith('<div id="account-results">')
    assert "<nav" not in response.text.split("account-results")[0]
    assert "Birch Bank" in response.text
    assert "Cedar Cloud" not in response.text


def test_list_filters_by_owner_segment_status_and_renewal_window(client, accounts):
    client.force_login(accounts.csm)
    assert names_in(client.get(f"/?owner={accounts.teammate.pk}")) == ["Birch Bank"]
    assert names_in(client.get("/?segment=Enterprise")) == ["Cedar Cloud"]
    assert names_in(client.get("/?status=at_risk")) == ["Birch Bank"]
    assert names_in(client.get("/?renewal_within=30")) == ["Birch Bank"]
    assert names_in(client.get("/?renewal_within=180")) == ["Birch Bank"]


def test_list_hides_archived_accounts_unless_asked(client, accounts):
    client.force_login(accounts.csm)
    assert "Dormant Co" not in names_in(client.get("/"))
    assert names_in(client.get("/?status=archived")) == ["Dormant Co"]


def test_list_ignores_a_team_filter_for_a_team_the_user_cannot_see(client, accounts):
    client.force_login(accounts.csm)
    response = client.get(f"/?team={accounts.other_team.pk}")
    assert "Globex" not in names_in(response)
    assert names_in(response) == ["Acme", "Birch Bank", "Cedar Cloud"]


def test_list_filters_by_coverage_flag(client, accounts):
    StakeholderFactory(account=accounts.account, role="champion", status="left")
    coverage_refresh(account_ids=[accounts.account.pk])
    client.force_login(accounts.csm)
    assert names_in(client.get("/?flag=champion_left")) == ["Acme"]
    assert "Champion left" in client.get("/").text


def test_list_sorts_by_arr_both_ways(client, accounts):
    client.force_login(accounts.csm)
    assert names_in(client.get("/?sort=-arr"))[:2] == ["Cedar Cloud", "Birch Bank"]
    ascending = client.get("/?sort=arr")
    assert names_in(ascending).index("Birch Bank") < names_in(ascending).index("Cedar Cloud")
    assert 'aria-sort="ascending"' in ascending.text


def test_list_sort_links_keep_the_filters(client, accounts):
    client.force_login(accounts.csm)
    response = client.get("/?q=c&status=active")
    assert "?q=c&amp;status=active&amp;sort=owner" in response.text


def test_list_shows_a_no_match_state(client, accounts):
    client.force_login(accounts.csm)
    assert "No accounts match" in client.get("/?q=zzzz").text


@pytest.mark.parametrize("size", [1, 30])
def test_list_query_count_is_the_same_at_any_size(client, org, django_assert_num_queries, size):
    for account in AccountFactory.create_batch(size, team=org.team, owner=org.csm, segment="SMB"):
        StakeholderFactory.create_batch(2, account=account)
    client.force_login(org.csm)
    # user (the session is cached), the saved views (picker and default), segments, teams and
    # owners (filter choices), count, page
    with django_assert_num_queries(7):
        response = client.get("/?sort=-arr&flag=single_threaded")
    assert len(response.context["page"].object_list) == min(size + 1, 25)  # and Acme


def test_an_account_with_nobody_on_its_map_has_no_relationships_yet(client, accounts):
    cedar = Account.objects.get(name="Cedar Cloud")
    StakeholderFactory(account=cedar, strength=5)
    coverage_refresh(account_ids=[accounts.account.pk, cedar.pk])
    client.force_login(accounts.csm)
    response = client.get("/", headers=HTMX)
    rows = {
        name: row
        for row in response.text.split("<tr>")
        for name in ("Acme", "Cedar Cloud")
        if f">{name}</a>" in row
    }
    assert "No relationships yet" in rows["Acme"]
    assert "Single-threaded" not in rows["Acme"]
    assert "Single-threaded" in rows["Cedar Cloud"]
    assert "No relationships yet" not in rows["Cedar Cloud"]
    # the stored flag, which the exports carry, is as it was
    assert Account.objects.get(pk=accounts.account.pk).single_threaded is True


def test_list_links_each_row_to_its_account_page(client, accounts):
    client.force_login(accounts.csm)
    for response in (client.get("/"), client.get("/?sort=-arr", headers=HTMX)):
        rows = re.findall(r'<td class="user-text"><a href="([^"]+)">([^<]+)</a>', response.text)
        shown = response.context["page"].object_list
        assert len(rows) == len(shown) == 3
        assert rows == [(account.get_absolute_url(), account.name) for account in shown]


def row_of(response, name: str) -> str:
    """The text of the list's row naming the account, tags and spacing aside."""
    row = next(row for row in response.text.split("<tr>") if f">{name}</a>" in row)
    return " ".join(re.sub(r"<[^>]+>", " ", row.split("</tr>")[0]).split())


def test_each_row_shows_the_accounts_figures_badges_and_score_trend(client, accounts):
    birch, cedar = Account.objects.filter(name__in=["Birch Bank", "Cedar Cloud"]).order_by("name")
    Account.objects.filter(pk=birch.pk).update(
        relationship_score=3.46, relationship_label="Good", score_trend_30d=0.4,
        single_threaded=False, no_decision_maker_coverage=False,
    )  # fmt: skip
    Account.objects.filter(pk=cedar.pk).update(relationship_score=2.0, score_trend_30d=-0.3)
    Account.objects.filter(name="Acme").update(relationship_score=4.0, score_trend_30d=0.05)
    StakeholderFactory(account=cedar)
    AccountFactory(name="Elm Energy", team=accounts.team, owner=accounts.csm, arr=None)
    client.force_login(accounts.csm)
    response = client.get("/")

    renewal = birch.renewal_date
    assert row_of(response, "Birch Bank") == (
        f"Birch Bank SMB {accounts.teammate} {accounts.team} $5,000"
        f" {renewal.day} {renewal:%b %Y} At risk 3.5 ▲ 0 (0 strong)"
    )
    assert 'title="Up 0.40 in 30 days"' in response.text
    assert 'title="Good"' in response.text
    assert row_of(response, "Cedar Cloud").endswith(
        "$90,000 " + f"{cedar.renewal_date.day} {cedar.renewal_date:%b %Y}"
        " Active 2.0 ▼ 1 (0 strong) Single-threaded No DM coverage"
    )
    assert 'title="Down -0.30 in 30 days"' in response.text
    assert "4.0 →" in row_of(response, "Acme")
    assert row_of(response, "Elm Energy") == (
        f"Elm Energy {accounts.csm} {accounts.team} — — Active — 0 (0 strong) No relationships yet"
        " No DM coverage"
    )
