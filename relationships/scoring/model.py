"""The relationship score: plain functions on plain values (no ORM), documented in docs/scoring.md.

A stakeholder's score is built from components, each 0..1 or unknown (None):

- sentiment: recency-weighted mean of how interactions, moments and survey answers felt;
- channels: recency-weighted intimacy of the channels actually used;
- engagement: recent interaction rate against the person's own baseline, and reciprocity;
- responsiveness: how quickly they reply;
- open_items: a penalty growing with the number of open items and how overdue they are;
- trust_respect: both high = 1, one = 0.5, none = 0 (seed 001);
- tenure: how long the relationship has lasted;
- csm_rating: the CSM's own 1-5 read of the relationship.

Unknown components drop out and the remaining weights are renormalised; confidence is the share
of the total weight that had data; score = 1 + 4 x weighted mean. An account combines its
active stakeholders weighted by buying influence (see `score_account`).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from relationships.activity.feelings import (
    RATING,
    emotion_feeling,
    intensity_weight,
    recency_weight,
    sentiment_feeling,
)

COMPONENTS = (
    "sentiment",
    "channels",
    "engagement",
    "responsiveness",
    "open_items",
    "trust_respect",
    "tenure",
    "csm_rating",
)
DEFAULT_WEIGHTS = {
    "sentiment": 0.25,
    "channels": 0.10,
    "engagement": 0.20,
    "responsiveness": 0.10,
    "open_items": 0.10,
    "trust_respect": 0.15,
    "tenure": 0.05,
    "csm_rating": 0.05,
}
# What was logged or captured (interactions, moments, survey answers, open items) and what the
# CSM reports (their read of trust, respect and strength, how long the relationship has lasted).
OBSERVED = ("sentiment", "channels", "engagement", "responsiveness", "open_items")
REPORTED = ("trust_respect", "tenure", "csm_rating")
KEY_ROLES = frozenset({"decision_maker", "economic_buyer", "executive_sponsor"})


@dataclass(frozen=True)
class ScoringConfig:
    """Every number the model uses; admins edit them as a versioned configuration."""

    version: int = 0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    half_life_days: float = 90.0
    recent_days: int = 30
    baseline_days: int = 180
    expected_recent_interactions: float = 2.0
    response_target_hours: float = 24.0
    open_item_grace_days: int = 14
    tenure_full_years: float = 3.0
    influence_weights: Mapping[str, float] = field(
        default_factory=lambda: {"high": 0.6, "medium": 0.35, "low": 0.15}
    )
    key_coverage_share: float = 0.4
    strong_at: float = 4.0
    single_threaded_penalty: float = 0.5
    champion_left_penalty: float = 0.3
    moment_weight: float = 2.0
    survey_weight: float = 3.0
    engagement_drop_ratio: float = 0.5
    engagement_drop_min_usual: float = 2.0  # interactions usually seen in a recent window
    sentiment_drop: float = 0.25
    sentiment_drop_min_inputs: int = 3
    score_drop: float = 0.5


# ---------------------------------------------------------------------------------------------
# Signals: the aggregates a stakeholder's components are computed from. The recompute service
# gets them from SQL aggregates; `signals_from_events` is the same arithmetic on raw events.


@dataclass(frozen=True)
class Signals:
    sentiment_sum: float = 0.0  # sum of weight x feeling (0..1)
    sentiment_weight: float = 0.0
    sentiment_inputs: int = 0
    intimacy_sum: float = 0.0
    intimacy_weight: float = 0.0
    recent_interactions: int = 0
    baseline_interactions: int = 0
    recent_inbound: int = 0
    recent_sentiment: float | None = None  # plain mean of interaction feeling, recent window
    baseline_sentiment: float | None = None  # and in the baseline window before it
    response_hours: float | None = None  # mean reply time of their replies
    replies: int = 0
    open_items: int = 0
    overdue_days: float = 0.0  # summed over open items, past their due date (or grace)
    trust: str = ""
    respect: str = ""
    tenure_days: int | None = None
    csm_rating: int | None = None
    interactions: int = 0


@dataclass(frozen=True)
class InteractionEvent:
    occurred_at: datetime
    sentiment: int  # -2..+2
    intimacy: float  # 0..1
    inbound: bool
    response_hours: float | None = None


@dataclass(frozen=True)
class MomentEvent:
    occurred_on: date
    emotion: str
    intensity: int = 2


@dataclass(frozen=True)
class OpenItemEvent:
    opened_on: date
    due_on: date | None = None


def signals_from_events(
    *,
    as_of: datetime,
    config: ScoringConfig,
    interactions: Iterable[InteractionEvent] = (),
    moments: Iterable[MomentEvent] = (),
    survey_happiness: Iterable[tuple[date, int]] = (),
    open_items: Iterable[OpenItemEvent] = (),
    trust: str = "",
    respect: str = "",
    relationship_since: date | None = None,
    csm_rating: int | None = None,
) -> Signals:
    """The signals of one stakeholder from their raw events, as of a moment in time."""
    today = as_of.date()
    sentiment_sum = sentiment_weight = intimacy_sum = intimacy_weight = 0.0
    inputs = recent = baseline = inbound = total = 0
    recent_feelings, baseline_feelings, reply_hours = [], [], []
    for event in interactions:
        age = (as_of - event.occurred_at).total_seconds() / 86400
        if age < 0:
            continue
        total += 1
        weight = recency_weight(age, config.half_life_days)
        sentiment_sum += weight * sentiment_feeling(event.sentiment)
        sentiment_weight += weight
        intimacy_sum += weight * event.intimacy
        intimacy_weight += weight
        inputs += 1
        if age < config.recent_days:
            recent += 1
            inbound += event.inbound
            recent_feelings.append(sentiment_feeling(event.sentiment))
        elif age < config.recent_days + config.baseline_days:
            baseline += 1
            baseline_feelings.append(sentiment_feeling(event.sentiment))
        if event.inbound and event.response_hours is not None:
            reply_hours.append(event.response_hours)
    for moment in moments:
        age = (today - moment.occurred_on).days
        if age < 0:
            continue
        weight = recency_weight(age, config.half_life_days) * config.moment_weight
        weight *= intensity_weight(moment.intensity)
        sentiment_sum += weight * emotion_feeling(moment.emotion)
        sentiment_weight += weight
        inputs += 1
    for answered_on, happiness in survey_happiness:
        age = (today - answered_on).days
        if age < 0:
            continue
        weight = recency_weight(age, config.half_life_days) * config.survey_weight
        sentiment_sum += weight * RATING.feeling(happiness)
        sentiment_weight += weight
        inputs += 1
    items = [item for item in open_items if item.opened_on <= today]
    return Signals(
        sentiment_sum=sentiment_sum,
        sentiment_weight=sentiment_weight,
        sentiment_inputs=inputs,
        intimacy_sum=intimacy_sum,
        intimacy_weight=intimacy_weight,
        recent_interactions=recent,
        baseline_interactions=baseline,
        recent_inbound=inbound,
        recent_sentiment=_mean(recent_feelings),
        baseline_sentiment=_mean(baseline_feelings),
        response_hours=_mean(reply_hours),
        replies=len(reply_hours),
        open_items=len(items),
        overdue_days=sum(overdue_days(item, today, config) for item in items),
        trust=trust,
        respect=respect,
        tenure_days=(today - relationship_since).days if relationship_since else None,
        csm_rating=csm_rating,
        interactions=total,
    )


def overdue_days(item: OpenItemEvent, today: date, config: ScoringConfig) -> int:
    due = item.due_on or date.fromordinal(item.opened_on.toordinal() + config.open_item_grace_days)
    return max((today - due).days, 0)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------------------------------------
# Components and the stakeholder score


def components(signals: Signals, config: ScoringConfig) -> dict[str, float | None]:
    """Each component's value, 0..1, or None when there is no data for it."""
    s = signals
    return {
        "sentiment": s.sentiment_sum / s.sentiment_weight if s.sentiment_weight > 0 else None,
        "channels": s.intimacy_sum / s.intimacy_weight if s.intimacy_weight > 0 else None,
        "engagement": engagement(s, config),
        "responsiveness": (
            config.response_target_hours / (config.response_target_hours + s.response_hours)
            if s.response_hours is not None
            else None
        ),
        "open_items": (
            1 / (1 + 0.5 * s.open_items + s.overdue_days / 30)
            if s.open_items or s.interactions
            else None
        ),
        "trust_respect": (
            0.5 * (s.trust == "high") + 0.5 * (s.respect == "high")
            if s.trust or s.respect
            else None
        ),
        "tenure": (
            min(1.0, s.tenure_days / (365 * config.tenure_full_years))
            if s.tenure_days is not None and s.tenure_days >= 0
            else None
        ),
        "csm_rating": RATING.feeling(s.csm_rating) if s.csm_rating else None,
    }


