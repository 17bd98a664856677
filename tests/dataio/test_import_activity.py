"""Importing the activity files: interactions, moments, pulse checks and open items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account
from dataio.importing import ImportRejected
from dataio.services import csv_import
from relationships.models import (
    Channel,
    CompetitorRating,
    Interaction,
    Moment,
    OpenItem,
    PulseCheck,
    Stakeholder,
    Touchpoint,
)
from tests.dataio.files import (
    all_good_files,
    as_csv,
    good_activity_files,
    good_files,
    interaction,
    moment,
    open_item,
    pulse_check,
    stakeholder,
)
from tests.factories import InteractionFactory

UTC = dt.UTC


def summary_lines(summary) -> list[str]:
    return [str(result) for result in summary.files]


def people(item: Interaction) -> list[str]:
    return sorted(item.stakeholders.values_list("external_id", flat=True))


def account_pk(external_id: str) -> int:
    return Account.objects.get(external_id=external_id).pk


def test_activity_files_are_imported_after_the_account_files(org):
    summary = csv_import(files=all_good_files(), user=org.admin)

    assert summary_lines(summary) == [
        "accounts.csv: 2 created, 0 updated, 0 unchanged",
        "stakeholders.csv: 5 created, 0 updated, 0 unchanged",
        "usage.csv: 3 created, 0 updated, 0 unchanged",
        "interactions.csv: 3 created, 0 updated, 0 unchanged",
        "moments.csv: 3 created, 0 updated, 0 unchanged",
        "pulse_checks.csv: 2 created, 0 updated, 0 unchanged",
        "open_items.csv: 3 created, 0 updated, 0 unchanged",
        "competitor_ratings.csv: 3 created, 0 updated, 0 unchanged",
    ]


def test_interactions_are_imported_with_their_people(org):
    csv_import(files=all_good_files())

    call, mail, chat = Interaction.objects.order_by("occurred_at")
    assert (call.account.external_id, people(call)) == ("A-1", ["S-1", "S-2"])
    assert call.occurred_at == dt.datetime(2025, 3, 4, 9, 30, tzinfo=UTC)  # 10:30 at +01:00
    assert (call.channel.slug, call.touchpoint.slug, call.direction) == (
        "call",
        "implementation",
        "outbound",
    )
    assert (call.sentiment, call.verbosity, call.response_hours) == (2, "long", Decimal("1.5"))
    assert (call.summary, call.our_person) == ("Kickoff call, went well", org.csm)
    assert mail.occurred_at == dt.datetime(2025, 3, 5, tzinfo=UTC)  # a date: its midnight
    assert (people(mail), mail.channel.slug, mail.direction, mail.sentiment) == (
        ["S-4"],
        "email",
        "inbound",
        -1,
    )
    assert (mail.verbosity, mail.response_hours, mail.summary, mail.our_person) == (
        "normal",
        None,
        "",
        None,
    )
    assert (chat.account.external_id, people(chat), chat.occurred_at.hour) == ("A-2", [], 8)
    assert len(call.import_key) == 64
    assert len({call.import_key, mail.import_key, chat.import_key}) == 3


def test_moments_pulse_checks_and_open_items_are_imported(org):
    csv_import(files=all_good_files())

    outage, invoice = Moment.objects.filter(account__external_id="A-1").order_by("occurred_on")
    assert (outage.moment_type.slug, outage.stakeholder.external_id) == ("outage", "S-1")
    assert (outage.emotion, outage.intensity, outage.identified_by) == ("enraged", 3, "customer")
    assert (outage.value_impact, outage.value_amount, outage.note) == (
        "destroyed",
        Decimal("5000"),
        "Down for a day",
    )
    assert (invoice.stakeholder, invoice.intensity, invoice.identified_by) == (None, 2, "csm")
    assert (invoice.value_impact, invoice.value_amount) == ("created", Decimal("1200.50"))
    qbr = Moment.objects.get(account__external_id="A-2")
    assert (qbr.value_impact, qbr.value_amount, qbr.emotion) == ("created", None, "met")

    pulses = PulseCheck.objects.order_by("account__external_id")
    assert [(p.account.external_id, p.csm, p.happiness, p.note) for p in pulses] == [
        ("A-1", org.csm, 4, "Happy after go-live"),
        ("A-2", org.teammate, 2, ""),
    ]
    assert {p.checked_on for p in pulses} == {dt.date(2025, 3, 5)}

    items = OpenItem.objects.order_by("account__external_id", "title")
    assert [
        (
            i.account.external_id,
            i.kind,
            i.title,
            i.stakeholder and i.stakeholder.external_id,
            i.opened_on,
            i.due_on,
            i.closed_on,
        )
        for i in items
    ] == [
        ("A-1", "ticket", "Login fails", None, dt.date(2025, 3, 2), None, dt.date(2025, 3, 3)),
        (
            "A-1",
            "promise",
            "Send the roadmap",
            "S-4",
            dt.date(2025, 3, 2),
            dt.date(2099, 1, 1),
            None,
        ),
        ("A-2", "feature_request", "SSO", "S-5", dt.date(2025, 3, 2), None, None),
    ]


def test_time_without_offset_is_in_the_site_time_zone(org, settings):
    settings.TIME_ZONE = "America/New_York"
    rows = [
        interaction(occurred_at="2025-07-01T09:15:00"),
        interaction(occurred_at="2025-07-02"),
        interaction(occurred_at="2025-07-03 09:15"),
    ]

    csv_import(files={**good_files(), "interactions.csv": as_csv("interactions.csv", rows)})

    assert list(
        Interaction.objects.order_by("occurred_at").values_list("occurred_at", flat=True)
    ) == [
        dt.datetime(2025, 7, 1, 13, 15, tzinfo=UTC),  # New York is at -04:00 in July
        dt.datetime(2025, 7, 2, 4, 0, tzinfo=UTC),
        dt.datetime(2025, 7, 3, 13, 15, tzinfo=UTC),
    ]


def test_reimport_of_the_activity_files_creates_and_updates_nothing(org, database_state):
    csv_import(files=all_good_files())
    before = database_state()

    summary = csv_import(files=all_good_files())

    assert summary_lines(summary)[3:] == [
        "interactions.csv: 0 created, 0 updated, 3 unchanged",
        "moments.csv: 0 created, 0 updated, 3 unchanged",
        "pulse_checks.csv: 0 created, 0 updated, 2 unchanged",
        "open_items.csv: 0 created, 0 updated, 3 unchanged",
        "competitor_ratings.csv: 0 created, 0 updated, 3 unchanged",
    ]
    assert summary.touched_accounts == set()
    assert database_state() == before


def test_same_time_written_with_another_offset_is_the_same_row(org):
    csv_import(files=all_good_files())
    files = good_activity_files()
    # 10:30 at +01:00 is 09:30 UTC; the people in another order are the same people
    files["interactions.csv"] = (
        files["interactions.csv"]
        .replace(b"2025-03-04T10:30:00+01:00", b"2025-03-04T09:30:00Z")
        .replace(b"S-2; S-1", b"S-1;S-2")
    )

    summary = csv_import(files=files)

    assert str(summary.files[0]) == "interactions.csv: 0 created, 0 updated, 3 unchanged"


def test_editing_columns_outside_the_identity_updates_rows_in_place(org):
    csv_import(files=all_good_files())
    pks = {
        model: set(model.objects.values_list("pk", flat=True))
        for model in (Interaction, Moment, PulseCheck, OpenItem, CompetitorRating)
    }
    files = good_activity_files()
    for name, old, new in [
        ("interactions.csv", b"Kickoff call, went well", b"Kickoff call, went very well"),
        ("interactions.csv", b",long,", b",short,"),
        ("moments.csv", b"Down for a day", b"Down for two days"),
        ("moments.csv", b"-5000", b"-7500"),
        ("pulse_checks.csv", b",2,", b",3,"),
        ("open_items.csv", b"2025-03-03", b"2025-03-04"),
        ("open_items.csv", b",S-4,", b",S-1,"),
        ("competitor_ratings.csv", b",2,5,", b",3,5,"),
    ]:
        assert old in files[name], (name, old)
        files[name] = files[name].replace(old, new)

    summary = csv_import(files=files)

    assert summary_lines(summary) == [
        "interactions.csv: 0 created, 1 updated, 2 unchanged",
        "moments.csv: 0 created, 1 updated, 2 unchanged",
        "pulse_checks.csv: 0 created, 1 updated, 1 unchanged",
        "open_items.csv: 0 created, 2 updated, 1 unchanged",
        "competitor_ratings.csv: 0 created, 1 updated, 2 unchanged",
    ]
    for model, before in pks.items():
        assert set(model.objects.values_list("pk", flat=True)) == before
    call = Interaction.objects.get(channel__slug="call")
    assert (call.summary, call.verbosity, people(call)) == (
        "Kickoff call, went very well",
        "short",
        ["S-1", "S-2"],
    )
    outage = Moment.objects.get(moment_type__slug="outage")
    assert (outage.note, outage.value_amount) == ("Down for two days", Decimal("7500"))
    assert PulseCheck.objects.get(account__external_id="A-2").happiness == 3
    ticket = OpenItem.objects.get(title="Login fails")
    assert ticket.closed_on == dt.date(2025, 3, 4)
    assert OpenItem.objects.get(title="Send the roadmap").stakeholder.external_id == "S-1"
    assert summary.touched_accounts == {account_pk("A-1"), account_pk("A-2")}


def test_imported_rows_keep_the_time_they_were_last_written(org, time_machine):
    written = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(written, tick=False)
    csv_import(files=all_good_files())
    models = (Interaction, Moment, PulseCheck, OpenItem, CompetitorRating)
    for model in models:
        assert set(model.objects.values_list("updated_at", flat=True)) == {written}
    call, mail, chat = Interaction.objects.order_by("occurred_at")
    Interaction.stakeholders.through.objects.filter(interaction=mail).delete()
    files = good_activity_files()
    files["interactions.csv"] = files["interactions.csv"].replace(
        b"Kickoff call, went well", b"Kickoff call, went very well"
    )
    files["pulse_checks.csv"] = files["pulse_checks.csv"].replace(b",2,", b",3,")
    changed = written + dt.timedelta(days=1)
    time_machine.move_to(changed, tick=False)

    summary = csv_import(files=files)

    assert summary_lines(summary)[:3] == [
        "interactions.csv: 0 created, 2 updated, 1 unchanged",
        "moments.csv: 0 created, 0 updated, 3 unchanged",
        "pulse_checks.csv: 0 created, 1 updated, 1 unchanged",
    ]
    stored = dict(Interaction.objects.values_list("pk", "updated_at"))
    assert stored == {call.pk: changed, mail.pk: changed, chat.pk: written}  # mail: relinked
    pulses = PulseCheck.objects.order_by("account__external_id").values_list("updated_at")
    assert [when for (when,) in pulses] == [written, changed]
    for model in (Moment, OpenItem, CompetitorRating):
        assert set(model.objects.values_list("updated_at", flat=True)) == {written}


def test_changing_an_identity_column_makes_another_row(org):
    csv_import(files=all_good_files())
    files = {"pulse_checks.csv": as_csv("pulse_checks.csv", [pulse_check(checked_on="2025-03-06")])}

    summary = csv_import(files=files)

    assert str(summary.files[0]) == "pulse_checks.csv: 1 created, 0 updated, 0 unchanged"
    assert PulseCheck.objects.filter(account__external_id="A-1").count() == 2  # nothing deleted


def test_rows_logged_in_rapport_are_never_touched_by_imports(org):
    csv_import(files=good_files())
    acme = Account.objects.get(external_id="A-1")
    logged = InteractionFactory(
        account=acme,
        occurred_at=dt.datetime(2025, 3, 5, tzinfo=UTC),
        channel=Channel.objects.get(slug="email"),
        touchpoint=Touchpoint.objects.get(slug="service"),
        direction="inbound",
        sentiment=1,
        summary="Logged by hand",
        stakeholders=[Stakeholder.objects.get(external_id="S-4")],
    )

    csv_import(files=good_activity_files())  # has the same interaction, with sentiment -1
    csv_import(files=good_activity_files())

    logged.refresh_from_db()
    assert (logged.import_key, logged.sentiment, logged.summary) == ("", 1, "Logged by hand")
    assert Interaction.objects.filter(account=acme).count() == 3


def test_activity_may_name_stakeholders_already_in_rapport(org):
    csv_import(files=good_files())
    files = {
        "interactions.csv": as_csv(
            "interactions.csv", [interaction(stakeholder_external_ids="S-1;S-3")]
        ),
        "moments.csv": as_csv("moments.csv", [moment("A-2", stakeholder_external_id="S-5")]),
    }

    csv_import(files=files)

    assert people(Interaction.objects.get()) == ["S-1", "S-3"]
    assert Moment.objects.get().stakeholder.external_id == "S-5"


def test_a_stakeholder_the_same_import_moves_belongs_to_the_new_account(org):
    csv_import(files=good_files())
    files = {
        "stakeholders.csv": as_csv("stakeholders.csv", [stakeholder("S-3", "A-2")]),
        "interactions.csv": as_csv(
            "interactions.csv", [interaction("A-2", stakeholder_external_ids="S-3")]
        ),
    }

    csv_import(files=files)

    assert Interaction.objects.get().account.external_id == "A-2"


def test_catalog_rows_added_by_an_admin_can_be_imported(org):
    Channel.objects.create(slug="carrier_pigeon", name="Carrier pigeon", intimacy="0.95")
    rows = [interaction(channel="carrier_pigeon")]

    csv_import(files={**good_files(), "interactions.csv": as_csv("interactions.csv", rows)})

    assert Interaction.objects.get().channel.slug == "carrier_pigeon"


def test_touched_accounts_are_the_accounts_whose_data_changed(org):
    a1, a2 = "A-1", "A-2"
    summary = csv_import(files=all_good_files())
    assert summary.touched_accounts == {account_pk(a1), account_pk(a2)}
    assert csv_import(files=all_good_files()).touched_accounts == set()

    usage = [{"account_external_id": a2, "period_start": "2025-01-01", "active_users": "9"}]
    files = {"usage.csv": as_csv("usage.csv", usage), **good_activity_files()}
    assert csv_import(files=files).touched_accounts == {account_pk(a2)}

    rows = [moment(a2, moment_type="qbr", emotion="met", value_impact="created", note="Ok")]
    summary = csv_import(files={"moments.csv": as_csv("moments.csv", rows)})
    assert summary.touched_accounts == {account_pk(a2)}

    rows = [stakeholder("S-3", a1, name="Uma User", reports_to_external_id="S-4", strength="3")]
    summary = csv_import(files={"stakeholders.csv": as_csv("stakeholders.csv", rows)})
    assert summary.touched_accounts == {account_pk(a1)}


def test_manager_imports_activity_only_for_accounts_of_their_teams(org, database_state):
    org.other_account.external_id = "G-1"
    org.other_account.save()
    before = database_state()
    files = {
        "interactions.csv": as_csv("interactions.csv", [interaction("G-1")]),
        "pulse_checks.csv": as_csv("pulse_checks.csv", [pulse_check("G-1")]),
    }

    with pytest.raises(ImportRejected) as rejected:
        csv_import(files=files, user=org.manager)

    unknown = 'no account of your teams has the external id "G-1" (in accounts.csv or Rapport)'
    assert [str(error) for error in rejected.value.errors] == [
        f"interactions.csv line 2, column account_external_id: {unknown}",
        f"pulse_checks.csv line 2, column account_external_id: {unknown}",
    ]
    assert database_state() == before
    assert csv_import(files=files, user=org.admin).files[0].created == 1


def test_many_activity_rows_are_written_in_bulk(org, django_assert_max_num_queries, time_machine):
    """Past a hundred rows PostgreSQL writes with COPY; the query count does not grow per row."""
    csv_import(files=good_files())
    written = timezone.now()
    time_machine.move_to(written, tick=False)
    start = dt.datetime(2025, 1, 1, 9, 0)
    rows = [
        interaction(
            occurred_at=(start + dt.timedelta(hours=n)).isoformat(),
            stakeholder_external_ids=["S-1", "S-2;S-3", ""][n % 3],
            sentiment=str(n % 5 - 2),
            summary=f"Call {n}",
        )
        for n in range(300)
    ]
    items = [open_item(title=f"Item {n}", due_on="2099-12-31") for n in range(150)]
    files = {
        "interactions.csv": as_csv("interactions.csv", rows),
        "open_items.csv": as_csv("open_items.csv", items),
    }
    with django_assert_max_num_queries(30):
        csv_import(files=files)
    for row in rows:
        row["summary"] += " (edited)"
    changed = written + dt.timedelta(hours=1)
    time_machine.move_to(changed, tick=False)

    summary = csv_import(files={"interactions.csv": as_csv("interactions.csv", rows)})

    assert str(summary.files[0]) == "interactions.csv: 0 created, 300 updated, 0 unchanged"
    assert Interaction.objects.count() == 300
    assert Interaction.stakeholders.through.objects.count() == 100 + 200
    assert Interaction.objects.filter(summary__endswith="(edited)").count() == 300
    assert OpenItem.objects.count() == 150
    assert set(Interaction.objects.values_list("updated_at", flat=True)) == {changed}
    assert set(OpenItem.objects.values_list("updated_at", flat=True)) == {written}


def test_reading_a_big_file_keeps_memory_per_row_small(org):
    """The file is held column by column, each distinct value parsed once."""
    import tracemalloc

    from dataio.importing import ImportContext, read_table
    from relationships.imports import InteractionsFile

    start = dt.datetime(2024, 1, 1)
    rows = [
        interaction(
            f"A-{n % 50}",
            stakeholder_external_ids=f"S-{n % 700};S-{n % 300}",
            occurred_at=(start + dt.timedelta(minutes=n)).isoformat(),
            summary=f"Talked about the roadmap, call number {n}",
            response_hours="2.5",
        )
        for n in range(20_000)
    ]
    data = as_csv("interactions.csv", rows)
    context = ImportContext(user=None, started=timezone.now())
    context.slugs(Channel), context.slugs(Touchpoint)  # noqa: B018 (load before measuring)

    tracemalloc.start()
    table = read_table(InteractionsFile(), data, context)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert table.errors == []
    assert peak < 10 * len(data), (peak, len(data))  # about 7 times, 800 bytes a row


def test_spaces_around_cells_are_ignored(org):
    data = (
        b"account_external_id , stakeholder_external_ids,occurred_at,channel,touchpoint,"
        b"direction,sentiment,verbosity,response_hours,summary,our_person_email\n"
        b" A-1 , S-1 ; S-2 , 2025-03-04T10:30:00 , call ,service, inbound , -1 ,,, Hi ,\n"
    )

    csv_import(files={**good_files(), "interactions.csv": data})

    call = Interaction.objects.get()
    assert (people(call), call.channel.slug, call.sentiment, call.summary) == (
        ["S-1", "S-2"],
        "call",
        -1,
        "Hi",
    )


def test_many_keys_are_matched_through_a_temporary_table(org, monkeypatch):
    """PostgreSQL matches more than TABLE_ABOVE keys by joining a temporary table."""
    from core.db import bulk

    csv_import(files=all_good_files())
    monkeypatch.setattr(bulk, "TABLE_ABOVE", 1)

    summary = csv_import(files=all_good_files())

    assert [result.unchanged for result in summary.files] == [2, 5, 3, 3, 3, 2, 3, 3]
    assert summary.touched_accounts == set()


def test_external_ids_with_quotes_commas_and_backslashes_are_matched(org):
    odd = ['S "quoted"', "S\\back", "S,comma", "NULL", "{S}", " S space"]
    rows = [stakeholder(external_id, strength="3") for external_id in odd]
    files = {**good_files(), "stakeholders.csv": as_csv("stakeholders.csv", rows)}
    files["interactions.csv"] = as_csv(
        "interactions.csv", [interaction(stakeholder_external_ids='S "quoted";S\\back;{S}')]
    )
    csv_import(files=files)

    summary = csv_import(files=files)

    assert [str(result) for result in summary.files][1::2] == [
        "stakeholders.csv: 0 created, 0 updated, 6 unchanged",
        "interactions.csv: 0 created, 0 updated, 1 unchanged",
    ]
    assert people(Interaction.objects.get()) == ['S "quoted"', "S\\back", "{S}"]


def test_competitor_ratings_are_imported(org):
    csv_import(files=all_good_files())

    rows = CompetitorRating.objects.order_by("account__external_id", "dimension__position")
    assert [
        (
            r.account.external_id, r.stakeholder.external_id, r.competitor.name,
            r.dimension.slug, r.our_rating, r.their_rating, r.rated_on.isoformat(), r.source,
        )
        for r in rows
    ] == [
        ("A-1", "S-1", "Rivalry Inc", "service", 4, 3, "2025-03-07", "survey"),
        ("A-1", "S-1", "Rivalry Inc", "technology_integration", 2, 5, "2025-03-07", "csm"),
        ("A-2", "S-5", "Orbit CX", "service", 4, 3, "2025-03-07", "csm"),
    ]  # fmt: skip
