"""Creating an account in the browser: managers (in their own teams) and admins, with the rules
the CSV import applies; CSMs may not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account
from accounts.services import account_create
from tests.factories import TeamFactory, UserFactory


def account_data(org, **changes):
    data = {
        "name": "Initech",
        "domain": "initech.example",
        "segment": "mid-market",
        "team": org.team.pk,
        "owner": org.teammate.pk,
        "customer_since": "2021-03-01",
        "renewal_date": "2027-03-01",
        "arr": "84000",
        "cost_to_serve": "21000.50",
        "seats_purchased": "120",
        "status": "onboarding",
    }
    return {**data, **changes}


def test_the_account_list_links_managers_to_the_new_account_page(client, org):
    client.force_login(org.manager)
    assert '<a class="btn btn-sm btn-primary" href="/accounts/new/">New account</a>' in (
        client.get("/").text
    )
    client.force_login(org.csm)
    assert "/accounts/new/" not in client.get("/").text


def test_a_manager_creates_an_account_of_their_team(client, org):
    client.force_login(org.manager)
    response = client.post("/accounts/new/", account_data(org))
    account = Account.objects.get(name="Initech")
    assert response.url == account.get_absolute_url()
    assert (account.team, account.owner, account.status) == (org.team, org.teammate, "onboarding")
    assert (account.domain, account.segment, account.seats_purchased) == (
        "initech.example", "mid-market", 120
    )  # fmt: skip
    assert (account.customer_since, account.renewal_date) == (
        dt.date(2021, 3, 1), dt.date(2027, 3, 1)
    )  # fmt: skip
    assert (account.arr, account.cost_to_serve) == (Decimal("84000"), Decimal("21000.50"))
    assert account.history.get().history_user == org.manager
    page = client.get(response.url).text
    assert "Created the account Initech." in page


def test_the_new_account_form_offers_every_field_and_no_archived_status(client, org):
    client.force_login(org.admin)
    form = client.get("/accounts/new/").context["form"]
    assert list(form.fields) == [
        "name", "domain", "segment", "team", "owner", "customer_since", "renewal_date", "arr",
        "cost_to_serve", "seats_purchased", "status",
    ]  # fmt: skip
    assert [value for value, _label in form.fields["status"].choices] == [
        "onboarding",
        "active",
        "at_risk",
        "churned",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_csms_get_403_on_the_new_account_page(client, org, method):
    client.force_login(org.csm)
    response = getattr(client, method)("/accounts/new/", account_data(org))
    assert response.status_code == 403
    assert not Account.objects.filter(name="Initech").exists()


BAD_INPUT = {
    "no name": ({"name": ""}, "name", "This field is required."),
    "renewal before customer since": (
        {"customer_since": "2021-03-01", "renewal_date": "2021-02-01"},
        "renewal_date",
        "On or after the customer-since date, 1 Mar 2021.",
    ),
    "customer since 1999": (
        {"customer_since": "1999-12-31"}, "customer_since", "Between 1 Jan 2000 and today."
    ),
    "customer since 2035": (
        {"customer_since": "2035-01-01", "renewal_date": ""},
        "customer_since",
        "Between 1 Jan 2000 and today.",
    ),
    "renewal in 2100": (
        {"renewal_date": "2100-01-01"}, "renewal_date", "Between 1 Jan 2000 and 31 Dec 2099."
    ),
    "negative ARR": (
        {"arr": "-1"}, "arr", "Ensure this value is greater than or equal to 0."
    ),
    "archived": ({"status": "archived"}, "status", "Select a valid choice."),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_answers_422_with_the_field_error_and_writes_nothing(client, org, case):
    changes, field, message = BAD_INPUT[case]
    client.force_login(org.manager)
    response = client.post("/accounts/new/", account_data(org, **changes))
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    assert f'id="error_1_id_{field}"' in response.text
    assert not Account.objects.filter(name__in=["Initech", ""]).exists()


def test_the_owner_must_be_a_member_or_the_manager_of_the_team(client, org):
    stranger = UserFactory(email="stranger@example.com")
    org.other_team.members.add(stranger)
    client.force_login(org.admin)
    response = client.post("/accounts/new/", account_data(org, owner=stranger.pk))
    assert response.status_code == 422
    assert response.context["form"].errors["owner"] == [
        "Must be a member or the manager of team Team A."
    ]
    assert not Account.objects.filter(name="Initech").exists()


def test_a_manager_may_choose_only_their_own_teams(client, org):
    TeamFactory(name="Team C", members=[org.manager])  # a member: one of their teams too
    client.force_login(org.manager)
    form = client.get("/accounts/new/").context["form"]
    assert [team.name for team in form.fields["team"].queryset] == ["Team A", "Team C"]
    response = client.post(
        "/accounts/new/", account_data(org, team=org.other_team.pk, owner=org.outsider.pk)
    )
    assert response.status_code == 422
    assert response.context["form"].errors["team"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Account.objects.filter(name="Initech").exists()


def test_the_service_refuses_what_the_form_refuses(org):
    with pytest.raises(ValidationError) as refused:
        account_create(
            name="Initech",
            team=org.team,
            owner=org.outsider,
            customer_since=dt.date(2021, 3, 1),
            renewal_date=dt.date(2020, 1, 1),
        )
    assert refused.value.message_dict == {
        "owner": ["Must be a member or the manager of team Team A."],
        "renewal_date": ["On or after the customer-since date, 1 Mar 2021."],
    }
    assert not Account.objects.filter(name="Initech").exists()