def engagement(s: Signals, config: ScoringConfig) -> float | None:
    """Recent interaction rate against the person's own baseline (70 %) and how much of it
    they start themselves (30 %). Unknown with no interactions in either window."""
    if not s.recent_interactions and not s.baseline_interactions:
        return None
    if s.baseline_interactions:
        recent_rate = s.recent_interactions / config.recent_days
        baseline_rate = s.baseline_interactions / config.baseline_days
        level = min(1.0, recent_rate / baseline_rate)
    else:
        level = min(1.0, s.recent_interactions / config.expected_recent_interactions)
    reciprocity = (
        min(1.0, 2 * s.recent_inbound / s.recent_interactions) if s.recent_interactions else 0.0
    )
    return 0.7 * level + 0.3 * reciprocity


@dataclass(frozen=True)
class Score:
    """A score with its explanation: every component's value and weight, and the confidence."""

    value: float | None
    confidence: float
    components: dict[str, float | None]
    weights: dict[str, float]

    def contribution(self, name: str) -> float:
        """What the component adds to the 0..1 weighted mean (value x renormalised weight)."""
        value = self.components.get(name)
        known = sum(self.weights[c] for c, v in self.components.items() if v is not None)
        return 0.0 if value is None or not known else value * self.weights[name] / known


def combine(values: Mapping[str, float | None], weights: Mapping[str, float]) -> Score:
    """score = 1 + 4 x the weighted mean of the known components; confidence = known weight."""
    total = sum(weights.get(name, 0.0) for name in values)
    known = {name: v for name, v in values.items() if v is not None and weights.get(name, 0) > 0}
    known_weight = sum(weights[name] for name in known)
    if not known_weight or not total:
        return Score(None, 0.0, dict(values), {n: weights.get(n, 0.0) for n in values})
    mean = sum(weights[name] * v for name, v in known.items()) / known_weight
    return Score(
        value=clamp(1 + 4 * mean),
        confidence=known_weight / total,
        components=dict(values),
        weights={n: weights.get(n, 0.0) for n in values},
    )


