"""Adding, editing and marking stakeholders as left, inline on the account page."""

import re
from html import unescape

import pytest

from accounts.models import Account
from relationships.models import Stakeholder
from tests.factories import AccountFactory, StakeholderFactory
from tests.pages import account_section, section_url

HTMX = {"HX-Request": "true", "HX-Target": "people"}


def stakeholder_data(**changes):
    data = {
        "name": "Rita Alvarez",
        "title": "VP Operations",
        "email": "rita@acme.example",
        "role": "decision_maker",
        "buying_influence": "high",
        "trust": "high",
        "respect": "high",
        "strength": "5",
        "status": "active",
    }
    return {**data, **changes}


def test_add_stakeholder_form_arrives_in_place_with_scale_labels(client, org):
    client.force_login(org.csm)
    response = client.get(f"/accounts/{org.account.pk}/stakeholders/new/", headers=HTMX)
    assert response.text.lstrip().startswith('<section id="people"')
    assert "4 – Strong" in response.text
    assert "5 – Strong and personal" in response.text


def test_add_stakeholder_saves_updates_flags_and_returns_the_people_fragment(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/stakeholders/new/",
        stakeholder_data(owners=[org.csm.pk]),
        headers=HTMX,
    )
    rita = Stakeholder.objects.get(name="Rita Alvarez")
    assert rita.account == org.account
    assert list(rita.owners.all()) == [org.csm]
    assert "Rita Alvarez" in response.text
    assert "1 strong relationship" in response.text
    assert "No decision-maker coverage" not in response.text
    account = Account.objects.get(pk=org.account.pk)
    assert (account.strong_relationships, account.no_decision_maker_coverage) == (1, False)


def test_add_stakeholder_shows_field_errors_and_writes_nothing(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/stakeholders/new/",
        stakeholder_data(name="", email="not-an-email", strength="9"),
        headers=HTMX,
    )
    assert "This field is required" in response.text
    assert "Enter a valid email address" in response.text
    assert "Select a valid choice" in response.text
    assert not Stakeholder.objects.exists()


def test_reports_to_must_be_someone_at_the_same_account(client, org):
    foreign = StakeholderFactory(account=org.other_account)
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/stakeholders/new/",
        stakeholder_data(reports_to=foreign.pk),
        headers=HTMX,
    )
    assert "Select a valid choice" in response.text
    assert not Stakeholder.objects.filter(account=org.account).exists()


def test_reporting_cycles_are_refused(client, org):
    boss = StakeholderFactory(account=org.account, name="Boss")
    report = StakeholderFactory(account=org.account, name="Report", reports_to=boss)
    client.force_login(org.csm)
    response = client.post(
        f"/stakeholders/{boss.pk}/edit/",
        stakeholder_data(name="Boss", reports_to=report.pk, version=boss.version),
        headers=HTMX,
    )
    assert "reporting cycle" in response.text
    boss.refresh_from_db()
    assert boss.reports_to is None


def test_edit_stakeholder_keeps_history_of_the_change(client, org):
    person = StakeholderFactory(account=org.account, name="Rita Alvarez", strength=2)
    client.force_login(org.csm)
    client.post(
        f"/stakeholders/{person.pk}/edit/",
        stakeholder_data(strength="4", version=person.version),
        headers=HTMX,
    )
    person.refresh_from_db()
    assert person.strength == 4
    latest = person.history.first()
    assert latest.history_user == org.csm
    assert latest.prev_record.strength == 2


def test_mark_as_left_keeps_the_person_and_flags_a_departed_champion(client, org):
    champion = StakeholderFactory(account=org.account, role="champion", strength=5)
    client.force_login(org.csm)
    response = client.post(f"/stakeholders/{champion.pk}/left/", headers=HTMX)
    champion.refresh_from_db()
    assert champion.status == "left"
    assert "Champion left" in response.text
    assert Account.objects.get(pk=org.account.pk).champion_left is True


def test_mark_as_left_without_javascript_redirects_back(client, org):
    person = StakeholderFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(f"/stakeholders/{person.pk}/left/")
    assert response.url == org.account.get_absolute_url()


def test_mark_as_left_asks_to_confirm_in_the_row_first(client, org):
    person = StakeholderFactory(account=org.account, name="Rita Alvarez")
    client.force_login(org.csm)
    page = client.get(section_url(org.account, "people")).text
    assert f'hx-get="/stakeholders/{person.pk}/left/"' in page
    response = client.get(f"/stakeholders/{person.pk}/left/", headers=HTMX)
    assert response.text.lstrip().startswith('<section id="people"')
    assert "Left the company?" in response.text
    assert 'Yes, mark as left<span class="visually-hidden"> Rita Alvarez</span>' in response.text
    person.refresh_from_db()
    assert person.status == "active"


