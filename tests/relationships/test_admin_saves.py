"""Fixes made in the admin ask for what the same change asks for in the app: the account's
recompute for activity and profiles, for people also their account's coverage flags; and an
edit of a row people edit in forms (a person, an account, a gap case) counts a version, so that
a form drawn before it is refused."""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict

from accounts.models import Account
from relationships.models import (
    GapCase,
    Interaction,
    Moment,
    OpenItem,
    PulseCheck,
    RecomputeRequest,
    Stakeholder,
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
