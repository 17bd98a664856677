"""The account page: profile with inline editing, usage trend, and the change history."""

import datetime as dt
import json
import re

import pytest

from accounts.models import Account, UsageSnapshot
from tests.factories import (
    GapCaseFactory,
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    UserFactory,
)
from tests.pages import SECTIONS, account_section, section_url

HTMX = {"HX-Request": "true", "HX-Target": "profile"}


def profile_data(account, **changes):
    data = {
        "name": account.name,
        "external_id": account.external_id,
        "domain": "",
        "segment": "",
        "status": account.status,
        "team": account.team_id,
        "owner": account.owner_id,
        "notes": "",
        "version": account.version,
    }
    return {**data, **changes}


def test_profile_edit_form_arrives_in_place(client, org):
    client.force_login(org.csm)
    response = client.get(f"/accounts/{org.account.pk}/edit/", headers=HTMX)
    assert response.text.lstrip().startswith('<section id="profile"')
    assert 'name="renewal_date"' in response.text


def test_profile_edit_saves_and_returns_the_profile_fragment(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/",
        profile_data(org.account, segment="Enterprise", arr="120000", share_of_wallet="40"),
        headers=HTMX,
    )
    assert "Enterprise" in response.text
    assert "120,000" in response.text
    assert "Saved the profile of Acme" in response.text  # the out-of-band message
    org.account.refresh_from_db()
    assert (org.account.segment, org.account.arr) == ("Enterprise", 120000)


def test_a_profile_edit_brings_the_heading_along_and_has_the_score_card_fetch_itself(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/",
        profile_data(org.account, name="Acme Group"),
        headers=HTMX,
    )
    heading = re.search(r'<div id="heading" hx-swap-oob="true">.*?</h1>', response.text, re.S)
    assert heading, "no heading out of band"
    assert "Acme Group" in heading.group()
    assert "score-changed" in json.loads(response.headers["HX-Trigger"])


def test_profile_edit_without_javascript_redirects_to_the_page(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/", profile_data(org.account, domain="acme.example")
    )
    assert response.url == org.account.get_absolute_url()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("share_of_wallet", "150", "less than or equal to 100"),
        ("arr", "-5", "greater than or equal to 0"),
        ("renewal_date", "next tuesday", "Enter a valid date"),
        ("name", "", "This field is required"),
        ("status", "archived", "Select a valid choice"),  # archiving is a manager's action
    ],
)
def test_profile_edit_shows_field_errors_and_changes_nothing(client, org, field, value, message):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/",
        profile_data(org.account, **{field: value}),
        headers=HTMX,
    )
    assert message in response.text
    assert f'id="error_1_id_{field}"' in response.text
    assert Account.objects.get(pk=org.account.pk).name == "Acme"
    assert Account.objects.get(pk=org.account.pk).share_of_wallet is None


def test_profile_edit_refuses_an_owner_outside_the_team(client, org):
    client.force_login(org.manager)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/", profile_data(org.account, owner=org.outsider.pk)
    )
    assert "Select a valid choice" in response.text
    stranger = UserFactory(email="stranger@example.com")
    org.other_team.members.add(stranger)
    client.force_login(org.admin)
    response = client.post(
        f"/accounts/{org.account.pk}/edit/", profile_data(org.account, owner=stranger.pk)
    )
    assert response.status_code == 422
    assert "Must be a member or the manager of team Team A." in response.text
    assert Account.objects.get(pk=org.account.pk).owner == org.csm


def test_outsiders_cannot_edit_or_read_history(client, org):
    client.force_login(org.outsider)
    assert client.get(f"/accounts/{org.account.pk}/edit/").status_code == 404
    response = client.post(f"/accounts/{org.account.pk}/edit/", profile_data(org.account, name="X"))
    assert response.status_code == 404
    assert client.get(f"/accounts/{org.account.pk}/history/").status_code == 404
    assert Account.objects.get(pk=org.account.pk).name == "Acme"


def test_history_lists_who_changed_what(client, org):
    client.force_login(org.csm)
    client.post(f"/accounts/{org.account.pk}/edit/", profile_data(org.account, segment="SMB"))
    response = client.get(f"/accounts/{org.account.pk}/history/")
    change = response.context["changes"][0]
    assert (change.subject, change.action, change.who) == ("Profile", "changed", str(org.csm))
    assert ("segment", "—", "SMB") in change.fields
    assert "Segment: — → SMB" in response.text


