"""Each account's position: its quadrant (seed 004) and its standing against competitors
(seed 002). The only writer of those fields on accounts and their score snapshots, and of
`CompetitorStanding`.

The score recompute places the accounts it has just scored (`positions_place`) and writes their
positions with its own numbers; `positions_refresh` places every account again from what it
stores when the quadrant thresholds change. Both read in a fixed number of set-based queries
and write in bulk, so running them twice for a day changes nothing.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import POSITION_FIELDS, Account
from core.db.bulk import as_decimal, update_rows
from relationships.activity import catalogs
from relationships.gaps.services import latest_pulses
from relationships.models import (
    AccountScore,
    CompetitorRating,
    CompetitorStanding,
    Stakeholder,
)
from relationships.positioning import competition, quadrant
from relationships.scoring import model as scoring
from relationships.scoring.config import configs_in_use


def thresholds() -> quadrant.Thresholds:
    row = catalogs.quadrant_settings()
    return quadrant.Thresholds(
        breakeven_margin=float(row.breakeven_margin),
        target_margin=float(row.target_margin),
        happiness_intersection=float(row.happiness_intersection),
    )


def _latest_ratings(account_ids: list[int], day: dt.date) -> dict[int, list]:
    """Each account's ratings by its active people, the latest per person, competitor and
    dimension."""
    rows = (
        CompetitorRating.objects.filter(
            account_id__in=account_ids,
            rated_on__lte=day,
            stakeholder__status=Stakeholder.Status.ACTIVE,
        )
        .order_by("rated_on", "pk")
        .values_list(
            "account_id", "stakeholder_id", "competitor_id", "dimension__slug",
            "stakeholder__buying_influence", "our_rating", "their_rating",
        )
    )  # fmt: skip
    latest = {}
    for account, person, competitor, slug, influence, ours, theirs in rows:
        rating = competition.Rating(slug, competitor, influence, ours, theirs)
        latest[(account, person, competitor, slug)] = rating
    by_account: dict[int, list] = {}
    for (account, *_), rating in latest.items():
        by_account.setdefault(account, []).append(rating)
    return by_account


@dataclass(frozen=True)
class PositionInputs:
    """What places accounts, by account id: the relationship score (1-5), the customer's voice
    (-1..+1, the gap model's), the latest pulse check's happiness (1-5), and the ARR and cost
    to serve."""

    scores: dict[int, Decimal | None]
    voices: dict[int, float | None]
    pulses: dict[int, int]
    finances: dict[int, tuple[Decimal | None, Decimal | None]]


@dataclass(frozen=True)
class Positions:
    """Where accounts stand, by account id: their POSITION_FIELDS, and their standings against
    each competitor on each dimension."""

    fields: dict[int, tuple]
    standings: list[CompetitorStanding]


def _stored_inputs(account_ids: list[int], day: dt.date) -> PositionInputs:
    """The accounts as they stand: their stored score, customer voice and finances, and their
    latest pulse up to `day`. Their rows are held until the transaction ends, so a recompute
    of the same accounts waits rather than be overwritten with older inputs."""
    rows = (
        Account.objects.filter(pk__in=account_ids)
        .select_for_update(no_key=True)
        .values_list("pk", "relationship_score", "customer_voice", "arr", "cost_to_serve")
    )
    scores, voices, finances = {}, {}, {}
    for pk, score, voice, arr, cost in rows:
        scores[pk] = score
        voices[pk] = None if voice is None else float(voice)
        finances[pk] = (arr, cost)
    pulses = {pk: happiness for pk, (_on, happiness) in latest_pulses(account_ids, day).items()}
    return PositionInputs(scores, voices, pulses, finances)


@transaction.atomic(savepoint=False)
def positions_refresh(*, account_ids: list[int]) -> None:
    """Place these accounts again for today from what they store (the quadrant thresholds
    changed) and stand them against their competitors."""
    day = timezone.localdate()
    inputs = _stored_inputs(account_ids, day)
    positions = positions_place(
        account_ids=list(inputs.scores), day=day, config=configs_in_use().scoring, inputs=inputs
    )
    update_rows(Account, POSITION_FIELDS, [(pk, *row) for pk, row in positions.fields.items()])
    snapshots = AccountScore.objects.filter(account_id__in=account_ids, day=day).values_list(
        "pk", "account_id"
    )
    update_rows(
        AccountScore,
        POSITION_FIELDS,
        [(pk, *positions.fields[account_id]) for pk, account_id in snapshots],
    )
    standings_replace(account_ids=account_ids, standings=positions.standings)


def positions_place(
    *,
    account_ids: list[int],
    day: dt.date,
    config: scoring.ScoringConfig,
    inputs: PositionInputs,
) -> Positions:
    """Place these accounts for `day` from their inputs and stand them against their
    competitors; one query (the ratings) whatever their number."""
    limits = thresholds()
    ratings = _latest_ratings(account_ids, day)
    dimensions = {dimension.slug: dimension.pk for dimension in catalogs.dimensions()}
    positions, standings = {}, []
    for account_id in account_ids:
        arr, cost = inputs.finances[account_id]
        score = inputs.scores.get(account_id)
        happiness = quadrant.customer_happiness(
            customer_voice=inputs.voices.get(account_id),
            relationship_score=None if score is None else float(score),
            pulse=inputs.pulses.get(account_id),
        )
        margin = quadrant.company_happiness(
            arr=None if arr is None else float(arr),
            cost_to_serve=None if cost is None else float(cost),
        )
        placement = quadrant.place(happiness=happiness, margin=margin, thresholds=limits)
        standing = competition.standing(
            ratings.get(account_id, []), order=list(dimensions), weights=config.influence_weights
        )
        positions[account_id] = (
            as_decimal(happiness, "0.001"),
            as_decimal(margin, "0.001"),
            placement.quadrant if placement else "",
            as_decimal(placement.strength if placement else None, "0.001"),
            as_decimal(standing.index, "0.01"),
            standing.weakest or "",
            ";".join(standing.leads),
        )
        standings.extend(
            CompetitorStanding(
                account_id=account_id,
                competitor_id=competitor,
                dimension_id=dimensions[slug],
                index=as_decimal(value, "0.01"),
            )
            for competitor, values in standing.by_competitor.items()
            for slug, value in values.items()
        )
    return Positions(positions, standings)


def standings_replace(*, account_ids: list[int], standings: list[CompetitorStanding]) -> None:
    """Make these accounts' standings the ones given."""
    CompetitorStanding.objects.filter(account_id__in=account_ids).delete()
    CompetitorStanding.objects.bulk_create(standings, batch_size=1000)
