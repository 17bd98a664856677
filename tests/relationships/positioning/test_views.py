"""The quadrant board, the competitor view, the four goals roll-up and rating entry."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relationships.models import AccountScore, CompetitorDimension, CompetitorRating
from relationships.scoring import recompute
from tests.factories import (
    AccountFactory,
    CompetitorFactory,
    CompetitorRatingFactory,
    FeedbackItemFactory,
    PulseCheckFactory,
    StakeholderFactory,
)
from tests.pages import account_section

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "results"}
POSITION_COLUMNS = [
    "customer_happiness", "company_happiness", "quadrant", "competitor_index",
    "weakest_dimension", "competitor_leads",
]  # fmt: skip


def place(account, *, pulse, arr=100_000, cost=50_000):
    account.arr, account.cost_to_serve = arr, cost
    account.save()
    PulseCheckFactory(account=account, csm=account.owner, happiness=pulse)
    recompute.scores_recompute(account_ids=[account.pk])


def team_accounts(org, number):
    accounts = [AccountFactory(team=org.team, owner=org.csm) for _ in range(number)]
    for index, account in enumerate(accounts):
        account.arr, account.cost_to_serve = 100_000 + index, 40_000
        account.save()
        PulseCheckFactory(account=account, csm=org.csm, happiness=1 + index % 5)
        person = StakeholderFactory(account=account, strength=4, reference_willing=True)
        CompetitorRatingFactory(stakeholder=person, competitor=CompetitorFactory(name="Orbit"))
        FeedbackItemFactory(account=account)
    recompute.scores_recompute(account_ids=[account.pk for account in accounts])
    return accounts


def test_board_shows_the_team_accounts_in_their_quadrants_and_not_another_team(client, org):
    place(org.account, pulse=5, arr=250_000)
    place(org.other_account, pulse=1)
    client.force_login(org.csm)
    response = client.get(reverse("quadrant_board"))
    page = response.content.decode()
    assert "<title>Acme: happiness" in page
    assert "Globex" not in page
    success = next(q for q in response.context["quadrants"] if q.code == "customer_success")
    assert (success.accounts, success.arr) == (1, 250_000.0)
    assert "ask for references" in page


def test_board_lists_accounts_that_cannot_be_placed(client, org):
    client.force_login(org.csm)
    response = client.get(reverse("quadrant_board"))
    assert [item.name for item in response.context["unplaced"]] == ["Acme"]
    assert "No account can be placed yet" in response.content.decode()


def test_board_draws_a_trail_from_the_previous_period(client, org):
    place(org.account, pulse=5)
    AccountScore.objects.create(
        account=org.account, day=timezone.localdate() - dt.timedelta(days=40), confidence=0,
        config_version=1, computed_at=timezone.now(), customer_happiness=Decimal("-0.5"),
        company_happiness=Decimal("0.1"),
    )  # fmt: skip
    client.force_login(org.csm)
    response = client.get(reverse("quadrant_board"))
    (dot,) = response.context["dots"]
    assert dot.trail is not None
    assert dot.trail[0] < dot.cx
    assert 'class="board-trail"' in response.content.decode()


def test_board_filter_by_owner_returns_the_fragment_only(client, org):
    place(org.account, pulse=4)
    other = AccountFactory(team=org.team, owner=org.teammate, name="Initech")
    place(other, pulse=4)
    client.force_login(org.manager)
    response = client.get(reverse("quadrant_board"), {"owner": org.teammate.pk}, headers=HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results">')
    assert "<title>Initech: happiness" in page
    assert "<title>Acme: happiness" not in page


@pytest.mark.parametrize("accounts", [1, 12])
def test_board_query_count_is_the_same_at_any_size(
    client, org, django_assert_num_queries, accounts
):
    team_accounts(org, accounts)
    client.force_login(org.csm)
    # user, segments, accounts with their earlier position, teams, owners (the thresholds are
    # in the cache the recompute filled)
    with django_assert_num_queries(5):
        response = client.get(reverse("quadrant_board"))
    assert len(response.context["dots"]) == accounts


def test_competitor_view_weights_where_a_competitor_beats_us_by_arr(client, org):
    orbit = CompetitorFactory(name="Orbit CX")
    delivery = CompetitorDimension.objects.get(slug="delivery")
    for arr, theirs in ((300_000, 5), (100_000, 2)):
        account = AccountFactory(team=org.team, owner=org.csm, arr=arr)
        person = StakeholderFactory(account=account)
        CompetitorRatingFactory(
            stakeholder=person, competitor=orbit, dimension=delivery, their_rating=theirs
        )
        recompute.scores_recompute(account_ids=[account.pk])
    outsider_account = org.other_account
    CompetitorRatingFactory(
        stakeholder=StakeholderFactory(account=outsider_account),
        competitor=CompetitorFactory(name="Hidden Rival"),
    )
    recompute.scores_recompute(account_ids=[outsider_account.pk])
    client.force_login(org.csm)
    response = client.get(reverse("competitor_overview"))
    ((competitor, _leader_of, cells),) = response.context["rows"]
    dimensions = [d.slug for d in response.context["dimensions"]]
    beats, rated = cells[dimensions.index("delivery")]
    assert (competitor.name, beats.accounts, beats.arr, rated) == ("Orbit CX", 1, 300_000.0, 2)
    assert beats.arr_share == 0.75
    assert "Hidden Rival" not in response.content.decode()


def test_competitor_view_outsider_sees_nothing_of_another_team(client, org):
    CompetitorRatingFactory(stakeholder=StakeholderFactory(account=org.account))
    recompute.scores_recompute(account_ids=[org.account.pk])
    client.force_login(org.outsider)
    response = client.get(reverse("competitor_overview"))
    assert response.context["rows"] == []
    assert "No competitor ratings on these accounts" in response.content.decode()


@pytest.mark.parametrize("accounts", [1, 12])
def test_competitor_view_query_count_is_the_same_at_any_size(
    client, org, django_assert_num_queries, accounts
):
    team_accounts(org, accounts)
    client.force_login(org.csm)
    # user, segments, standings summed, leaders, competitors, teams, owners (the dimensions are
    # in the cache the recompute filled)
    with django_assert_num_queries(7):
        response = client.get(reverse("competitor_overview"))
    assert response.context["rows"][0][2][1][1] == accounts


@pytest.mark.parametrize("accounts", [1, 12])
def test_goals_rollup_query_count_is_the_same_at_any_size(
    client, org, django_assert_num_queries, accounts
):
    team_accounts(org, accounts)
    client.force_login(org.manager)
    # user, segments, accounts with their latest usage, people, feedback, teams, owners
    with django_assert_num_queries(7):
        response = client.get(reverse("goals_rollup"))
    (team,) = response.context["teams"]
    assert (team.name, team.accounts) == ("Team A", accounts + 1)  # and Acme
    assert team.advocates.reference_willing == accounts
    assert team.feedback_loop.received == accounts


def test_goals_rollup_outsider_sees_only_their_team(client, org):
    client.force_login(org.outsider)
    response = client.get(reverse("goals_rollup"))
    assert [team.name for team in response.context["teams"]] == ["Team B"]


def test_account_page_shows_competitors_and_four_goals(client, org):
    person = StakeholderFactory(account=org.account, name="Dana", buying_influence="high")
    CompetitorRatingFactory(stakeholder=person, our_rating=2, their_rating=4)
    FeedbackItemFactory(account=org.account)
    recompute.scores_recompute(account_ids=[org.account.pk])
    client.force_login(org.csm)
    page = client.get(org.account.get_absolute_url()).content.decode()
    assert "Relationship gap" in page
    assert 'hx-trigger="load"' in page  # the sections below load once the page shows
    competitors = account_section(client, org.account, "competitors")
    assert 'data-competitor-index="-2.00"' in competitors
    assert "Competitor leads with high-influence people: Service" in competitors
    goals = account_section(client, org.account, "goals")
    assert "1 piece of feedback received, 0 acknowledged, 0 acted on" in goals


@pytest.mark.parametrize("htmx", [True, False])
def test_competitors_section_names_the_leader_as_a_section_and_as_a_page(client, org, htmx):
    rival = CompetitorFactory(name="Orbit CX")
    CompetitorFactory(name="Apex")
    org.account.leading_competitor = rival
    org.account.save(update_fields=["leading_competitor"])
    client.force_login(org.csm)
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("account_competitors", args=[org.account.pk])
    client.get(url, headers=headers)  # the catalogs cached
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, headers=headers).content.decode()
    # the leader comes with the account (a page) or among the competitors the form offers
    # (htmx), never in a query of its own
    assert len(queries) == (6 if htmx else 7)
    assert "seen as leader: <strong>Orbit CX</strong>" in page
    options = re.findall(r'<option value="\d+">(Apex|Orbit CX)</option>', page)
    assert options == ["Apex", "Orbit CX"]


def test_competitor_rating_add_saves_and_answers_with_the_section(
    client, org, django_capture_on_commit_callbacks
):
    person = StakeholderFactory(account=org.account, name="Dana")
    rival = CompetitorFactory(name="Orbit CX")
    dimension = CompetitorDimension.objects.get(slug="value")
    client.force_login(org.csm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
        reverse("competitor_rating_add", args=[org.account.pk]),
        {
            "rating-stakeholder": person.pk, "rating-competitor": rival.pk,
            "rating-dimension": dimension.pk, "rating-our_rating": 4, "rating-their_rating": 2,
            "rating-rated_on": timezone.localdate().isoformat(), "rating-source": "csm",
        },
        headers={"HX-Request": "true"},
    )  # fmt: skip
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="competitors"')
    rating = CompetitorRating.objects.get()
    assert (rating.account, rating.our_rating, rating.their_rating) == (org.account, 4, 2)
    assert "Dana</strong> rates us 4, Orbit CX 2" in page
    page = account_section(client, org.account, "competitors")
    assert 'data-competitor-index="2.00"' in page  # recomputed once the rating committed


def test_competitor_rating_add_rejects_a_rating_out_of_range(client, org):
    person = StakeholderFactory(account=org.account)
    client.force_login(org.csm)
    response = client.post(
        reverse("competitor_rating_add", args=[org.account.pk]),
        {"rating-stakeholder": person.pk, "rating-our_rating": 7},
        headers={"HX-Request": "true"},
    )
    form = response.context["rating_form"]
    assert (
        "Select a valid choice. 7 is not one of the available choices." in form.errors["our_rating"]
    )
    assert "This field is required." in form.errors["competitor"]
    assert not CompetitorRating.objects.exists()


def test_competitor_rating_add_refuses_a_person_of_another_account(client, org):
    stranger = StakeholderFactory(account=org.other_account)
    client.force_login(org.csm)
    response = client.post(
        reverse("competitor_rating_add", args=[org.account.pk]),
        {"rating-stakeholder": stranger.pk},
    )
    assert "stakeholder" in response.context["rating_form"].errors
    assert not CompetitorRating.objects.exists()


def test_export_carries_the_position_columns(org):
    person = StakeholderFactory(account=org.account, buying_influence="high")
    for slug in ("delivery", "value"):
        CompetitorRatingFactory(
            stakeholder=person, dimension=CompetitorDimension.objects.get(slug=slug),
            competitor=CompetitorFactory(name="Orbit"), our_rating=2, their_rating=4,
        )  # fmt: skip
    place(org.account, pulse=5, arr=100_000, cost=150_000)
    out = io.StringIO()
    call_command("export_report", stdout=out)
    acme = next(row for row in csv.DictReader(io.StringIO(out.getvalue())) if row["name"] == "Acme")
    assert {name: acme[name] for name in POSITION_COLUMNS} == {
        "customer_happiness": "1.000",
        "company_happiness": "-0.500",
        "quadrant": "work_to_keep_unprofitable",
        "competitor_index": "-2.00",
        "weakest_dimension": "delivery",
        "competitor_leads": "delivery;value",
    }
    header = out.getvalue().splitlines()[0].split(",")
    start = header.index(POSITION_COLUMNS[0])
    assert header[start : start + 6] == POSITION_COLUMNS  # together, in this order


def test_board_table_pages_while_the_chart_shows_every_account(client, org, monkeypatch):
    from relationships.positioning import views as views_positioning

    monkeypatch.setattr(views_positioning, "TABLE_ROWS", 2)
    team_accounts(org, 3)
    client.force_login(org.csm)
    first = client.get(reverse("quadrant_board"))
    assert len(first.context["dots"]) == 3  # every account on the chart
    assert len(first.context["rows"]) == 2
    assert "1 to 2 of 3" in first.content.decode()
    second = client.get(reverse("quadrant_board"), {"page": 2})
    assert len(second.context["rows"]) == 1
    assert [item.name for item in second.context["unplaced"]] == ["Acme"]  # on the last page


def test_goals_rollup_shows_how_active_users_moved(client, org):
    from accounts.models import UsageSnapshot

    month = timezone.localdate().replace(day=1)
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    UsageSnapshot.objects.create(account=org.account, period_start=earlier, active_users=40)
    UsageSnapshot.objects.create(account=org.account, period_start=month, active_users=50)
    client.force_login(org.manager)
    response = client.get(reverse("goals_rollup"))
    (team,) = response.context["teams"]
    assert team.median_usage_trend == 0.25
    assert "+25 %" in response.content.decode()