def part_value(
    values: Mapping[str, float | None], weights: Mapping[str, float], names: Iterable[str]
) -> float | None:
    """1 + 4 x the weighted mean of the named components that are known (None if none is)."""
    known = [(weights.get(n, 0.0), values.get(n)) for n in names if values.get(n) is not None]
    total = sum(weight for weight, _ in known)
    return 1 + 4 * sum(weight * value for weight, value in known) / total if total else None


def score_stakeholder(signals: Signals, config: ScoringConfig) -> Score:
    return combine(components(signals, config), config.weights)


def clamp(value: float, low: float = 1.0, high: float = 5.0) -> float:
    return min(high, max(low, value))


# ---------------------------------------------------------------------------------------------
# The account score


@dataclass(frozen=True)
class Person:
    role: str
    influence: str
    score: float | None
    confidence: float = 1.0
    active: bool = True


@dataclass(frozen=True)
class AccountScore:
    value: float | None
    confidence: float
    breadth: float
    key_coverage: float
    strong_relationships: int
    single_threaded: bool
    champion_left: bool
    penalty: float


def score_account(people: Iterable[Person], config: ScoringConfig) -> AccountScore:
    """Combine the stakeholders' scores, weighted by buying influence.

    breadth = 1 - product over active people of (1 - influence x strength), where strength is
    the score on 0..1: each relationship adds, high-influence people most, and no one subtracts;
    key coverage = the strongest relationship with a decision maker, economic buyer or executive
    sponsor. base = share x key coverage + (1 - share) x breadth; score = 1 + 4 x base minus the
    single-threaded and champion-left penalties, kept within 1..5.
    """
    people = list(people)
    active = [p for p in people if p.active and p.score is not None]
    champion_left = any(p.role == "champion" and not p.active for p in people)
    if not active:
        return AccountScore(None, 0.0, 0.0, 0.0, 0, True, champion_left, 0.0)
    remaining = 1.0
    for person in active:
        remaining *= 1 - config.influence_weights.get(person.influence, 0) * strength(person)
    breadth = 1 - remaining
    key_coverage = max((strength(p) for p in active if p.role in KEY_ROLES), default=0.0)
    base = config.key_coverage_share * key_coverage + (1 - config.key_coverage_share) * breadth
    strong = sum(1 for p in active if p.score >= config.strong_at)
    single_threaded = strong <= 1
    penalty = single_threaded * config.single_threaded_penalty
    penalty += champion_left * config.champion_left_penalty
    influence = [config.influence_weights.get(p.influence, 0) for p in active]
    confidence = sum(w * p.confidence for w, p in zip(influence, active, strict=True))
    return AccountScore(
        value=clamp(1 + 4 * base - penalty),
        confidence=confidence / sum(influence) if sum(influence) else 0.0,
        breadth=breadth,
        key_coverage=key_coverage,
        strong_relationships=strong,
        single_threaded=single_threaded,
        champion_left=champion_left,
        penalty=penalty,
    )


