"""Our relationship measured alongside the competitors' (seed 002). Pure functions.

Each rating is one stakeholder's view on one dimension: our rating and a competitor's, 1-5.
Per dimension the index is the influence-weighted mean of (ours - theirs), from -4 (they win
everywhere) to +4; the account's index is the mean over the rated dimensions. A dimension is
flagged when the competitor leads in the eyes of the high-influence people.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

HIGH = "high"


@dataclass(frozen=True)
class Rating:
    dimension: str  # slug
    competitor: int
    influence: str  # high, medium or low
    ours: int
    theirs: int


@dataclass(frozen=True)
class Standing:
    dimensions: dict[str, float]  # slug -> index, in dimension order
    index: float | None
    weakest: str | None
    leads: list[str]  # slugs where the competitor leads with high-influence people
    by_competitor: dict[int, dict[str, float]] = field(default_factory=dict)


def _indices(
    ratings: Iterable[Rating], order: Sequence[str], weights: dict[str, float]
) -> dict[str, float]:
    sums, totals = defaultdict(float), defaultdict(float)
    for rating in ratings:
        weight = weights.get(rating.influence, 0.0)
        sums[rating.dimension] += weight * (rating.ours - rating.theirs)
        totals[rating.dimension] += weight
    return {slug: sums[slug] / totals[slug] for slug in order if totals.get(slug)}


def standing(
    ratings: Sequence[Rating], *, order: Sequence[str], weights: dict[str, float]
) -> Standing:
    """The account's standing against its competitors from its stakeholders' latest ratings.

    `order`: the dimension slugs in display order (ties for the weakest go to the first);
    `weights`: influence -> weight (the scoring configuration's influence weights)."""
    dimensions = _indices(ratings, order, weights)
    high = _indices([r for r in ratings if r.influence == HIGH], order, weights)
    by_competitor = defaultdict(list)
    for rating in ratings:
        by_competitor[rating.competitor].append(rating)
    return Standing(
        dimensions=dimensions,
        index=sum(dimensions.values()) / len(dimensions) if dimensions else None,
        weakest=min(dimensions, key=dimensions.get) if dimensions else None,
        leads=[slug for slug, value in high.items() if value < 0],
        by_competitor={
            competitor: _indices(rated, order, weights)
            for competitor, rated in sorted(by_competitor.items())
        },
    )


@dataclass
class Beats:
    """Where one competitor beats us on one dimension: the accounts and their ARR, out of the
    ARR of the accounts where the pair was rated."""

    accounts: int = 0
    arr: float = 0.0
    rated_arr: float = 0.0

    @property
    def arr_share(self) -> float | None:
        return self.arr / self.rated_arr if self.rated_arr else None
