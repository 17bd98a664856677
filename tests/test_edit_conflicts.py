"""Lost updates: two people edit the same stakeholder, account profile or gap case from forms
drawn at the same version. The second save is refused (409) with the form showing what is now
stored and a note of who changed what, and nothing of it is written. Every other save of these
rows counts a version too, so a form drawn before it is refused as well."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts import services
from accounts.models import Account
from dataio.services import csv_import
from relationships.gaps import model as gaps
from relationships.gaps.services import gap_cases_sync
from relationships.models import GapCase, Stakeholder
from surveys.models import Question
from tests.dataio.files import account, as_csv, stakeholder
from tests.factories import GapCaseFactory, InvitationFactory, StakeholderFactory, invitation_token

PEOPLE = {"HX-Request": "true", "HX-Target": "people"}
PROFILE = {"HX-Request": "true", "HX-Target": "profile"}
CONFIG = gaps.GapConfig()
REFUSED = "Nothing was saved; the form shows the current values: make your change again."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def drawn_version(response) -> str:
    """The version the edit form in this response carries, hidden."""
    return re.search(r'name="version" value="(\d+)"', response.text).group(1)


def person_data(person: Stakeholder, **changes) -> dict:
    data = {
        "name": person.name,
        "title": person.title,
        "email": person.email,
        "role": person.role,
        "buying_influence": person.buying_influence,
        "trust": person.trust,
        "respect": person.respect,
        "strength": person.strength or "",
        "status": person.status,
    }
    return {**data, **changes}


def profile_data(account: Account, **changes) -> dict:
    data = {
        "name": account.name,
        "status": account.status,
        "team": account.team_id,
        "owner": account.owner_id,
        "notes": account.notes,
    }
    return {**data, **changes}


@pytest.fixture
def rita(org):
    return StakeholderFactory(account=org.account, name="Rita Alvarez", title="Director")


def test_the_second_of_two_stakeholder_editors_is_refused_and_the_first_change_stays(org, rita):
    csm, teammate = signed_in(org.csm), signed_in(org.teammate)
    url = f"/stakeholders/{rita.pk}/edit/"
    csm_saw = drawn_version(csm.get(url, headers=PEOPLE))
    teammate_saw = drawn_version(teammate.get(url, headers=PEOPLE))

    saved = csm.post(url, person_data(rita, title="VP Operations", version=csm_saw), headers=PEOPLE)
    refused = teammate.post(
        url, person_data(rita, strength="2", version=teammate_saw), headers=PEOPLE
    )

    assert (saved.status_code, refused.status_code) == (200, 409)
    assert refused.text.lstrip().startswith('<section id="people"')  # the section, in place
    assert escape(f"Changed by {org.csm} after you opened this form: title. {REFUSED}") in (
        refused.text
    )
    assert 'value="VP Operations"' in refused.text  # the form shows what is stored now
    assert drawn_version(refused) == "1"
    rita.refresh_from_db()
    assert (rita.title, rita.strength, rita.version) == ("VP Operations", None, 1)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_the_second_of_two_profile_editors_is_refused_and_the_first_change_stays(org, htmx):
    headers = PROFILE if htmx else {}
    csm, manager = signed_in(org.csm), signed_in(org.manager)
    url = f"/accounts/{org.account.pk}/edit/"
    csm_saw = drawn_version(csm.get(url, headers=headers))
    manager_saw = drawn_version(manager.get(url, headers=headers))

    csm.post(url, profile_data(org.account, segment="Enterprise", version=csm_saw), headers=headers)
    refused = manager.post(
        url,
        profile_data(org.account, notes="Renewal at risk.", version=manager_saw),
        headers=headers,
    )

    assert refused.status_code == 409
    assert refused.text.lstrip().startswith('<section id="profile"') == htmx
    assert escape(f"Changed by {org.csm} after you opened this form: segment.") in refused.text
    assert 'value="Enterprise"' in refused.text
    account = Account.objects.get(pk=org.account.pk)
    assert (account.segment, account.notes, account.version) == ("Enterprise", "", 1)


def test_the_second_of_two_gap_case_editors_is_refused_and_the_first_change_stays(org):
    case = GapCaseFactory(account=org.account)
    csm, teammate = signed_in(org.csm), signed_in(org.teammate)
    csm_saw = drawn_version(csm.get(f"/gaps/{case.pk}/"))
    teammate_saw = drawn_version(teammate.get(f"/gaps/{case.pk}/"))
    url = f"/gaps/{case.pk}/edit/"

    csm.post(url, {"owner": org.csm.pk, "notes": "Call the sponsor.", "version": csm_saw})
    refused = teammate.post(url, {"owner": org.teammate.pk, "notes": "", "version": teammate_saw})

    assert refused.status_code == 409
    assert escape(f"Changed by {org.csm} after you opened this form: notes.") in refused.text
    assert "Call the sponsor." in refused.text
    case.refresh_from_db()
    assert (case.owner, case.notes, case.version) == (org.csm, "Call the sponsor.", 1)


@pytest.mark.parametrize("version", ["", "x", "-1"])
def test_an_edit_without_a_good_version_is_refused_with_an_error(client, org, rita, version):
    client.force_login(org.csm)
    response = client.post(
        f"/stakeholders/{rita.pk}/edit/",
        person_data(rita, title="CEO", version=version),
        headers=PEOPLE,
    )
    assert response.status_code == 422
    assert "This form is damaged: reload the page and make your change again." in response.text
    rita.refresh_from_db()
    assert (rita.title, rita.version) == ("Director", 0)


def test_marking_someone_as_left_counts_a_version(client, org, rita):
    client.force_login(org.csm)
    url = f"/stakeholders/{rita.pk}/edit/"
    saw = drawn_version(client.get(url, headers=PEOPLE))
    client.post(f"/stakeholders/{rita.pk}/left/", headers=PEOPLE)
    refused = client.post(url, person_data(rita, title="CEO", version=saw), headers=PEOPLE)
    assert refused.status_code == 409
    assert escape(f"Changed by {org.csm} after you opened this form: status.") in refused.text
    rita.refresh_from_db()
    assert (rita.status, rita.title, rita.version) == ("left", "Director", 1)


def test_a_survey_answer_that_changes_trust_counts_a_version(client, org, rita):
    invitation = InvitationFactory(account=org.account, stakeholder=rita)
    questions = {q.kind: q.pk for q in Question.objects.filter(template__slug="relationship-check")}
    answers = {"scale": "4", "nps": "8", "trust": "high", "respect": "high"}
    client.post(
        f"/s/{invitation_token(invitation)}/",
        {f"q{questions[kind]}": value for kind, value in answers.items()},
    )
    rita.refresh_from_db()
    assert (rita.trust, rita.version, rita.history.first().version) == ("high", 1, 1)

    client.force_login(org.csm)
    refused = client.post(
        f"/stakeholders/{rita.pk}/edit/",
        person_data(rita, title="CEO", version="0"),
        headers=PEOPLE,
    )
    assert refused.status_code == 409
    note = "after you opened this form: trust, respect (Rita Alvarez, answering the survey"
    assert note in refused.text
    rita.refresh_from_db()
    assert (rita.title, rita.version) == ("Director", 1)


@pytest.mark.parametrize("changed", [1, 150])  # past a hundred rows PostgreSQL uses COPY
def test_an_import_counts_a_version_of_each_row_it_changes(org, changed):
    accounts = [account("A-1"), account("A-2")]
    people = [stakeholder(f"S-{n}") for n in range(changed + 1)]

    def import_files():
        files = {"accounts.csv": accounts, "stakeholders.csv": people}
        csv_import(files={name: as_csv(name, rows) for name, rows in files.items()})

    import_files()
    accounts[0]["name"] = "Acme Corporation"
    for person in people[:changed]:
        person["title"] = "Changed"
    import_files()

    imported = Account.objects.filter(external_id__in=["A-1", "A-2"])
    assert dict(imported.values_list("external_id", "version")) == {"A-1": 1, "A-2": 0}
    assert set(Stakeholder.objects.values_list("title", "version")) == {("", 0), ("Changed", 1)}
    changes = Stakeholder.history.filter(history_type="~").values_list("version", flat=True)
    assert list(changes) == [1] * changed


def test_moving_and_reopening_a_case_count_a_version_following_it_does_not(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    client.post(f"/gaps/{case.pk}/move/", {"to": "resolved", "reason": "A plan is agreed."})
    case.refresh_from_db()
    assert (case.state, case.version) == ("resolved", 1)

    def detect(gap: gaps.Gap) -> list[int]:
        now = timezone.now()
        detections = {org.account.pk: gap}
        return gap_cases_sync(detections=detections, today=now.date(), config=CONFIG, now=now)[1]

    detect(gaps.Gap(0.1, ""))  # the gap went away: the case is marked converged, a computed column
    assert GapCase.objects.values_list("converged", "version").get() == (True, 1)
    assert detect(gaps.Gap(1.0, case.gap_class)) == [case.pk]  # and came back
    assert GapCase.objects.values_list("state", "version").get() == ("detected", 2)


def test_computed_columns_neither_stale_a_profile_form_nor_are_undone_by_it(client, org):
    """Code rewrites an account's computed columns at any time: a stakeholder's save its
    coverage flags, a recompute its score, even while an edit is being saved. An open profile
    form neither conflicts with them nor puts back the values it loaded."""
    client.force_login(org.csm)
    url = f"/accounts/{org.account.pk}/edit/"
    saw = drawn_version(client.get(url, headers=PROFILE))
    client.post(
        f"/accounts/{org.account.pk}/stakeholders/new/",
        {"name": "Dana Boss", "role": "decision_maker", "buying_influence": "high", "strength": "5",
         "status": "active"},
        headers=PEOPLE,
    )  # fmt: skip
    save = services.edit_save

    def recomputed_meanwhile(form, *, seen):
        Account.objects.filter(pk=org.account.pk).update(relationship_score=Decimal("7.5"))
        return save(form, seen=seen)

    with mock.patch.object(services, "edit_save", recomputed_meanwhile):
        saved = client.post(
            url, profile_data(org.account, segment="SMB", version=saw), headers=PROFILE
        )
    assert saved.status_code == 200
    account = Account.objects.get(pk=org.account.pk)
    assert (account.segment, account.strong_relationships, account.relationship_score) == (
        "SMB", 1, Decimal("7.5")
    )  # fmt: skip
    assert account.version == 1