def test_mark_as_left_is_undone_from_the_persons_row(client, org):
    champion = StakeholderFactory(account=org.account, name="Rita Alvarez", role="champion")
    client.force_login(org.csm)
    response = client.post(f"/stakeholders/{champion.pk}/left/", headers=HTMX)
    undo = (
        '<input type="hidden" name="undo" value="1"><button class="btn btn-sm'
        ' btn-outline-secondary" type="submit">Undo<span class="visually-hidden"> marking Rita'
        " Alvarez as left</span></button>"
    )
    assert undo in response.text  # the form the next request posts
    response = client.post(f"/stakeholders/{champion.pk}/left/", {"undo": "1"}, headers=HTMX)
    champion.refresh_from_db()
    assert champion.status == "active"
    assert "Rita Alvarez is active again." in response.text
    assert "Champion left" not in response.text
    assert Account.objects.get(pk=org.account.pk).champion_left is False
    assert [record.status for record in champion.history.all()] == ["active", "left", "active"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/stakeholders/{pk}/edit/"),
        ("post", "/stakeholders/{pk}/edit/"),
        ("post", "/stakeholders/{pk}/left/"),
    ],
)
def test_outsiders_get_404_on_every_stakeholder_url(client, org, method, url):
    person = StakeholderFactory(account=org.account, name="Secret Person")
    client.force_login(org.outsider)
    response = getattr(client, method)(url.format(pk=person.pk), stakeholder_data(name="Hacked"))
    assert response.status_code == 404
    person.refresh_from_db()
    assert (person.name, person.status) == ("Secret Person", "active")


def test_outsiders_cannot_add_stakeholders_to_another_teams_account(client, org):
    client.force_login(org.outsider)
    response = client.post(f"/accounts/{org.account.pk}/stakeholders/new/", stakeholder_data())
    assert response.status_code == 404
    assert not Stakeholder.objects.exists()


def test_account_page_shows_the_three_map_views(client, org):
    ceo = StakeholderFactory(
        account=org.account, name="Cora CEO", role="executive_sponsor", buying_influence="high",
        strength=5, trust="high", respect="high",
    )  # fmt: skip
    StakeholderFactory(
        account=org.account, name="Dan Director", reports_to=ceo, strength=2, trust="high",
        respect="low",
    )  # fmt: skip
    client.force_login(org.csm)
    response = client.get(section_url(org.account, "people"))
    chart = [(person.name, depth) for person, depth in response.context["map"]["org_chart"]]
    assert chart == [("Cora CEO", 0), ("Dan Director", 1)]
    assert "Influence × strength" in response.text
    assert "Trust × respect" in response.text
    assert [p.name for p in response.context["map"]["needs_work"]] == ["Dan Director"]


def test_a_new_account_page_lists_stakeholders_of_that_account_only(client, org):
    StakeholderFactory(account=AccountFactory(team=org.team, owner=org.csm), name="Elsewhere")
    client.force_login(org.csm)
    assert "Elsewhere" not in client.get(section_url(org.account, "people")).text


def test_edit_stakeholder_records_a_reference_and_the_four_goals_count_it(client, org):
    person = StakeholderFactory(account=org.account, name="Rita Alvarez")
    client.force_login(org.csm)
    client.post(
        f"/stakeholders/{person.pk}/edit/",
        stakeholder_data(reference_willing="on", version=person.version),
        headers=HTMX,
    )
    person.refresh_from_db()
    assert person.reference_willing is True
    page = account_section(client, org.account, "goals")
    assert "1 promoter (strength 4 or 5), 1 willing to be a reference" in page


def test_account_page_people_table_says_whose_rating_it_shows(client, org):
    StakeholderFactory(account=org.account, name="Rita Alvarez", strength=4)
    client.force_login(org.csm)
    text = client.get(section_url(org.account, "people")).text
    assert '<th scope="col">CSM\'s rating</th>' in text
    assert '<th scope="col">Strength</th>' not in text
    assert "Relationship score (computed)</h2>" in text
    assert "influence · CSM's rating 4" in text


def test_account_page_says_no_relationships_yet_until_someone_is_on_the_map(client, org):
    client.force_login(org.csm)
    text = client.get(section_url(org.account, "people")).text
    assert "No relationships yet" in text
    assert "Single-threaded" not in text
    client.post(f"/accounts/{org.account.pk}/stakeholders/new/", stakeholder_data(), headers=HTMX)
    text = client.get(section_url(org.account, "people")).text
    assert "Single-threaded" in text  # one strong relationship
    assert "No relationships yet" not in text


def row_text(html: str, person) -> str:
    """The text of the person's row as shown."""
    row = html.split(f'<tr id="stakeholder-{person.pk}"')[1].split(">", 1)[1].split("</tr>")[0]
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split()))


def test_each_row_of_the_people_table_shows_the_person_as_rated(client, org):
    rita = StakeholderFactory(
        account=org.account, name="Rita <Alvarez>", title="VP Operations", role="champion",
        buying_influence="high", trust="high", respect="low", strength=4,
    )  # fmt: skip
    rita.owners.set([org.csm, org.teammate])
    sean = StakeholderFactory(
        account=org.account, name="Sean", title="", role="user", buying_influence="medium",
        trust="", respect="", strength=None, status="left",
    )  # fmt: skip
    client.force_login(org.csm)
    response = client.get(section_url(org.account, "people"), headers=HTMX)
    html = response.text
    owners = ", ".join(sorted([str(org.csm), str(org.teammate)]))
    assert row_text(html, rita) == (
        f"Rita <Alvarez> VP Operations Owned by {owners} Champion High 4 High / Low"
        " Edit Rita <Alvarez> Mark as left Rita <Alvarez>"
    )
    assert "Rita <Alvarez>" not in html  # escaped
    assert (
        '<span class="badge strength-bg-4" title="The CSM\'s rating: 4 on the relationship'
        ' scale of 1 to 5">4</span>'
    ) in html
    assert row_text(html, sean) == (
        "Sean Left User Medium not rated Unknown / Unknown Edit Sean Undo marking Sean as left"
    )
    undo = html.split(f'<tr id="stakeholder-{sean.pk}"')[1].split("</tr>")[0]
    assert f'name="csrfmiddlewaretoken" value="{response.context["csrf_token"]}"' in undo
