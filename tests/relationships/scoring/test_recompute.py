"""Recomputing scores: the SQL aggregates agree with the pure model, runs are idempotent,
changes enqueue one recompute per account, and alerts come and go with their conditions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from relationships.models import (
    AccountScore,
    Alert,
    Channel,
    Interaction,
    RecomputeRequest,
    StakeholderScore,
    StatedFeeling,
)
from relationships.scoring import model as scoring
from relationships.scoring import recompute
from tests.accounts.test_panels import lived_in
from tests.factories import (
    AccountFactory,
    InteractionFactory,
    MomentFactory,
    OpenItemFactory,
    StakeholderFactory,
    catalog,
)

TODAY = timezone.localdate()
AS_OF = recompute.end_of(TODAY)
CONFIG = scoring.ScoringConfig(version=1)


def reference_signals(person) -> scoring.Signals:
    """The pure model's signals for a stakeholder, from their rows one by one."""
    return scoring.signals_from_events(
        as_of=AS_OF,
        config=CONFIG,
        interactions=[
            scoring.InteractionEvent(
                i.occurred_at, i.sentiment, float(i.channel.intimacy), i.direction == "inbound",
                None if i.response_hours is None else float(i.response_hours),
            )
            for i in person.interactions.select_related("channel")
        ],
        moments=[
            scoring.MomentEvent(m.occurred_on, m.emotion, m.intensity) for m in person.moments.all()
        ],
        open_items=[
            scoring.OpenItemEvent(o.opened_on, o.due_on)
            for o in person.open_items.filter(closed_on__isnull=True)
        ],
        trust=person.trust,
        respect=person.respect,
        relationship_since=person.relationship_since,
        csm_rating=person.strength,
    )  # fmt: skip


