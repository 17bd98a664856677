"""Quick-log forms on the account page, the timeline, and closing open items."""

import datetime as dt

import pytest
from django.utils import timezone

from relationships.models import Interaction, Moment, OpenItem, PulseCheck
from tests.factories import (
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    catalog,
)

HTMX = {"HX-Request": "true", "HX-Target": "activity"}


def interaction_data(org, **changes):
    from relationships.models import Channel, Touchpoint

    data = {
        "interaction-occurred_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "interaction-channel": catalog(Channel, "call").pk,
        "interaction-touchpoint": catalog(Touchpoint, "delivery").pk,
        "interaction-direction": "inbound",
        "interaction-sentiment": "-1",
        "interaction-verbosity": "long",
        "interaction-response_hours": "3.5",
        "interaction-summary": "Delivery slipped again; they want a plan by Friday.",
    }
    return {**data, **{f"interaction-{key}": value for key, value in changes.items()}}


def test_logging_an_interaction_shows_it_at_the_top_of_the_timeline(client, org):
    rita = StakeholderFactory(account=org.account, name="Rita Alvarez")
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/interaction/",
        interaction_data(org, stakeholders=[rita.pk]),
        headers=HTMX,
    )
    assert response.text.lstrip().startswith('<section id="activity"')
    interaction = Interaction.objects.get()
    assert (interaction.our_person, interaction.sentiment) == (org.csm, -1)
    assert list(interaction.stakeholders.all()) == [rita]
    first = response.context["timeline"].entries[0]
    assert (first.kind, first.item.pk, first.when) == (
        "interaction", interaction.pk, interaction.occurred_at
    )  # fmt: skip
    assert (first.item.stakeholder_names, first.item.our_person) == ("Rita Alvarez", str(org.csm))
    assert "Delivery slipped again" in response.text
    assert "Interaction logged." in response.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sentiment": "3"}, "sentiment", "Select a valid choice"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "in the future"),
        ({"response_hours": "-2"}, "response_hours", "greater than or equal to 0"),
        ({"channel": ""}, "channel", "This field is required"),
    ],
)
def test_bad_interactions_are_refused_with_field_errors(client, org, changes, field, message):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/interaction/",
        interaction_data(org, **changes),
        headers=HTMX,
    )
    assert message in response.text
    assert f"error_1_id_interaction-{field}" in response.text
    assert not Interaction.objects.exists()


def test_an_interaction_with_someone_from_another_account_is_refused(client, org):
    stranger = StakeholderFactory(account=org.other_account)
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/interaction/",
        interaction_data(org, stakeholders=[stranger.pk]),
        headers=HTMX,
    )
    assert "Select a valid choice" in response.text
    assert not Interaction.objects.exists()


def test_logging_a_moment_an_open_item_and_a_pulse_check(client, org):
    from relationships.models import MomentType

    client.force_login(org.csm)
    today = timezone.localdate().isoformat()
    client.post(
        f"/accounts/{org.account.pk}/log/moment/",
        {
            "moment-moment_type": catalog(MomentType, "outage").pk,
            "moment-occurred_on": today,
            "moment-emotion": "enraged",
            "moment-intensity": "3",
            "moment-value_impact": "destroyed",
            "moment-value_amount": "12000",
            "moment-identified_by": "customer",
        },
        headers=HTMX,
    )
    client.post(
        f"/accounts/{org.account.pk}/log/open_item/",
        {
            "open_item-kind": "promise",
            "open_item-title": "Send the RCA",
            "open_item-opened_on": today,
        },
        headers=HTMX,
    )
    response = client.post(
        f"/accounts/{org.account.pk}/log/pulse/",
        {"pulse-happiness": "2", "pulse-checked_on": today, "pulse-note": "Tense after outage"},
        headers=HTMX,
    )
    moment = Moment.objects.get()
    assert (moment.emotion, moment.value_impact, moment.value_amount) == (
        "enraged",
        "destroyed",
        12000,
    )
    assert OpenItem.objects.get().title == "Send the RCA"
    assert PulseCheck.objects.get().csm == org.csm
    kinds = [entry.kind for entry in response.context["timeline"].entries]
    assert sorted(kinds) == ["moment", "open_item", "pulse"]
    assert response.context["active_kind"] == "pulse"


def test_open_item_due_before_it_opened_is_refused(client, org):
    client.force_login(org.csm)
    response = client.post(
        f"/accounts/{org.account.pk}/log/open_item/",
        {
            "open_item-kind": "ticket",
            "open_item-title": "Broken export",
            "open_item-opened_on": "2026-03-10",
            "open_item-due_on": "2026-03-01",
        },
        headers=HTMX,
    )
    assert "cannot be before the item was opened" in response.text
    assert response.context["active_kind"] == "open_item"
    assert not OpenItem.objects.exists()