def test_usage_trend_is_drawn_from_the_snapshots(client, org):
    for month, users in enumerate([10, 30, 20], start=1):
        UsageSnapshot.objects.create(
            account=org.account, period_start=dt.date(2026, month, 1), active_users=users,
            features_used=5, features_available=10,
        )  # fmt: skip
    client.force_login(org.csm)
    response = client.get(f"/accounts/{org.account.pk}/usage/", headers={"HX-Request": "true"})
    points = response.context["usage_chart"]["points"]
    assert [p.value for p in points] == [10, 30, 20]
    assert points[1].y < points[2].y < points[0].y  # higher values are drawn higher
    assert "20 active users in the period from 1 Mar 2026" in response.text
    assert "5 of 10 features used" in response.text


def test_account_page_without_usage_or_people_shows_empty_states(client, org):
    client.force_login(org.csm)
    assert "No stakeholders yet" in account_section(client, org.account, "people")
    assert "No usage reported yet" in account_section(client, org.account, "usage")


def test_the_page_loads_each_section_from_the_address_of_the_app_that_owns_it(client, org):
    client.force_login(org.csm)
    page = client.get(org.account.get_absolute_url()).text
    for section in SECTIONS:
        url = section_url(org.account, section)
        assert re.search(rf'<section id="{section}"[^>]* hx-get="{url}" hx-trigger="load"', page)
    # the page's own content (the navigation bar loads the notification bell the same way)
    main = page.split('<main id="main"', 1)[1]
    assert main.count('hx-trigger="load"') == len(SECTIONS)


def test_the_page_answers_htmx_with_the_page_whatever_it_targets(client, org):
    """No section is picked by the element htmx swaps into: each has its own address."""
    client.force_login(org.csm)
    for target in ("people", "usage", "quicklog-moment"):
        headers = {"HX-Request": "true", "HX-Target": target}
        page = client.get(org.account.get_absolute_url(), headers=headers).text
        assert page.startswith("<!doctype html>")
        main = page.split('<main id="main"', 1)[1]  # the page without its navigation bar
        assert main.count('hx-trigger="load"') == len(SECTIONS)


def test_a_quick_log_tab_gets_its_blank_form_from_the_address_it_posts_to(client, org):
    client.force_login(org.csm)
    response = client.get(
        section_url(org.account, "quicklog-moment"), headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<form id="quicklog-moment"')
    assert f'hx-post="/accounts/{org.account.pk}/log/moment/"' in response.text
    assert 'name="moment-occurred_on"' in response.text
    page = client.get(section_url(org.account, "quicklog-moment")).text  # without htmx
    assert 'aria-selected="true">Log moment</button>' in page  # the page, that tab open


@pytest.mark.parametrize("section", [*SECTIONS, "quicklog-pulse"])
def test_outsiders_get_no_section_of_the_account(client, org, section):
    client.force_login(org.outsider)
    url = section_url(org.account, section)
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.parametrize("people", [1, 25])
def test_account_page_and_its_sections_read_the_same_at_any_size(
    client, org, django_assert_num_queries, json_checked, people
):
    stakeholders = StakeholderFactory.create_batch(people, account=org.account)
    GapCaseFactory(account=org.account)
    # the timeline's first page shows every kind of entry: 1 or 5 of each
    entries = min(people, 5)
    InteractionFactory.create_batch(entries, account=org.account, stakeholders=stakeholders)
    MomentFactory.create_batch(entries, account=org.account, stakeholder=stakeholders[0])
    OpenItemFactory.create_batch(entries, account=org.account, stakeholder=stakeholders[0])
    PulseCheckFactory.create_batch(entries, account=org.account)
    client.force_login(org.csm)
    # the user, the account, its competitors (the profile): the sections load after the page
    # shows, from their own addresses (tests/test_query_budgets.py counts them)
    with django_assert_num_queries(3):
        client.get(org.account.get_absolute_url())
    htmx = {"HX-Request": "true"}
    people_section = client.get(section_url(org.account, "people"), headers=htmx)
    assert len(people_section.context["stakeholders"]) == people
    activity = client.get(section_url(org.account, "activity"), headers=htmx)
    timeline = activity.context["timeline"].entries
    assert len(timeline) == 4 * entries
    assert {entry.kind for entry in timeline} == {"interaction", "moment", "open_item", "pulse"}
