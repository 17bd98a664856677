"""Quick-log forms on the account page, the timeline, and closing open items."""

import datetime as dt
from html import unescape

import pytest
from django.utils import timezone

from relationships.activity.timeline import timeline_page
from relationships.models import (
    Channel,
    Interaction,
    Moment,
    MomentType,
    OpenItem,
    PulseCheck,
    Touchpoint,
)
from tests.factories import (
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
    UserFactory,
    catalog,
)
from tests.pages import account_section, section_url

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
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "Between 1 Jan 2000 and now."),
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
    assert response.status_code == 422
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
    assert response.status_code == 422
    assert "On or after the day it was opened, 10 Mar 2026." in response.text
    assert response.context["active_kind"] == "open_item"
    assert not OpenItem.objects.exists()


def test_pulse_check_uses_the_happiness_scale_labels(client, org):
    client.force_login(org.csm)
    html = account_section(client, org.account, "quicklog-pulse")  # the tab opened
    assert html.lstrip().startswith('<form id="quicklog-pulse"')
    assert "1 – Walk-away angry" in html
    assert "5 – Gushing promoter" in html


def test_the_account_page_draws_the_open_tab_s_form_and_loads_the_others_when_opened(client, org):
    client.force_login(org.csm)
    page = account_section(client, org.account, "activity")
    assert '<form id="quicklog-interaction"' in page  # the open tab
    for kind in ("moment", "open_item", "pulse"):
        assert f'<form id="quicklog-{kind}"' not in page
        assert f'<div id="quicklog-{kind}"' in page  # loads itself when its tab is shown
        assert f'hx-get="/accounts/{org.account.pk}/log/{kind}/"' in page
    html = account_section(client, org.account, "quicklog-moment")
    assert 'name="moment-moment_type"' in html
    assert f'action="/accounts/{org.account.pk}/log/moment/"' in html


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
    response = client.get(section_url(org.account, "activity"))
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
    first = client.get(section_url(org.account, "activity"))
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
def test_timeline_query_count_is_the_same_at_any_size(
    client, org, django_assert_num_queries, json_checked, size
):
    rita = StakeholderFactory(account=org.account)
    InteractionFactory.create_batch(size, account=org.account, stakeholders=[rita])
    MomentFactory.create_batch(size, account=org.account)
    OpenItemFactory.create_batch(size, account=org.account)
    PulseCheckFactory.create_batch(size, account=org.account)
    client.force_login(org.csm)
    # user, account, people, and the timeline's one query; the first read of the filters'
    # catalogs (channels, touchpoints, moment types) fills the cache: 3 more, once
    with django_assert_num_queries(7):
        client.get(f"/accounts/{org.account.pk}/timeline/", headers={"HX-Request": "true"})


@pytest.mark.parametrize("size", [1, 30])
def test_timeline_page_is_one_query_with_every_kind_at_any_size(
    org, django_assert_num_queries, json_checked, size
):
    today = timezone.localdate()
    rita, omar = StakeholderFactory(account=org.account), StakeholderFactory(account=org.account)
    for day in range(size):  # each day holds one row of each kind, so every page mixes them
        on = today - dt.timedelta(days=day)
        InteractionFactory(
            account=org.account, stakeholders=[rita, omar], our_person=org.csm,
            occurred_at=timezone.now() - dt.timedelta(days=day),
        )  # fmt: skip
        MomentFactory(account=org.account, occurred_on=on, stakeholder=rita)
        OpenItemFactory(account=org.account, opened_on=on, stakeholder=omar)
        PulseCheckFactory(account=org.account, checked_on=on)
    for filters, number in [
        ({}, 1),
        ({}, 2),
        ({"stakeholder": rita.pk}, 1),
        ({"kind": "pulse"}, 1),
    ]:
        with django_assert_num_queries(1):
            page = timeline_page(org.account, filters=filters, number=number)
            # reading what the template shows loads nothing more
            [(entry.when, vars(entry.item)) for entry in page.entries]
    first = timeline_page(org.account, filters={})
    assert {entry.kind for entry in first.entries} == {
        "interaction",
        "moment",
        "open_item",
        "pulse",
    }
    assert len(first.entries) == min(20, 4 * size)
    assert first.has_more == (size > 5)


