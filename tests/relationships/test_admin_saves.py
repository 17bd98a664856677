"""Fixes made in the admin ask for what the same change asks for in the app: the account's
recompute for activity and profiles, for people also their account's coverage flags; and an
edit of a row people edit in forms (a person, an account, a gap case) counts a version, so that
a form drawn before it is refused."""

import datetime as dt

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import Account
from relationships.models import (
    GapCase,
    Interaction,
    Moment,
    OpenItem,
    PulseCheck,
    RecomputeRequest,
    Stakeholder,
    Task,
)
from relationships.people.services import coverage_refresh
from tests.factories import (
    CompetitorRatingFactory,
    GapCaseFactory,
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    TaskFactory,
)
from tests.test_admin import _typed, admin_request, form_data, url

pytestmark = pytest.mark.django_db


def requested() -> set[int]:
    return set(RecomputeRequest.objects.values_list("account_id", flat=True))


def admin_change(client, org, row, **changes):
    """Post the admin's change form of `row` with these values changed; the admin page's
    answer."""
    model_admin, request = admin.site._registry[type(row)], admin_request(org.admin)
    stored = model_to_dict(row)
    data = {}
    for name, field in model_admin.get_form(request, row).base_fields.items():
        data |= _typed(name, field, stored.get(name))
    for formset, _inline in model_admin.get_formsets_with_inlines(request, row):
        prefix = formset.get_default_prefix()
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= changes
    client.force_login(org.admin)
    response = client.post(url(type(row), "change", row.pk), data)
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    return response


def test_an_interaction_s_sentiment_changed_in_the_admin_asks_for_the_recompute(client, org):
    person = StakeholderFactory(account=org.account)
    interaction = InteractionFactory(account=org.account, sentiment=1, stakeholders=[person])
    admin_change(client, org, interaction, sentiment="-2")
    assert Interaction.objects.get().sentiment == -2
    assert requested() == {org.account.pk}


def test_with_the_recompute_run_at_once_an_admin_fix_changes_the_score(
    client, org, django_capture_on_commit_callbacks
):
    person = StakeholderFactory(
        account=org.account, strength=3, role="decision_maker", buying_influence="high"
    )
    InteractionFactory.create_batch(4, account=org.account, sentiment=2, stakeholders=[person])
    interaction = InteractionFactory(account=org.account, sentiment=2, stakeholders=[person])
    with django_capture_on_commit_callbacks(execute=True):
        admin_change(client, org, interaction, sentiment="2", summary="first run")
    org.account.refresh_from_db()
    before = org.account.relationship_score
    with django_capture_on_commit_callbacks(execute=True):
        admin_change(client, org, interaction, sentiment="-2")
    org.account.refresh_from_db()
    assert before is not None
    assert org.account.relationship_score < before


@pytest.mark.parametrize(
    "factory",
    [MomentFactory, OpenItemFactory, PulseCheckFactory, CompetitorRatingFactory],
    ids=["moment", "open item", "pulse check", "competitor rating"],
)
def test_activity_changed_in_the_admin_asks_for_the_recompute(client, org, factory):
    extra = {"stakeholder": StakeholderFactory(account=org.account)}
    row = factory(account=org.account, **(extra if factory is CompetitorRatingFactory else {}))
    admin_change(client, org, row)
    assert requested() == {org.account.pk}


def test_activity_moved_to_another_account_in_the_admin_recomputes_both(client, org):
    moment = MomentFactory(account=org.account)
    admin_change(client, org, moment, account=org.other_account.pk)
    assert Moment.objects.get().account == org.other_account
    assert requested() == {org.account.pk, org.other_account.pk}