def test_pulse_check_uses_the_happiness_scale_labels(client, org):
    client.force_login(org.csm)
    response = client.get(org.account.get_absolute_url())
    assert "1 – Walk-away angry" in response.text
    assert "5 – Gushing promoter" in response.text


def test_unknown_kind_of_entry_is_404(client, org):
    client.force_login(org.csm)
    assert client.post(f"/accounts/{org.account.pk}/log/nonsense/", {}).status_code == 404


def test_closing_an_open_item_with_one_click(client, org):
    item = OpenItemFactory(account=org.account, title="Send the RCA")
    client.force_login(org.csm)
    response = client.post(f"/open-items/{item.pk}/close/", headers=HTMX)
    item.refresh_from_db()
    assert item.closed_on == timezone.localdate()
    assert "Closed “Send the RCA”." in response.text
    assert "Closed " + timezone.localdate().strftime("%-d %b %Y") in response.text


def test_outsiders_can_neither_log_nor_close(client, org):
    item = OpenItemFactory(account=org.account)
    client.force_login(org.outsider)
    assert (
        client.post(
            f"/accounts/{org.account.pk}/log/interaction/", interaction_data(org)
        ).status_code
        == 404
    )
    assert client.post(f"/open-items/{item.pk}/close/").status_code == 404
    assert client.get(f"/accounts/{org.account.pk}/timeline/").status_code == 404
    item.refresh_from_db()
    assert item.closed_on is None
    assert not Interaction.objects.exists()


def test_timeline_is_newest_first_across_kinds(client, org):
    now = timezone.now()
    InteractionFactory(account=org.account, occurred_at=now - dt.timedelta(days=5), summary="old")
    MomentFactory(account=org.account, occurred_on=(now - dt.timedelta(days=1)).date())
    PulseCheckFactory(account=org.account, checked_on=(now - dt.timedelta(days=3)).date())
    OpenItemFactory(account=org.account, opened_on=(now - dt.timedelta(days=8)).date())
    client.force_login(org.csm)
    response = client.get(org.account.get_absolute_url())
    kinds = [entry.kind for entry in response.context["timeline"].entries]
    assert kinds == ["moment", "pulse", "interaction", "open_item"]


def test_timeline_filters_by_person_channel_touchpoint_and_kind(client, org):
    from relationships.models import Channel, Touchpoint

    rita = StakeholderFactory(account=org.account, name="Rita")
    InteractionFactory(account=org.account, stakeholders=[rita], summary="with rita")
    InteractionFactory(
        account=org.account, channel=catalog(Channel, "text"), summary="texted",
        touchpoint=catalog(Touchpoint, "billing"),
    )  # fmt: skip
    MomentFactory(account=org.account, stakeholder=rita)
    PulseCheckFactory(account=org.account)
    client.force_login(org.csm)
    url = f"/accounts/{org.account.pk}/timeline/"

    def kinds(query):
        response = client.get(url, query, headers={"HX-Request": "true"})
        return sorted(
            (e.kind, getattr(e.item, "summary", "")) for e in response.context["timeline"].entries
        )

    assert kinds({"stakeholder": rita.pk}) == [("interaction", "with rita"), ("moment", "")]
    assert kinds({"channel": catalog(Channel, "text").pk}) == [("interaction", "texted")]
    assert kinds({"touchpoint": catalog(Touchpoint, "billing").pk}) == [("interaction", "texted")]
    assert kinds({"kind": "pulse"}) == [("pulse", "")]


def test_timeline_pages_load_more(client, org):
    InteractionFactory.create_batch(25, account=org.account)
    client.force_login(org.csm)
    first = client.get(org.account.get_absolute_url())
    assert len(first.context["timeline"].entries) == 20
    assert "Load more" in first.text
    more = client.get(
        f"/accounts/{org.account.pk}/timeline/?page=2", headers={"HX-Request": "true"}
    )
    assert len(more.context["timeline"].entries) == 5
    assert more.text.lstrip().startswith("<li")
    assert "Load more" not in more.text
    seen = {e.item.pk for e in first.context["timeline"].entries + more.context["timeline"].entries}
    assert len(seen) == 25


@pytest.mark.parametrize("size", [1, 5])  # every kind on the first page
def test_timeline_query_count_is_the_same_at_any_size(client, org, django_assert_num_queries, size):
    rita = StakeholderFactory(account=org.account)
    InteractionFactory.create_batch(size, account=org.account, stakeholders=[rita])
    MomentFactory.create_batch(size, account=org.account)
    OpenItemFactory.create_batch(size, account=org.account)
    PulseCheckFactory.create_batch(size, account=org.account)
    client.force_login(org.csm)
    # session, user, account, scales, people and catalogs (4), and the timeline's one query
    with django_assert_num_queries(9):
        client.get(f"/accounts/{org.account.pk}/timeline/", headers={"HX-Request": "true"})
