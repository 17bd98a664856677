"""Reads for the quadrant board, the competitor view and the four goals, all starting from the
accounts a user may see. Each makes a fixed number of queries whatever the number of accounts;
the heavy numbers were stored by relationships.positioning.services."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from django.db.models import Count, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Account, Competitor, UsageSnapshot
from accounts.selectors import account_url_pattern, accounts_filtered
from core.db.sql import raw_rows
from relationships.activity import catalogs
from relationships.models import (
    AccountScore,
    CompetitorRating,
    CompetitorStanding,
    FeedbackItem,
    Stakeholder,
)
from relationships.positioning import board, competition, goals, quadrant

TRAIL_DAYS = 30  # the board's trail starts at the position of this many days ago


def _float(value) -> float | None:
    return None if value is None else float(value)


def board_items(*, user, filters: dict) -> list[board.Item]:
    """The visible accounts matching the filters, with their position now and a period ago,
    and their page's address (the URL reversed once, for a thousand accounts). The database
    hands the figures over as floats: no Decimal made and converted for each of them, and the
    rows are read as the driver gives them (core.db.sql.raw_rows)."""
    account_url = account_url_pattern()
    since = timezone.localdate() - dt.timedelta(days=TRAIL_DAYS)
    earlier = AccountScore.objects.filter(account=OuterRef("pk"), day__lte=since).order_by("-day")
    figures = {
        "arr_now": F("arr"),
        "happiness_now": F("customer_happiness"),
        "margin_now": F("company_happiness"),
        "happiness_then": Subquery(earlier.values("customer_happiness")[:1]),
        "margin_then": Subquery(earlier.values("company_happiness")[:1]),
    }
    rows = (
        accounts_filtered(user=user, filters=filters)
        .annotate(**{name: Cast(value, FloatField()) for name, value in figures.items()})
        .values_list("pk", "name", "owner__full_name", *figures)
    )
    return [
        board.Item(
            key=pk,
            name=name,
            owner=owner,
            arr=arr or 0.0,
            happiness=happiness,
            margin=margin,
            previous_happiness=previous_happiness,
            previous_margin=previous_margin,
            href=account_url.format(pk),
        )
        for pk, name, owner, arr, happiness, margin, previous_happiness, previous_margin in (
            raw_rows(rows)
        )
    ]


def competitor_view(*, user, filters: dict) -> dict:
    """Where each competitor beats us, by dimension, weighted by the ARR of the accounts."""
    accounts = accounts_filtered(user=user, filters=filters)
    dimensions = catalogs.dimensions()
    cells = (
        CompetitorStanding.objects.filter(account__in=accounts.values("pk"))
        .values("competitor_id", "dimension_id")
        .annotate(
            rated=Count("account_id"),
            rated_arr=Sum("account__arr"),
            behind=Count("account_id", filter=Q(index__lt=0)),
            behind_arr=Sum("account__arr", filter=Q(index__lt=0)),
        )
    )
    grid = defaultdict(dict)
    for cell in cells:
        beats = competition.Beats(
            accounts=cell["behind"],
            arr=float(cell["behind_arr"] or 0),
            rated_arr=float(cell["rated_arr"] or 0),
        )
        grid[cell["competitor_id"]][cell["dimension_id"]] = (beats, cell["rated"])
    leaders = dict(
        accounts.exclude(leading_competitor=None)
        .order_by()
        .values_list("leading_competitor")
        .annotate(Count("pk"))
    )
    rows = [
        (
            competitor,
            leaders.get(competitor.pk, 0),
            [grid[competitor.pk].get(dimension.pk) for dimension in dimensions],
        )
        for competitor in Competitor.objects.filter(pk__in=[*grid, *leaders])
    ]
    return {"dimensions": dimensions, "rows": rows}


def account_competitors(account: Account) -> dict:
    """The account's standing by competitor and dimension, and its people's latest ratings."""
    dimensions = catalogs.dimensions()
    grid = defaultdict(dict)
    for standing in CompetitorStanding.objects.filter(account=account).select_related("competitor"):
        grid[standing.competitor][standing.dimension_id] = standing.index
    latest = {}
    for rating in (
        CompetitorRating.objects.filter(account=account)
        .select_related("stakeholder", "competitor", "dimension")
        .order_by("rated_on", "pk")
    ):
        latest[(rating.stakeholder_id, rating.competitor_id, rating.dimension_id)] = rating
    leads = set(filter(None, account.competitor_leads.split(";")))
    return {
        "dimensions": dimensions,
        "standings": [
            (competitor, [values.get(dimension.pk) for dimension in dimensions])
            for competitor, values in sorted(grid.items(), key=lambda pair: pair[0].name)
        ],
        "leads": [dimension for dimension in dimensions if dimension.slug in leads],
        "weakest": next((d for d in dimensions if d.slug == account.weakest_dimension), None),
        "ratings": sorted(
            latest.values(), key=lambda r: (r.dimension.position, r.stakeholder.name)
        ),
    }


def _feedback_items(accounts) -> list[tuple]:
    """(account id, received, acknowledged, acted on) of the feedback the customers gave."""
    return list(
        FeedbackItem.objects.filter(account__in=accounts).values_list(
            "account_id", "received_on", "acknowledged_on", "acted_on"
        )
    )


def account_goals(account: Account, *, usage: list, stakeholders: list) -> dict:
    """The four goals of one account, from its usage (oldest first) and people, loaded for the
    account page already."""
    latest, previous = ([*reversed(usage[-2:]), None, None])[:2]
    return {
        "quadrant": quadrant.QUADRANTS.get(account.quadrant, ("",))[0],
        "longevity": goals.longevity(
            customer_since=account.customer_since,
            renewal_date=account.renewal_date,
            today=timezone.localdate(),
            relationship_score=_float(account.relationship_score),
            customer_happiness=_float(account.customer_happiness),
            gap=bool(account.gap_class),
        ),
        "footprint": goals.footprint(
            seats=account.seats_purchased,
            active_users=latest.active_users if latest else None,
            previous_active_users=previous.active_users if previous else None,
            features_used=latest.features_used if latest else None,
            features_available=latest.features_available if latest else None,
        ),
        "advocates": goals.advocates(
            goals.Person(s.role, s.strength, s.reference_willing, s.is_active) for s in stakeholders
        ),
        "feedback": goals.feedback_loop([row[1:] for row in _feedback_items([account.pk])]),
    }


@dataclass
class TeamGoals:
    """The four goals summed over one team's accounts (or over every account shown)."""

    name: str
    accounts: int = 0
    arr: float = 0.0
    tenures: list = field(default_factory=list)
    renewals_soon: int = 0
    at_risk: int = 0
    at_risk_arr: float = 0.0
    seat_adoption: list = field(default_factory=list)
    feature_adoption: list = field(default_factory=list)
    usage_trend: list = field(default_factory=list)
    people: list = field(default_factory=list)
    feedback: list = field(default_factory=list)

    def add(self, arr: float, longevity: goals.Longevity, footprint: goals.Footprint) -> None:
        self.accounts += 1
        self.arr += arr
        if longevity.tenure_years is not None:
            self.tenures.append(longevity.tenure_years)
        if longevity.days_to_renewal is not None and 0 <= longevity.days_to_renewal <= (
            goals.RENEWAL_SOON_DAYS
        ):
            self.renewals_soon += 1
            if longevity.renewal_risk == "high":
                self.at_risk += 1
                self.at_risk_arr += arr
        for values, value in (
            (self.seat_adoption, footprint.seat_adoption),
            (self.feature_adoption, footprint.feature_adoption),
            (self.usage_trend, footprint.trend),
        ):
            if value is not None:
                values.append(value)

    @property
    def median_tenure(self) -> float | None:
        return median(self.tenures) if self.tenures else None

    @property
    def median_seat_adoption(self) -> float | None:
        return median(self.seat_adoption) if self.seat_adoption else None

    @property
    def median_feature_adoption(self) -> float | None:
        return median(self.feature_adoption) if self.feature_adoption else None

    @property
    def median_usage_trend(self) -> float | None:
        """How active users moved on the period before, for the median account."""
        return median(self.usage_trend) if self.usage_trend else None

    @property
    def advocates(self) -> goals.Advocates:
        return goals.advocates(self.people)

    @property
    def feedback_loop(self) -> goals.FeedbackLoop:
        return goals.feedback_loop(self.feedback)


