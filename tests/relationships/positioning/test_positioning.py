"""Positions stored by the recompute: quadrants, history, thresholds and competitor standing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import POSITION_FIELDS, Account
from relationships.models import AccountScore, CompetitorStanding, QuadrantSettings
from relationships.positioning.services import positions_refresh
from relationships.scoring import recompute
from tests.factories import (
    AccountFactory,
    CompetitorFactory,
    CompetitorRatingFactory,
    InteractionFactory,
    PulseCheckFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db


def placed_account(org, *, pulse, arr=100_000, cost=50_000, **fields):
    """An account of team A placed by a pulse check alone (no stakeholders, so no score)."""
    account = AccountFactory(team=org.team, owner=org.csm, arr=arr, cost_to_serve=cost, **fields)
    if pulse is not None:
        PulseCheckFactory(account=account, csm=org.csm, happiness=pulse)
    return account


@pytest.mark.parametrize(
    ("pulse", "cost", "quadrant"),
    [
        (5, 20_000, "customer_success"),
        (3, 100_000, "customer_success"),  # neutral and breaking even: on both thresholds
        (5, 150_000, "work_to_keep_unprofitable"),
        (2, 20_000, "work_to_keep_flight_risk"),
        (1, 150_000, "reassess"),
    ],
)
def test_recompute_places_account_in_its_quadrant(org, pulse, cost, quadrant):
    account = placed_account(org, pulse=pulse, cost=cost)
    recompute.scores_recompute(account_ids=[account.pk])
    account.refresh_from_db()
    snapshot = AccountScore.objects.get(account=account)
    assert (account.quadrant, snapshot.quadrant) == (quadrant, quadrant)
    assert account.customer_happiness == snapshot.customer_happiness == Decimal(pulse - 3) / 2


def test_recompute_without_cost_to_serve_leaves_account_unplaced(org):
    account = placed_account(org, pulse=4, cost=None)
    recompute.scores_recompute(account_ids=[account.pk])
    account.refresh_from_db()
    assert (account.quadrant, account.company_happiness) == ("", None)
    assert account.customer_happiness == Decimal("0.5")


def test_quadrant_settings_move_the_intersection(org):
    settings = QuadrantSettings.current()
    settings.happiness_intersection = Decimal("0.50")
    settings.save()
    on_it, below = placed_account(org, pulse=4), placed_account(org, pulse=3)
    recompute.scores_recompute(account_ids=[on_it.pk, below.pk])
    quadrants = dict(Account.objects.values_list("pk", "quadrant"))
    assert quadrants[on_it.pk] == "customer_success"
    assert quadrants[below.pk] == "work_to_keep_flight_risk"


def test_recompute_twice_keeps_the_same_positions_and_snapshots_keep_history(org):
    account = placed_account(org, pulse=5)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    recompute.scores_recompute(account_ids=[account.pk], day=yesterday)
    PulseCheckFactory(account=account, csm=org.csm, happiness=1, checked_on=timezone.localdate())
    CompetitorRatingFactory(stakeholder=StakeholderFactory(account=account), their_rating=5)
    recompute.scores_recompute(account_ids=[account.pk])
    first = list(AccountScore.objects.order_by("day").values_list("day", "quadrant"))
    standings = list(CompetitorStanding.objects.values_list("dimension__slug", "index"))
    recompute.scores_recompute(account_ids=[account.pk])
    assert list(AccountScore.objects.order_by("day").values_list("day", "quadrant")) == first
    assert list(CompetitorStanding.objects.values_list("dimension__slug", "index")) == standings
    assert first == [
        (yesterday, "customer_success"),
        (timezone.localdate(), "work_to_keep_flight_risk"),
    ]
    assert standings == [("service", Decimal("-2.00"))]


def test_competitor_standing_uses_latest_rating_of_people_still_there(org):
    person = StakeholderFactory(account=org.account, buying_influence="high")
    old = timezone.localdate() - dt.timedelta(days=40)
    rival = CompetitorFactory()
    CompetitorRatingFactory(
        stakeholder=person, competitor=rival, our_rating=1, their_rating=5, rated_on=old
    )
    CompetitorRatingFactory(stakeholder=person, competitor=rival, our_rating=4, their_rating=3)
    gone = StakeholderFactory(account=org.account, buying_influence="high", status="left")
    CompetitorRatingFactory(stakeholder=gone, competitor=rival, our_rating=1, their_rating=5)
    recompute.scores_recompute(account_ids=[org.account.pk])
    account = Account.objects.get(pk=org.account.pk)
    assert (account.competitor_index, account.weakest_dimension, account.competitor_leads) == (
        Decimal("1.00"), "service", "",
    )  # fmt: skip


def test_placing_accounts_again_from_what_they_store_gives_the_recomputes_positions(org):
    """The thresholds' refresh places accounts from their stored score, voice and pulse: the
    same positions and standings as the recompute that stored them."""
    ids = []
    for pulse, cost, sentiment in [(4, 90_000, 1), (2, 30_000, -2)]:
        account = placed_account(org, pulse=pulse, cost=cost)
        people = StakeholderFactory.create_batch(2, account=account, buying_influence="high")
        InteractionFactory.create_batch(
            3, account=account, stakeholders=people, direction="inbound", sentiment=sentiment
        )
        CompetitorRatingFactory(account=account, stakeholder=people[0], their_rating=4)
        ids.append(account.pk)
    recompute.scores_recompute(account_ids=ids)
    assert all(Account.objects.filter(pk__in=ids).values_list("customer_voice", flat=True))

    def positions():
        return (
            list(Account.objects.filter(pk__in=ids).values_list(*POSITION_FIELDS)),
            list(AccountScore.objects.filter(account__in=ids).values_list(*POSITION_FIELDS)),
            sorted(CompetitorStanding.objects.values_list("account", "dimension", "index")),
        )

    placed = positions()
    Account.objects.filter(pk__in=ids).update(quadrant="", customer_happiness=None)
    CompetitorStanding.objects.all().delete()
    positions_refresh(account_ids=ids)
    assert positions() == placed