def test_activity_deleted_in_the_admin_asks_for_the_recompute(client, org):
    item = OpenItemFactory(account=org.account)
    client.force_login(org.admin)
    response = client.post(url(OpenItem, "delete", item.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not OpenItem.objects.exists()
    assert requested() == {org.account.pk}


def test_activity_deleted_in_bulk_in_the_admin_asks_for_each_account_s_recompute(client, org):
    pulses = [PulseCheckFactory(account=org.account), PulseCheckFactory(account=org.other_account)]
    client.force_login(org.admin)
    response = client.post(
        url(PulseCheck, "changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in pulses], "post": "yes"},
    )
    assert response.status_code == 302
    assert not PulseCheck.objects.exists()
    assert requested() == {org.account.pk, org.other_account.pk}


def flags(account) -> tuple[bool, bool]:
    account.refresh_from_db()
    return account.single_threaded, account.no_decision_maker_coverage


def test_a_stakeholder_edited_in_the_admin_refreshes_coverage_and_counts_a_version(client, org):
    StakeholderFactory(account=org.account, strength=5)
    person = StakeholderFactory(account=org.account, strength=2)
    coverage_refresh(account_ids=[org.account.pk])
    assert flags(org.account) == (True, True)
    admin_change(client, org, person, strength="5", role=Stakeholder.Role.DECISION_MAKER)
    person.refresh_from_db()
    assert (person.strength, person.version) == (5, 1)
    assert person.history.latest().history_user == org.admin
    assert flags(org.account) == (False, False)
    assert requested() == {org.account.pk}


def test_a_stakeholder_moved_in_the_admin_refreshes_both_accounts(client, org):
    person = StakeholderFactory(account=org.account, strength=5)
    StakeholderFactory(account=org.account, strength=5)
    StakeholderFactory(account=org.other_account, strength=5)
    coverage_refresh(account_ids=[org.account.pk, org.other_account.pk])
    admin_change(client, org, person, account=org.other_account.pk)
    assert (flags(org.account), flags(org.other_account)) == ((True, True), (False, True))
    assert requested() == {org.account.pk, org.other_account.pk}


def test_a_stakeholder_added_or_deleted_in_the_admin_refreshes_coverage(client, org):
    StakeholderFactory(account=org.account, strength=5)
    source = StakeholderFactory(account=org.account, strength=5, email="ada@acme.example")
    add_form = admin.site._registry[Stakeholder].get_form(admin_request(org.admin))
    copy = form_data(add_form, source)
    source.delete()
    coverage_refresh(account_ids=[org.account.pk])
    assert flags(org.account) == (True, True)
    client.force_login(org.admin)
    response = client.post(url(Stakeholder, "add"), copy)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert flags(org.account) == (False, True)
    added = Stakeholder.objects.latest("pk")
    assert client.post(url(Stakeholder, "delete", added.pk), {"post": "yes"}).status_code == 302
    assert flags(org.account) == (True, True)
    assert requested() == {org.account.pk}


def test_an_account_edited_in_the_admin_counts_a_version_and_asks_for_the_recompute(client, org):
    admin_change(client, org, org.account, seats_purchased="250")
    stored = Account.objects.get(pk=org.account.pk)
    assert (stored.seats_purchased, stored.version) == (250, org.account.version + 1)
    assert requested() == {org.account.pk}


def test_a_gap_case_reassigned_in_the_admin_counts_a_version(client, org):
    case = GapCaseFactory(account=org.account)
    admin_change(client, org, case, owner=org.teammate.pk)
    stored = GapCase.objects.get()
    assert (stored.owner, stored.version) == (org.teammate, case.version + 1)


def test_a_task_added_in_the_admin_is_checked_and_made_as_the_app_makes_one(client, org):
    """The add page refuses what task_create refuses (an owner who may not see the account, a
    person of another account) and makes the task by hand, by the admin, with its history."""
    due = timezone.localdate() + dt.timedelta(days=3)
    data = {
        "title": "  Call   Acme ",
        "account": org.account.pk,
        "stakeholder": StakeholderFactory(account=org.other_account).pk,
        "owner": org.outsider.pk,
        "due_on": due.isoformat(),
        "priority": "high",
    }
    client.force_login(org.admin)
    refused = client.post(url(Task, "add"), data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "owner": ["Someone who can see this account."],
        "stakeholder": ["A person of this account."],
    }
    assert not Task.objects.exists()
    person = StakeholderFactory(account=org.account)
    added = client.post(url(Task, "add"), {**data, "owner": org.csm.pk, "stakeholder": person.pk})
    assert added.status_code == 302
    task = Task.objects.get()
    assert (task.title, task.owner, task.stakeholder, task.created_by, task.source) == (
        "Call Acme",
        org.csm,
        person,
        org.admin,
        "manual",
    )
    assert [record.history_user for record in task.history.all()] == [org.admin]


def test_a_task_reassigned_in_the_admin_to_someone_who_may_not_see_its_account_is_refused(
    client, org
):
    task = TaskFactory(account=org.account, owner=org.csm)
    client.force_login(org.admin)
    data = {
        "title": task.title,
        "account": org.account.pk,
        "owner": org.outsider.pk,
        "due_on": task.due_on.isoformat(),
        "priority": task.priority,
    }
    refused = client.post(url(Task, "change", task.pk), data)
    assert refused.context["adminform"].form.errors == {
        "owner": ["Someone who can see this account."]
    }
    assert Task.objects.get().owner == org.csm
    assert client.post(url(Task, "change", task.pk), {**data, "owner": org.teammate.pk}).url
    assert Task.objects.get().owner == org.teammate