def team_goals(*, user, filters: dict) -> tuple[list[TeamGoals], TeamGoals]:
    """The four goals per team over the visible accounts matching the filters, and in all."""
    accounts = accounts_filtered(user=user, filters=filters)
    latest = UsageSnapshot.objects.filter(account=OuterRef("pk")).order_by("-period_start")
    rows = accounts.annotate(
        active_users=Subquery(latest.values("active_users")[:1]),
        previous_active_users=Subquery(latest.values("active_users")[1:2]),
        features_used=Subquery(latest.values("features_used")[:1]),
        features_available=Subquery(latest.values("features_available")[:1]),
    ).values_list(
        "pk", "team__name", "arr", "customer_since", "renewal_date", "relationship_score",
        "customer_happiness", "gap_class", "seats_purchased", "active_users",
        "previous_active_users", "features_used", "features_available",
    )  # fmt: skip
    today = timezone.localdate()
    teams, team_of, total = {}, {}, TeamGoals("All teams shown")
    for (
        pk,
        team,
        arr,
        since,
        renewal,
        score,
        happiness,
        gap,
        seats,
        active,
        previous,
        used,
        available,
    ) in rows:
        team_of[pk] = teams.setdefault(team, TeamGoals(team))
        longevity = goals.longevity(
            customer_since=since, renewal_date=renewal, today=today,
            relationship_score=_float(score), customer_happiness=_float(happiness),
            gap=bool(gap),
        )  # fmt: skip
        footprint = goals.footprint(
            seats=seats, active_users=active, previous_active_users=previous,
            features_used=used, features_available=available,
        )  # fmt: skip
        for summary in (team_of[pk], total):
            summary.add(float(arr or 0), longevity, footprint)
    visible = accounts.values("pk")
    people = Stakeholder.objects.filter(account__in=visible).values_list(
        "account_id", "role", "strength", "reference_willing", "status"
    )
    for account_id, role, strength, willing, status in people:
        person = goals.Person(role, strength, willing, status == Stakeholder.Status.ACTIVE)
        for summary in (team_of[account_id], total):
            summary.people.append(person)
    for account_id, *dates in _feedback_items(visible):
        for summary in (team_of[account_id], total):
            summary.feedback.append(tuple(dates))
    return sorted(teams.values(), key=lambda team: team.name), total