def strength(person: Person) -> float:
    return RATING.feeling(person.score) if person.score is not None else 0.0


# ---------------------------------------------------------------------------------------------
# Labels, movements and alerts


def label(value: float | None, scale: Mapping[int, str]) -> str:
    """The scale's label for the nearest point (half-way rounds up)."""
    if value is None or not scale:
        return ""
    point = min(max(math.floor(value + 0.5), min(scale)), max(scale))
    return scale.get(point, "")


def movements(
    previous: Mapping[str, float | None], current: Mapping[str, float | None]
) -> list[tuple[str, float]]:
    """Components that changed between two snapshots, largest change first."""
    moved = [
        (name, (current.get(name) or 0.0) - (previous.get(name) or 0.0))
        for name in COMPONENTS
        if current.get(name) != previous.get(name)
    ]
    return sorted(moved, key=lambda item: -abs(item[1]))


@dataclass(frozen=True)
class Alert:
    kind: str
    reason: str


def stakeholder_alerts(signals: Signals, config: ScoringConfig) -> list[Alert]:
    """Sudden drops against the person's own baseline, in words."""
    alerts = []
    s = signals
    usual = s.baseline_interactions / config.baseline_days * config.recent_days
    if (
        usual >= config.engagement_drop_min_usual
        and s.recent_interactions < config.engagement_drop_ratio * usual
    ):
        alerts.append(
            Alert(
                "engagement_drop",
                f"{s.recent_interactions} interactions in the last {config.recent_days} days"
                f" against about {usual:.1f} usually.",
            )
        )
    if (
        s.recent_interactions >= config.sentiment_drop_min_inputs
        and s.baseline_interactions >= config.sentiment_drop_min_inputs
        and s.recent_sentiment is not None
        and s.baseline_sentiment is not None
        and s.baseline_sentiment - s.recent_sentiment >= config.sentiment_drop
    ):
        alerts.append(
            Alert(
                "sentiment_drop",
                f"Recent interactions feel {feeling_words(s.recent_sentiment)}, against"
                f" {feeling_words(s.baseline_sentiment)} before.",
            )
        )
    return alerts


def feeling_words(feeling: float) -> str:
    """A 0..1 feeling in words, for alert reasons."""
    for threshold, words in ((0.2, "very negative"), (0.4, "negative"), (0.6, "neutral")):
        if feeling < threshold:
            return words
    return "positive" if feeling < 0.8 else "very positive"