interaction_rows = st.lists(
    st.tuples(
        st.integers(0, 300),  # days ago
        st.integers(-2, 2),  # sentiment
        st.sampled_from(["email", "call", "text", "in_person"]),
        st.booleans(),  # inbound
        st.none() | st.integers(0, 96),  # response hours
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=interaction_rows,
    felt=st.lists(
        st.tuples(
            st.integers(0, 300),
            st.sampled_from(["enraged", "missed", "met", "delighted"]),
            st.integers(1, 3),
        ),
        max_size=4,
    ),
)
def test_sql_aggregates_score_exactly_like_the_pure_model(org, rows, felt):
    Interaction.objects.all().delete()
    person = StakeholderFactory(
        account=org.account, trust="high", respect="low", strength=4,
        relationship_since=TODAY - dt.timedelta(days=400),
    )  # fmt: skip
    for days, sentiment, channel, inbound, hours in rows:
        InteractionFactory(
            account=org.account, stakeholders=[person], sentiment=sentiment,
            occurred_at=timezone.now() - dt.timedelta(days=days, hours=1),
            channel=catalog(Channel, channel), direction="inbound" if inbound else "outbound",
            response_hours=hours,
        )  # fmt: skip
    for days, emotion, intensity in felt:
        MomentFactory(
            account=org.account, stakeholder=person, emotion=emotion, intensity=intensity,
            occurred_on=TODAY - dt.timedelta(days=days),
        )  # fmt: skip
    OpenItemFactory(account=org.account, stakeholder=person, opened_on=TODAY - dt.timedelta(40))
    recompute.scores_recompute(account_ids=[org.account.pk])
    stored = StakeholderScore.objects.get(stakeholder=person, day=TODAY)
    expected = scoring.score_stakeholder(reference_signals(person), CONFIG)
    assert float(stored.value) == pytest.approx(expected.value, abs=0.006)
    for name, value in expected.components.items():
        assert stored.components[name]["value"] == pytest.approx(value, abs=1e-3), name
    person.delete()


def snapshot_rows():
    stakeholders = StakeholderScore.objects.order_by("stakeholder_id", "day").values_list(
        "stakeholder_id", "day", "value", "label", "confidence", "components", "config_version"
    )
    accounts = AccountScore.objects.order_by("account_id", "day").values_list(
        "account_id", "day", "value", "label", "confidence", "components", "parts"
    )
    current = Account.objects.order_by("pk").values_list(
        "pk", "relationship_score", "relationship_label", "score_confidence"
    )
    return (
        list(stakeholders),
        list(accounts),
        list(current),
        sorted(Alert.objects.values_list("key", "reason")),
    )


@pytest.fixture
def busy_account(org):
    rita = StakeholderFactory(
        account=org.account, role="decision_maker", buying_influence="high", trust="high",
        respect="high", strength=5,
    )  # fmt: skip
    sam = StakeholderFactory(account=org.account, role="champion", strength=3)
    for days in range(0, 200, 6):
        InteractionFactory(
            account=org.account, stakeholders=[rita, sam] if days % 12 else [rita],
            occurred_at=timezone.now() - dt.timedelta(days=days), sentiment=(days // 6) % 5 - 2,
        )  # fmt: skip
    MomentFactory(account=org.account, stakeholder=sam, emotion="delighted")
    return org


def test_recompute_twice_gives_identical_rows(busy_account):
    recompute.scores_recompute(account_ids=[busy_account.account.pk])
    first = snapshot_rows()
    recompute.scores_recompute(account_ids=[busy_account.account.pk])
    assert snapshot_rows() == first
    assert StakeholderScore.objects.count() == 2
    assert AccountScore.objects.count() == 1


def test_recompute_stores_the_current_score_on_the_account(busy_account):
    recompute.scores_recompute(account_ids=[busy_account.account.pk])
    account = Account.objects.get(pk=busy_account.account.pk)
    snapshot = AccountScore.objects.get(account=account)
    assert account.relationship_score == snapshot.value
    assert 1 <= account.relationship_score <= 5
    assert account.relationship_label == snapshot.label != ""
    assert snapshot.config_version >= 1
    assert set(snapshot.components) == set(scoring.COMPONENTS)


def test_score_trend_compares_with_thirty_days_earlier(busy_account):
    account = busy_account.account
    AccountScore.objects.create(
        account=account, day=TODAY - dt.timedelta(days=30), value=Decimal("4.90"), label="x",
        confidence=1, config_version=1, computed_at=timezone.now(),
    )  # fmt: skip
    recompute.scores_recompute(account_ids=[account.pk])
    account.refresh_from_db()
    assert account.score_trend_30d == account.relationship_score - Decimal("4.90")
    drop = Alert.objects.get(account=account, kind="score_drop")
    assert f"fell {-account.score_trend_30d} points in 30 days" in drop.reason


def test_recompute_query_count_does_not_grow_with_data(org):
    """The recompute of one account, the task a quick log asks for, in the steady state (the
    catalogs, its labels, configuration, dimensions and thresholds, are cached): the same
    queries for 4 people with some of everything as for 12, at most 15."""

    def cost(people: int) -> int:
        account = lived_in(org, AccountFactory(team=org.team, owner=org.csm), people=people)
        StatedFeeling.objects.create(
            account=account["account"], stakeholder=account["rita"], stated_on=TODAY, feeling=0.2
        )
        with CaptureQueriesContext(connection) as queries:
            recompute.scores_recompute(account_ids=[account["account"].pk])
        return len(queries)

    # the accounts held (with their pulse, earlier score and finances), people, what they
    # lived, the voice, usage, ratings; the snapshots of people and account, the account;
    # alerts and gap cases read (none to write here), requests; standings deleted and written
    assert cost(4) == cost(12) <= 15


def test_alerts_keep_their_first_seen_time_and_go_when_the_condition_ends(org):
    champion = StakeholderFactory(account=org.account, role="champion", status="left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    first = Alert.objects.get(kind="champion_left")
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert Alert.objects.get(kind="champion_left").first_seen == first.first_seen
    champion.status = "active"
    champion.save()
    recompute.scores_recompute(account_ids=[org.account.pk])
    assert not Alert.objects.filter(kind="champion_left").exists()


def test_engagement_drop_alert_and_flag(org):
    rita = StakeholderFactory(account=org.account, name="Rita")
    for days in range(40, 200, 10):  # every ten days, then silence for forty
        InteractionFactory(
            account=org.account, stakeholders=[rita],
            occurred_at=timezone.now() - dt.timedelta(days=days),
        )  # fmt: skip
    recompute.scores_recompute(account_ids=[org.account.pk])
    alert = Alert.objects.get(kind="engagement_drop")
    assert alert.stakeholder == rita
    assert alert.reason.startswith("0 interactions in the last 30 days against about")
    assert Account.objects.get(pk=org.account.pk).engagement_drop is True


def test_a_change_asks_for_one_recompute_per_account_after_commit(
    client, org, django_capture_on_commit_callbacks
):
    client.force_login(org.csm)
    data = {"pulse-happiness": "4", "pulse-checked_on": TODAY.isoformat()}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(3):
            client.post(f"/accounts/{org.account.pk}/log/pulse/", data)
    assert RecomputeRequest.objects.filter(account=org.account).count() == 1
    assert len(callbacks) == 3


def test_with_no_broker_a_logged_interaction_updates_the_score_at_once(
    client, org, django_capture_on_commit_callbacks
):
    StakeholderFactory(account=org.account, role="decision_maker", strength=4)
    client.force_login(org.csm)
    person = org.account.stakeholders.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/accounts/{org.account.pk}/log/interaction/",
            {
                "interaction-occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "interaction-stakeholders": [person.pk],
                "interaction-channel": catalog(Channel, "text").pk,
                "interaction-touchpoint": 1,
                "interaction-direction": "inbound",
                "interaction-sentiment": "2",
                "interaction-verbosity": "normal",
            },
        )
    account = Account.objects.get(pk=org.account.pk)
    assert account.relationship_score is not None
    assert not RecomputeRequest.objects.exists()
    card = client.get(f"/accounts/{org.account.pk}/score/", headers={"HX-Request": "true"})
    assert f'data-score="{account.relationship_score}"' in card.text
    assert "Recomputing" not in card.text


def test_pending_recompute_makes_the_score_card_poll(client, org):
    RecomputeRequest.objects.create(account=org.account, requested_at=timezone.now())
    client.force_login(org.csm)
    card = client.get(f"/accounts/{org.account.pk}/score/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in card.text
    assert "Recomputing" in card.text


def test_recompute_pending_takes_the_oldest_requests(org):
    RecomputeRequest.objects.create(account=org.account, requested_at=timezone.now())
    assert recompute.recompute_pending() == 1
    assert recompute.recompute_pending() == 0
    assert AccountScore.objects.filter(account=org.account).exists()


def test_recompute_scores_command_runs_here_without_a_broker(org, capsys, settings):
    from django.core.management import call_command

    settings.CELERY_BROKER_URL = ""
    call_command("recompute_scores")
    assert AccountScore.objects.count() == Account.objects.count() == 2
    assert "Recomputed the scores of 2 accounts." in capsys.readouterr().out


def test_an_import_asks_for_one_recompute_per_account_it_changed(org):
    from dataio.services import csv_import
    from tests.dataio.files import good_files

    summary = csv_import(files=good_files())
    requested = set(RecomputeRequest.objects.values_list("account_id", flat=True))
    assert requested == summary.touched_accounts
    assert requested


def test_many_snapshots_are_upserted_in_bulk_and_twice_gives_identical_rows(org):
    """Past a hundred rows PostgreSQL upserts the snapshots through COPY; the result is the
    same as for a few rows, and a second run replaces them in place."""
    ids = []
    for _ in range(3):
        account = AccountFactory(team=org.team, owner=org.csm)
        people = StakeholderFactory.create_batch(40, account=account, strength=4)
        InteractionFactory.create_batch(2, account=account, stakeholders=people[:5])
        ids.append(account.pk)
    recompute.scores_recompute(account_ids=ids)
    first = snapshot_rows()
    recompute.scores_recompute(account_ids=ids)

    assert snapshot_rows() == first
    assert StakeholderScore.objects.filter(account_id__in=ids).count() == 120
    stored = StakeholderScore.objects.filter(account_id__in=ids).first()
    assert set(stored.components) == set(scoring.COMPONENTS)
    assert stored.components["csm_rating"] == {"value": 0.75, "weight": 0.05, "inputs": 1}