def test_timeline_shows_the_details_of_every_kind(client, org):
    today = timezone.localdate()
    org.csm.full_name = "Casey Morgan"
    org.csm.save()
    coach = UserFactory(full_name="Pat <Lee>")
    rita = StakeholderFactory(account=org.account, name="Rita Alvarez")
    sean = StakeholderFactory(account=org.account, name="Sean O'Brien")
    InteractionFactory(
        account=org.account, stakeholders=[sean, rita], our_person=org.csm,
        occurred_at=timezone.now() - dt.timedelta(hours=1), channel=catalog(Channel, "call"),
        touchpoint=catalog(Touchpoint, "delivery"), direction=Interaction.Direction.OUTBOUND,
        sentiment=-1, response_hours="3.50", summary="Plan by <Friday> & the RCA",
    )  # fmt: skip
    InteractionFactory(account=org.account, summary="Quiet week")
    MomentFactory(
        account=org.account, moment_type=catalog(MomentType, "outage"), stakeholder=rita,
        occurred_on=today - dt.timedelta(days=2), emotion=Moment.Emotion.ENRAGED, intensity=3,
        value_impact=Moment.Impact.DESTROYED, value_amount="12500.00",
        identified_by=Moment.IdentifiedBy.CUSTOMER, note="Down for a day",
    )  # fmt: skip
    OpenItemFactory(
        account=org.account, kind=OpenItem.Kind.TICKET, title="Fix the export", stakeholder=sean,
        opened_on=today - dt.timedelta(days=10), due_on=today - dt.timedelta(days=3),
    )  # fmt: skip
    OpenItemFactory(
        account=org.account, title="Send the roadmap", opened_on=today - dt.timedelta(days=9),
        due_on=today + dt.timedelta(days=4),
    )  # fmt: skip
    OpenItemFactory(
        account=org.account, title="Answer the invoice question",
        opened_on=today - dt.timedelta(days=14), closed_on=today - dt.timedelta(days=7),
    )  # fmt: skip
    PulseCheckFactory(
        account=org.account, csm=coach, happiness=2, checked_on=today - dt.timedelta(days=5),
        note="Tense after the outage",
    )  # fmt: skip
    client.force_login(org.csm)
    response = client.get(
        f"/accounts/{org.account.pk}/timeline/",
        headers={"HX-Request": "true", "HX-Target": "timeline"},
    )
    html = response.text
    assert [entry.kind for entry in response.context["timeline"].entries] == [
        "interaction", "interaction", "moment", "pulse", "open_item", "open_item", "open_item",
    ]  # fmt: skip
    # the interaction: its channel, touchpoint, direction, people (by name) and our person
    assert '<span class="badge text-bg-primary">Call</span>' in html
    assert '<span class="badge text-bg-light border">Delivery</span>' in html
    assert "Outbound (we reached out)" in html
    assert '<span class="badge sentiment-1" title="Sentiment">-1</span>' in html
    assert "replied in 3.5 h" in html
    assert "Rita Alvarez, Sean O'Brien · with Casey Morgan" in unescape(html)  # &#39; or &#x27;
    assert "Plan by &lt;Friday&gt; &amp; the RCA" in html
    assert "No one named" in html  # the quiet week names no one
    # the moment: its type and the type's touchpoint, emotion, value and who identified it
    assert '<span class="badge emotion-enraged">Enraged</span>' in html
    assert "<strong>Outage</strong>" in html
    assert '<span class="badge text-bg-light border">Service / support</span>' in html
    assert "Value destroyed: $12,500" in html
    assert "Intensity 3 of 3 · identified by the customer · Rita Alvarez" in html
    # open items: overdue, due later, closed; only the open ones can be closed
    assert '<span class="badge text-bg-warning">Ticket</span>' in html
    overdue = (today - dt.timedelta(days=3)).strftime("%-d %b %Y")
    assert f'due {overdue} <span class="text-danger fw-semibold">overdue</span> · Sean' in html
    due = (today + dt.timedelta(days=4)).strftime("%-d %b %Y")
    assert f"due {due}</div>".replace("</div>", "") in html
    assert html.count("overdue</span>") == 1
    closed = (today - dt.timedelta(days=7)).strftime("%-d %b %Y")
    assert f"Closed {closed} after 1\xa0week" in html
    assert html.count(">Close<span") == 2
    assert '<span class="visually-hidden"> Fix the export</span>' in html
    assert '<span class="visually-hidden"> Answer the invoice question</span>' not in html
    # the pulse check: the score and whose read it is
    assert '<span class="badge happiness-2">Pulse 2 of 5</span>' in html
    assert "Pat &lt;Lee&gt;'s read" in html
    assert "Tense after the outage" in html


def test_timeline_pages_keep_one_order_across_kinds(org):
    """Paging through kinds of very different sizes, with many entries on the same day, shows
    every entry once: newest first, then by kind, then newest id first."""
    today = timezone.localdate()
    midnight = dt.datetime.combine(today, dt.time(), dt.UTC)
    for n in range(7):
        InteractionFactory(account=org.account, occurred_at=midnight - dt.timedelta(days=n * 3))
    for n in range(45):
        MomentFactory(account=org.account, occurred_on=today - dt.timedelta(days=n // 5))
    for n in range(30):
        OpenItemFactory(account=org.account, opened_on=today - dt.timedelta(days=n % 4))
    for n in range(12):
        PulseCheckFactory(account=org.account, checked_on=today - dt.timedelta(days=n * 2))

    def day(value):
        return dt.datetime.combine(value, dt.time(), dt.UTC)

    expected = sorted(
        [(i.occurred_at, "interaction", i.pk) for i in Interaction.objects.all()]
        + [(day(m.occurred_on), "moment", m.pk) for m in Moment.objects.all()]
        + [(day(o.opened_on), "open_item", o.pk) for o in OpenItem.objects.all()]
        + [(day(p.checked_on), "pulse", p.pk) for p in PulseCheck.objects.all()],
        key=lambda key: (-key[0].timestamp(), key[1], -key[2]),
    )
    seen, number = [], 1
    while True:
        page = timeline_page(org.account, filters={}, number=number)
        seen += [(entry.kind, entry.item.pk) for entry in page.entries]
        if not page.has_more:
            break
        number += 1
    assert number == 5
    assert seen == [(kind, pk) for _when, kind, pk in expected]


def test_timeline_dates_an_entry_in_the_sites_time_zone(client, org, settings):
    settings.TIME_ZONE = "America/New_York"
    InteractionFactory(
        account=org.account, occurred_at=dt.datetime(2026, 1, 2, 2, 0, tzinfo=dt.UTC)
    )  # the evening of 1 January in New York
    client.force_login(org.csm)
    html = client.get(
        f"/accounts/{org.account.pk}/timeline/",
        headers={"HX-Request": "true", "HX-Target": "timeline"},
    ).text
    assert 'datetime="2026-01-01T21:00:00-05:00">1 Jan 2026</time>' in html
