"""The write services called with plain values, as an API or a mailbox would call them: each
writes its row and asks for its account's recompute; a refusal is a ValidationError by field
and writes nothing, not even the recompute request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account
from core.idempotency import AlreadySubmitted
from core.versions import EditConflict
from relationships.activity.services import (
    activity_record,
    competitor_rating_create,
    interaction_create,
    moment_create,
    open_item_create,
    pulse_check_create,
)
from relationships.models import (
    Channel,
    CompetitorDimension,
    CompetitorRating,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    RecomputeRequest,
    Stakeholder,
    Touchpoint,
)
from relationships.people.services import coverage_refresh, stakeholder_create, stakeholder_update
from tests.factories import CompetitorFactory, StakeholderFactory, catalog

pytestmark = pytest.mark.django_db


def requested() -> set[int]:
    """The accounts waiting for a recompute."""
    return set(RecomputeRequest.objects.values_list("account_id", flat=True))


def refused(write, **values) -> dict[str, list[str]]:
    """The errors by field of a write that must be refused."""
    with pytest.raises(ValidationError) as refusal:
        write(**values)
    return refusal.value.message_dict


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def interaction(org, **changes) -> dict:
    values = {
        "account": org.account,
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "stakeholders": [StakeholderFactory(account=org.account)],
        "channel": catalog(Channel, "call"),
        "touchpoint": catalog(Touchpoint, "delivery"),
        "direction": Interaction.Direction.INBOUND,
        "sentiment": -1,
    }
    return {**values, **changes}


def test_an_interaction_is_logged_with_its_people_and_asks_for_the_recompute(org):
    rita = StakeholderFactory(account=org.account)
    logged = interaction_create(**interaction(org, stakeholders=[rita], our_person=org.csm))
    stored = Interaction.objects.get()
    assert (stored.pk, stored.sentiment, stored.our_person) == (logged.pk, -1, org.csm)
    assert list(stored.stakeholders.all()) == [rita]
    assert requested() == {org.account.pk}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sentiment": 3}, "sentiment"),
        ({"stakeholders": []}, "stakeholders"),
        ({"occurred_at": timezone.now() + dt.timedelta(days=2)}, "occurred_at"),
    ],
    ids=["sentiment out of range", "nobody", "in the future"],
)
def test_an_interaction_that_breaks_a_rule_is_refused_and_nothing_is_written(org, changes, field):
    assert field in refused(interaction_create, **interaction(org, **changes))
    assert not Interaction.objects.exists()
    assert requested() == set()


def test_an_interaction_with_a_person_of_another_account_is_refused(org):
    stranger = StakeholderFactory(account=org.other_account)
    errors = refused(interaction_create, **interaction(org, stakeholders=[stranger]))
    assert errors == {"stakeholders": ["Must be a stakeholder of the same account."]}
    assert not Interaction.objects.exists()


def test_a_moment_is_logged_and_asks_for_the_recompute(org):
    moment_create(
        account=org.account,
        moment_type=catalog(MomentType, "go_live"),
        occurred_on=yesterday(),
        emotion=Moment.Emotion.DELIGHTED,
        value_impact=Moment.Impact.CREATED,
        value_amount=Decimal("1200"),
    )
    assert Moment.objects.get().value_amount == Decimal("1200")
    assert requested() == {org.account.pk}


def test_a_moment_with_an_amount_but_no_impact_is_refused(org):
    errors = refused(
        moment_create,
        account=org.account,
        moment_type=catalog(MomentType, "go_live"),
        occurred_on=yesterday(),
        emotion=Moment.Emotion.MISSED,
        value_amount=Decimal("500"),
    )
    assert errors == {"value_impact": ["Say whether the amount was created or destroyed."]}
    assert not Moment.objects.exists()
    assert requested() == set()


def test_an_open_item_is_opened_and_asks_for_the_recompute(org):
    item = open_item_create(
        account=org.account, kind=OpenItem.Kind.TICKET, title="Export fails", opened_on=yesterday()
    )
    assert OpenItem.objects.get().title == item.title == "Export fails"
    assert requested() == {org.account.pk}


def test_an_open_item_due_before_it_was_opened_is_refused(org):
    errors = refused(
        open_item_create,
        account=org.account,
        kind=OpenItem.Kind.PROMISE,
        title="Send the plan",
        opened_on=yesterday(),
        due_on=yesterday() - dt.timedelta(days=1),
    )
    assert list(errors) == ["due_on"]
    assert not OpenItem.objects.exists()


def test_a_pulse_check_is_recorded_and_asks_for_the_recompute(org):
    pulse_check_create(account=org.account, csm=org.csm, checked_on=yesterday(), happiness=2)
    assert PulseCheck.objects.get().happiness == 2
    assert requested() == {org.account.pk}


def test_a_pulse_check_off_the_scale_is_refused(org):
    errors = refused(
        pulse_check_create, account=org.account, csm=org.csm, checked_on=yesterday(), happiness=6
    )
    assert list(errors) == ["happiness"]
    assert not PulseCheck.objects.exists()
    assert requested() == set()


def rating(org, **changes) -> dict:
    values = {
        "account": org.account,
        "stakeholder": StakeholderFactory(account=org.account),
        "competitor": CompetitorFactory(),
        "dimension": catalog(CompetitorDimension, "service"),
        "our_rating": 4,
        "their_rating": 2,
        "rated_on": yesterday(),
    }
    return {**values, **changes}


def test_a_competitor_rating_is_recorded_and_asks_for_the_recompute(org):
    competitor_rating_create(**rating(org, source=CompetitorRating.Source.SURVEY))
    stored = CompetitorRating.objects.get()
    assert (stored.our_rating, stored.their_rating, stored.source) == (4, 2, "survey")
    assert requested() == {org.account.pk}


def test_a_competitor_rating_off_the_scale_or_by_a_stranger_is_refused(org):
    stranger = StakeholderFactory(account=org.other_account)
    errors = refused(competitor_rating_create, **rating(org, their_rating=0, stakeholder=stranger))
    assert set(errors) == {"their_rating", "stakeholder"}
    assert not CompetitorRating.objects.exists()
    assert requested() == set()


def test_a_quick_log_is_written_once_per_submission_key(org):
    key = "6f1c2d9e-5b7a-4c3d-8e9f-0a1b2c3d4e5f"
    values = {"checked_on": yesterday(), "happiness": 4, "submission_key": key}
    activity_record("pulse", account=org.account, user=org.csm, **values)
    with pytest.raises(AlreadySubmitted):
        activity_record("pulse", account=org.account, user=org.csm, **values)
    assert list(PulseCheck.objects.values_list("csm", flat=True)) == [org.csm.pk]


def coverage(account: Account) -> tuple[bool, bool]:
    account.refresh_from_db()
    return account.single_threaded, account.no_decision_maker_coverage


def test_a_stakeholder_is_added_with_owners_history_and_coverage(org):
    StakeholderFactory(account=org.account, strength=5)
    coverage_refresh(account_ids=[org.account.pk])
    assert coverage(org.account) == (True, True)
    ada = stakeholder_create(
        account=org.account,
        name="Ada Park",
        email="ada@acme.example",
        role=Stakeholder.Role.DECISION_MAKER,
        strength=4,
        owners=[org.csm],
    )
    assert list(ada.owners.all()) == [org.csm]
    assert ada.history.latest().name == "Ada Park"
    assert (org.account.single_threaded, org.account.no_decision_maker_coverage) == (False, False)
    assert coverage(org.account) == (False, False)
    assert requested() == {org.account.pk}


def test_a_stakeholder_with_a_taken_email_or_an_owner_from_another_team_is_refused(org):
    StakeholderFactory(account=org.account, email="ada@acme.example")
    errors = refused(
        stakeholder_create,
        account=org.account,
        name="Ada Again",
        email="ADA@acme.example",
        owners=[org.outsider],
    )
    assert set(errors) == {"email", "owners"}
    assert Stakeholder.objects.count() == 1
    assert requested() == set()


def test_a_stakeholder_update_writes_a_version_and_refreshes_coverage(org):
    person = StakeholderFactory(account=org.account, role=Stakeholder.Role.CHAMPION, strength=5)
    stakeholder_update(stakeholder=person, version=0, status=Stakeholder.Status.LEFT)
    person.refresh_from_db()
    assert (person.status, person.version) == ("left", 1)
    assert person.history.latest().status == "left"
    org.account.refresh_from_db()
    assert org.account.champion_left
    assert requested() == {org.account.pk}


def test_a_stakeholder_update_from_an_old_version_is_refused_and_writes_nothing(org):
    person = StakeholderFactory(account=org.account, title="Director")
    stakeholder_update(stakeholder=person, version=0, title="VP")
    stale = Stakeholder.objects.get(pk=person.pk)
    with pytest.raises(EditConflict):
        stakeholder_update(stakeholder=stale, version=0, title="CTO")
    person.refresh_from_db()
    assert (person.title, person.version) == ("VP", 1)


def test_a_stakeholder_update_that_breaks_a_rule_is_refused_and_writes_nothing(org):
    person = StakeholderFactory(account=org.account)
    manager = StakeholderFactory(account=org.other_account)
    errors = refused(stakeholder_update, stakeholder=person, version=0, reports_to=manager)
    assert errors == {"reports_to": ["Must be a stakeholder of the same account."]}
    person.refresh_from_db()
    assert (person.reports_to, person.version) == (None, 0)
    assert requested() == set()


def test_a_stakeholder_moved_to_another_account_refreshes_both(org):
    person = StakeholderFactory(account=org.account, strength=5)
    StakeholderFactory(account=org.account, strength=5)
    StakeholderFactory(account=org.other_account, strength=5)
    coverage_refresh(account_ids=[org.account.pk, org.other_account.pk])
    assert (coverage(org.account), coverage(org.other_account)) == ((False, True), (True, True))
    stakeholder_update(stakeholder=person, version=0, account=org.other_account)
    assert (coverage(org.account), coverage(org.other_account)) == ((True, True), (False, True))
    assert requested() == {org.account.pk, org.other_account.pk}
