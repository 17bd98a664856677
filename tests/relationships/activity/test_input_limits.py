"""Bad input is refused with a field error that says what is allowed, answers 422 and changes
nothing: dates out of range, a renewal before "customer since", a gap case due before it was
opened, two people of an account with one email, and free text over 5,000 characters."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from core.limits import day_text
from relationships.models import GapCase, Interaction, Stakeholder
from tests.factories import AccountFactory, GapCaseFactory, InteractionFactory, StakeholderFactory
from tests.relationships.activity.test_activity import interaction_data
from tests.relationships.people.test_stakeholder_views import stakeholder_data

HTMX = {"HX-Request": "true"}


def drawn_form(response, kind: str):
    """The quick-log form of `kind` the activity section in the response drew."""
    forms = response.context["quicklog_forms"]
    return next(form for drawn, _label, form in forms if drawn == kind)


def test_an_interaction_dated_1900_is_refused(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/interaction/",
        interaction_data(org, occurred_at="1900-01-01T10:00"),
        headers={**HTMX, "HX-Target": "activity"},
    )
    assert response.status_code == 422
    assert drawn_form(response, "interaction").errors["occurred_at"] == [
        "Between 1 Jan 2000 and now."
    ]
    assert not Interaction.objects.exists()


def test_a_100000_character_summary_is_refused_and_the_limit_is_shown(client, org):
    client.force_login(org.csm)
    url = f"/accounts/{org.account.pk}/log/interaction/"
    response = client.post(url, interaction_data(org, summary="x" * 100_000), headers=HTMX)
    assert response.status_code == 422
    assert drawn_form(response, "interaction").errors["summary"] == [
        "Ensure this value has at most 5000 characters (it has 100000)."
    ]
    assert not Interaction.objects.exists()
    assert 'maxlength="5000"' in response.text
    assert "Up to 5,000 characters." in response.text


def test_a_relationship_starting_in_2035_is_refused(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/stakeholders/new/",
        stakeholder_data(relationship_since="2035-01-01"),
        headers={**HTMX, "HX-Target": "people"},
    )
    assert response.status_code == 422
    assert response.context["stakeholder_form"].errors["relationship_since"] == [
        "Between 1 Jan 2000 and today."
    ]
    assert not Stakeholder.objects.exists()


def test_a_second_person_with_the_same_email_at_an_account_is_refused(client, org):
    StakeholderFactory(account=org.account, name="Rita Alvarez", email="rita@acme.example")
    StakeholderFactory(account=org.other_account, email="dana@acme.example")  # elsewhere: fine
    client.force_login(org.csm)
    url = f"/accounts/{org.account.pk}/stakeholders/new/"
    response = client.post(url, stakeholder_data(name="Dana", email="RITA@acme.example"))
    assert response.status_code == 422
    assert response.context["stakeholder_form"].errors["email"] == [
        "Rita Alvarez at this account has this email already: each person needs an email of"
        " their own, or none."
    ]
    assert not Stakeholder.objects.filter(name="Dana").exists()
    response = client.post(url, stakeholder_data(name="Dana", email="dana@acme.example"))
    assert response.status_code == 302


def test_an_edit_may_not_take_a_colleagues_email_but_keeps_its_own(client, org):
    StakeholderFactory(account=org.account, name="Rita Alvarez", email="rita@acme.example")
    dana = StakeholderFactory(account=org.account, name="Dana", email="dana@acme.example")
    client.force_login(org.csm)
    url = f"/stakeholders/{dana.pk}/edit/"
    data = stakeholder_data(name="Dana", version=dana.version)
    response = client.post(url, {**data, "email": "rita@acme.example"})
    assert response.status_code == 422
    dana.refresh_from_db()
    assert dana.email == "dana@acme.example"
    assert client.post(url, {**data, "email": "Dana@acme.example"}).status_code == 302


def test_the_database_keeps_one_person_per_email_at_an_account(org):
    StakeholderFactory(account=org.account, email="rita@acme.example")
    StakeholderFactory.create_batch(2, account=org.account, email="")  # no email: no limit
    StakeholderFactory(account=org.other_account, email="rita@acme.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        StakeholderFactory(account=org.account, email="Rita@Acme.example")


def test_a_renewal_before_customer_since_is_refused(client, org):
    Account.objects.filter(pk=org.account.pk).update(customer_since=dt.date(2021, 3, 1))
    account = Account.objects.get(pk=org.account.pk)
    client.force_login(org.csm)
    data = {
        "name": "Acme", "status": "active", "team": org.team.pk, "owner": org.csm.pk,
        "customer_since": "2021-03-01", "renewal_date": "2021-02-28", "version": account.version,
    }  # fmt: skip
    response = client.post(
        f"/accounts/{org.account.pk}/edit/", data, headers={**HTMX, "HX-Target": "profile"}
    )
    assert response.status_code == 422
    assert response.context["profile_form"].errors["renewal_date"] == [
        "On or after the customer-since date, 1 Mar 2021."
    ]
    assert Account.objects.get(pk=org.account.pk).renewal_date is None


@pytest.mark.parametrize(
    ("due_on", "message"),
    [
        ("2001-06-01", "On or after the day the case was opened, {opened}."),
        ("2100-01-01", "Between 1 Jan 2000 and 31 Dec 2099."),
    ],
)
def test_a_gap_case_due_date_out_of_range_is_refused(client, org, due_on, message):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(
        f"/gaps/{case.pk}/edit/", {"owner": org.csm.pk, "due_on": due_on, "version": case.version}
    )
    assert response.status_code == 422
    opened = day_text(timezone.localdate(case.opened_at))
    assert response.context["case_form"].errors["due_on"] == [message.format(opened=opened)]
    assert GapCase.objects.get(pk=case.pk).due_on is None


def test_gap_case_notes_are_capped_at_5000_characters(client, org):
    case = GapCaseFactory(account=org.account)
    client.force_login(org.csm)
    data = {"owner": org.csm.pk, "notes": "x" * 5001, "version": case.version}
    response = client.post(f"/gaps/{case.pk}/edit/", data)
    assert response.status_code == 422
    assert GapCase.objects.get(pk=case.pk).notes == ""


def test_every_writer_that_validates_meets_the_limits(org):
    """The rules are on the models: the admin and any other full_clean see them too."""
    interaction = InteractionFactory.build(
        account=AccountFactory(),
        occurred_at=dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
        summary="x" * 5001,
    )
    with pytest.raises(ValidationError) as refused:
        interaction.full_clean()
    assert refused.value.message_dict == {
        "occurred_at": ["Between 1 Jan 2000 and now."],
        "summary": ["Ensure this value has at most 5000 characters (it has 5001)."],
    }
