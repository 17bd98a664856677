"""The bulk doors of the activity services (mail and calendar capture use them): the same rules
as the one-row writers, all or nothing, one recompute request per account."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relationships.activity.services import interactions_bulk_create, open_items_bulk_create
from relationships.models import Channel, Interaction, OpenItem, RecomputeRequest, Touchpoint
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db


def row(account, people, **changes) -> dict:
    values = {
        "account_id": account.pk,
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "stakeholder_ids": [person.pk for person in people],
        "channel_id": Channel.objects.get(slug="email").pk,
        "touchpoint_id": Touchpoint.objects.get(slug="service").pk,
        "direction": Interaction.Direction.INBOUND,
        "sentiment": 1,
    }
    return values | changes


def test_many_interactions_are_logged_with_their_people_and_one_request_per_account(org):
    jane, lee = StakeholderFactory.create_batch(2, account=org.account)

    pks = interactions_bulk_create([row(org.account, [jane, lee]), row(org.account, [lee])])

    logged = [Interaction.objects.get(pk=pk) for pk in pks]
    assert [set(i.stakeholders.all()) for i in logged] == [{jane, lee}, {lee}]
    assert list(RecomputeRequest.objects.values_list("account_id", flat=True)) == [org.account.pk]


@pytest.mark.parametrize(
    ("people", "changes", "field"),
    [
        ("outsider", {}, "row 2: stakeholders"),
        ("nobody", {}, "row 2: stakeholders"),
        ("jane", {"sentiment": 3}, "row 2: sentiment"),
        ("jane", {"occurred_at": timezone.now() + dt.timedelta(days=2)}, "row 2: occurred_at"),
    ],
)
def test_one_bad_row_refuses_them_all_and_names_it(org, people, changes, field):
    jane = StakeholderFactory(account=org.account)
    named = {
        "outsider": [StakeholderFactory(account=org.other_account)],
        "nobody": [],
        "jane": [jane],
    }[people]

    with pytest.raises(ValidationError) as refusal:
        interactions_bulk_create([row(org.account, [jane]), row(org.account, named, **changes)])

    assert field in refusal.value.message_dict
    assert not Interaction.objects.exists()
    assert not RecomputeRequest.objects.exists()


def test_open_items_in_bulk_follow_the_open_item_rules(org):
    today = timezone.localdate()
    good = {"account_id": org.account.pk, "kind": "repeated_request", "title": "Asked again"}

    with pytest.raises(ValidationError):
        open_items_bulk_create([good | {"opened_on": today + dt.timedelta(days=3)}])
    items = open_items_bulk_create([good | {"opened_on": today}])

    assert [item.title for item in OpenItem.objects.all()] == ["Asked again"]
    assert items[0].pk is not None


def test_a_large_bulk_write_stores_every_column_and_link(org):
    jane, lee = StakeholderFactory.create_batch(2, account=org.account)
    rows = [
        row(org.account, [jane, lee] if n % 2 else [lee], sentiment=n % 5 - 2, source="email")
        for n in range(150)  # above the size written with COPY on PostgreSQL
    ]

    pks = interactions_bulk_create(rows)

    stored = Interaction.objects.in_bulk(pks)
    assert [stored[pk].sentiment for pk in pks] == [n % 5 - 2 for n in range(150)]
    assert {interaction.source for interaction in stored.values()} == {"email"}
    assert [stored[pk].stakeholders.count() for pk in pks[:4]] == [1, 2, 1, 2]


def test_a_value_repeated_from_a_good_row_does_not_excuse_a_bad_field_later(org):
    jane = StakeholderFactory(account=org.account)
    rows = [row(org.account, [jane]) for _ in range(149)]
    rows.append(row(org.account, [jane], response_hours=-1))

    with pytest.raises(ValidationError) as refusal:
        interactions_bulk_create(rows)

    assert "row 150: response_hours" in refusal.value.message_dict
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("count", [2, 150])  # 150: written with COPY on PostgreSQL
def test_rows_written_in_bulk_say_when(org, time_machine, count):
    jane = StakeholderFactory(account=org.account)
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    item = {"account_id": org.account.pk, "kind": "repeated_request"}
    item["opened_on"] = timezone.localdate()

    pks = interactions_bulk_create([row(org.account, [jane]) for _ in range(count)])
    open_items_bulk_create([item | {"title": f"Asked {n}"} for n in range(count)])

    stored = Interaction.objects.filter(pk__in=pks).values_list("updated_at", flat=True)
    assert list(stored) == [now] * count
    assert list(OpenItem.objects.values_list("updated_at", flat=True)) == [now] * count
