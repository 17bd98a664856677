"""The relationship score: plain functions on plain values (no ORM), documented in docs/scoring.md.

A stakeholder's score has two parts. The *observed* part is built from what was logged or
captured, as evidence that accumulates from nothing (1, "no relationship"): each event adds in
the direction of its own feeling, so a cold email or an enraged moment never raises a score and
a warm one never lowers it.

- sentiment: net feeling of interactions, moments and survey answers, recent ones counting more;
- engagement: recent contact, warm contact counting more and cold contact against;
- channels: the same contact over a longer horizon, weighted by each channel's intimacy;
- responsiveness: contact they start, replies counting by how quickly they came;
- tenure: how long the relationship has lasted;
- open_items: open items, and how overdue they are, take away part of the observed part.

The *reported* part is the CSM's read: trust and respect (seed 001) and their 1-5 rating. It
can move the score by at most `reported_cap` (half of it either way), so one edit of a form
cannot outweigh what was observed. score = 1 + 4 x observed + adjustment. An account
combines its active stakeholders' observed parts weighted by buying influence (see
`score_account`), and the reported part of its people and its latest pulse check the same way.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from relationships.activity.feelings import (
    RATING,
    contact_credit,
    emotion_happiness,
    intensity_weight,
    recency_weight,
    sentiment_feeling,
    sentiment_happiness,
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
    "sentiment": 0.15,
    "channels": 0.15,
    "engagement": 0.15,
    "responsiveness": 0.20,
    "open_items": 0.10,
    "trust_respect": 0.15,
    "tenure": 0.05,
    "csm_rating": 0.05,
}
# What was logged or captured (interactions, moments, survey answers, open items, and how long
# the relationship has lasted) and what the CSM reports (their read of trust, respect, strength).
OBSERVED = ("sentiment", "channels", "engagement", "responsiveness", "tenure", "open_items")
REPORTED = ("trust_respect", "csm_rating")
KEY_ROLES = frozenset({"decision_maker", "economic_buyer", "executive_sponsor"})


@dataclass(frozen=True)
class ScoringConfig:
    """Every number the model uses; admins edit most of them as a versioned configuration."""

    version: int = 0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    half_life_days: float = 180.0
    recent_days: int = 30
    baseline_days: int = 180
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
    engagement_half_life_days: float = 60.0  # engagement looks at recent contact
    # How much evidence earns half marks in each observed component (value = e / (e + this)).
    sentiment_half_marks: float = 1.5
    engagement_half_marks: float = 0.75
    channels_half_marks: float = 1.0
    responsiveness_half_marks: float = 1.0
    reported_cap: float = 0.25  # the most the CSM's read can move a score (half either way)
    pulse_share: float = 0.5  # of an account's reported part, when a pulse check is recent
    disagreement_at: float = 1.5  # points between the reported and the observed score
    engagement_drop_ratio: float = 0.5
    engagement_drop_min_usual: float = 2.0  # interactions usually seen in a recent window
    sentiment_drop: float = 0.25
    sentiment_drop_min_inputs: int = 3
    score_drop: float = 0.5


# ---------------------------------------------------------------------------------------------
# Signals: the sums a stakeholder's components are computed from. The recompute service gets
# them from SQL aggregates; `signals_from_events` is the same arithmetic on raw events. Every
# evidence sum adds each event's weight (recency, and for moments and answers how much they
# count) times a number with the sign of the event's own feeling.


@dataclass(frozen=True)
class Signals:
    feeling: float = 0.0  # net feeling: sum of weight x happiness (-1..+1)
    feeling_inputs: int = 0
    contact: float = 0.0  # sum of recent weight (engagement's half-life) x contact credit
    closeness: float = 0.0  # sum of weight x channel intimacy x contact credit
    outreach: float = 0.0  # over contact they started: sum of weight x promptness x credit
    replies: int = 0  # interactions they started (inbound)
    recent_interactions: int = 0
    baseline_interactions: int = 0
    recent_sentiment: float | None = None  # plain mean of interaction feeling, recent window
    baseline_sentiment: float | None = None  # and in the baseline window before it
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


def promptness(response_hours: float | None, config: ScoringConfig) -> float:
    """How much contact they started counts: 1 when they reached out, target / (target + h)
    for a reply that took h hours (a day: 0.5)."""
    if response_hours is None:
        return 1.0
    return config.response_target_hours / (config.response_target_hours + response_hours)


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
    feeling = contact = closeness = outreach = 0.0
    inputs = recent = baseline = replies = total = 0
    recent_feelings, baseline_feelings = [], []
    for event in interactions:
        age = (as_of - event.occurred_at).total_seconds() / 86400
        if age < 0:
            continue
        total += 1
        weight = recency_weight(age, config.half_life_days)
        credit = contact_credit(event.sentiment)
        feeling += weight * sentiment_happiness(event.sentiment)
        contact += recency_weight(age, config.engagement_half_life_days) * credit
        closeness += weight * event.intimacy * credit
        inputs += 1
        if event.inbound:
            replies += 1
            outreach += weight * promptness(event.response_hours, config) * credit
        if age < config.recent_days:
            recent += 1
            recent_feelings.append(sentiment_feeling(event.sentiment))
        elif age < config.recent_days + config.baseline_days:
            baseline += 1
            baseline_feelings.append(sentiment_feeling(event.sentiment))
    for moment in moments:
        age = (today - moment.occurred_on).days
        if age < 0:
            continue
        weight = recency_weight(age, config.half_life_days) * config.moment_weight
        feeling += weight * intensity_weight(moment.intensity) * emotion_happiness(moment.emotion)
        inputs += 1
    for answered_on, happiness in survey_happiness:
        age = (today - answered_on).days
        if age < 0:
            continue
        weight = recency_weight(age, config.half_life_days) * config.survey_weight
        feeling += weight * RATING.happiness(happiness)
        inputs += 1
    items = [item for item in open_items if item.opened_on <= today]
    return Signals(
        feeling=feeling,
        feeling_inputs=inputs,
        contact=contact,
        closeness=closeness,
        outreach=outreach,
        replies=replies,
        recent_interactions=recent,
        baseline_interactions=baseline,
        recent_sentiment=_mean(recent_feelings),
        baseline_sentiment=_mean(baseline_feelings),
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


def evidence(amount: float, half_marks: float) -> float:
    """Accumulated evidence on 0..1: nothing (or a net negative) 0, `half_marks` 0.5."""
    return amount / (amount + half_marks) if amount > 0 else 0.0


def components(signals: Signals, config: ScoringConfig) -> dict[str, float | None]:
    """Each component's value, 0..1, or None when there is no data for it."""
    s = signals
    return {
        "sentiment": (
            evidence(s.feeling, config.sentiment_half_marks) if s.feeling_inputs else None
        ),
        "channels": (evidence(s.closeness, config.channels_half_marks) if s.interactions else None),
        "engagement": (
            evidence(s.contact, config.engagement_half_marks) if s.interactions else None
        ),
        "responsiveness": (
            evidence(s.outreach, config.responsiveness_half_marks) if s.replies else None
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


SCALED = OBSERVED[:-1]  # the observed components open items scale
# What an observed component without data counts: no evidence, and nothing open.
NO_EVIDENCE = {**dict.fromkeys(SCALED, 0.0), "open_items": 1.0}


def observed_part(values: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """What was observed, on 0..1 (None when nothing was): the weighted mean of sentiment,
    channels, engagement, responsiveness and tenure (a component without data counts 0, no
    evidence), times what open items leave of their own weight's share."""
    return _observed(values, Weights.of(weights))


def _observed(values: Mapping[str, float | None], weights: "Weights") -> float | None:
    if all(values.get(name) is None for name in OBSERVED):
        return None
    total, open_weight = weights.observed, weights.open_items
    if total <= open_weight:
        return 0.0
    scaled = 0  # a component without data adds nothing: no evidence
    for name in SCALED:
        if (value := values.get(name)) is not None:
            scaled += weights.by_name[name] * value
    open_items = values.get("open_items")
    left = NO_EVIDENCE["open_items"] if open_items is None else open_items
    return scaled / (total - open_weight) * (1 - open_weight * (1 - left) / total)


def reported_part(values: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """The CSM's read, on 0..1: the weighted mean of the reported components that are known."""
    known = [(weights.get(n, 0.0), values[n]) for n in REPORTED if values.get(n) is not None]
    total = sum(weight for weight, _ in known)
    return sum(weight * value for weight, value in known) / total if total else None


def adjustment(reported: float | None, config: ScoringConfig) -> float:
    """What the reported part adds to the score: from -cap/2 (all low) to +cap/2 (all high)."""
    return 0.0 if reported is None else config.reported_cap * (reported - 0.5)


def disagreement(observed: float | None, reported: float | None, config: ScoringConfig) -> str:
    """Whether the CSM's read and the behaviour disagree: "csm_high" when the reported part,
    as a 1-5 score, is at least `disagreement_at` above the observed score (1-5), "csm_low"
    when below; "" otherwise or without both."""
    if observed is None or reported is None:
        return ""
    difference = 1 + 4 * reported - observed
    if difference >= config.disagreement_at:
        return "csm_high"
    return "csm_low" if -difference >= config.disagreement_at else ""


@dataclass(frozen=True)
class Score:
    """A score with its explanation: every component's value and weight, the confidence, and
    the observed and reported parts (0..1) it was made of."""

    value: float | None
    confidence: float
    components: dict[str, float | None]
    weights: dict[str, float]
    observed: float | None = None
    reported: float | None = None

    @property
    def observed_score(self) -> float | None:
        """The observed part alone as a 1-5 score (None when nothing was observed)."""
        return None if self.observed is None else 1 + 4 * self.observed


@dataclass(frozen=True)
class Weights:
    """A configuration's weight of every component, and the sums each score uses: of all of
    them, of the observed ones, and open items' own."""

    by_name: Mapping[str, float]
    total: float
    observed: float
    open_items: float

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> "Weights":
        by_name = {name: weights.get(name, 0.0) for name in COMPONENTS}
        observed = sum(by_name[name] for name in OBSERVED)
        return cls(by_name, sum(by_name.values()), observed, by_name["open_items"])


def score_stakeholder(
    signals: Signals, config: ScoringConfig, weights: Weights | None = None
) -> Score:
    """score = 1 + 4 x observed + adjustment(reported), kept within 1..5; confidence is the
    share of the weight whose component had data. Nothing observed: no score (what the CSM
    reports only adjusts what was observed). `weights` (Weights.of the configuration's) spares
    their sums when scoring many people."""
    weights = weights or Weights.of(config.weights)
    values = components(signals, config)
    by_name = weights.by_name
    observed = _observed(values, weights)
    reported = reported_part(values, by_name)
    total = weights.total
    if observed is None or not total:
        return Score(None, 0.0, values, dict(by_name), None, reported)
    known = sum(by_name[name] for name, value in values.items() if value is not None)
    value = clamp(1 + 4 * (observed or 0.0) + adjustment(reported, config))
    return Score(value, known / total, values, dict(by_name), observed, reported)


def clamp(value: float, low: float = 1.0, high: float = 5.0) -> float:
    return min(high, max(low, value))


# ---------------------------------------------------------------------------------------------
# The account score


@dataclass(frozen=True)
class Person:
    """A stakeholder as the account sees them: `score` is their observed score (1-5, None
    when nothing was observed), `reported` their reported part (0..1, None if unknown)."""

    role: str
    influence: str
    score: float | None
    confidence: float = 1.0
    active: bool = True
    reported: float | None = None

    @classmethod
    def scored(cls, role: str, influence: str, score: Score, *, active: bool = True) -> "Person":
        """A stakeholder with their own `Score`, as the account counts them."""
        return cls(role, influence, score.observed_score, score.confidence, active, score.reported)


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
    observed: float | None = None  # the score before the reported adjustment, 1..5
    reported: float | None = None  # the people's read and the pulse check, 0..1
    adjustment: float = 0.0
    disagreement: str = ""


def score_account(
    people: Iterable[Person], config: ScoringConfig, *, perception: float | None = None
) -> AccountScore:
    """Combine the stakeholders' observed scores, weighted by buying influence, then adjust
    by what the CSM reports.

    breadth = 1 - product over active people of (1 - influence x strength), where strength is
    the observed score on 0..1: each relationship adds, high-influence people most, and no one
    subtracts; key coverage = the strongest relationship with a decision maker, economic buyer
    or executive sponsor. base = share x key coverage + (1 - share) x breadth; observed = 1 +
    4 x base minus the single-threaded and champion-left penalties, kept within 1..5.
    The reported part is the people's reported parts averaged by influence, and the CSM's
    perception from a recent pulse check (-1..+1, the gap model's factor) takes `pulse_share`
    of it; score = observed + adjustment(reported), kept within 1..5.
    """
    people = list(people)
    active = [p for p in people if p.active and p.score is not None]
    champion_left = any(p.role == "champion" and not p.active for p in people)
    reported = _account_reported([p for p in people if p.active], perception, config)
    if not active:
        return AccountScore(None, 0.0, 0.0, 0.0, 0, True, champion_left, 0.0, reported=reported)
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
    observed = clamp(1 + 4 * base - penalty)
    influence = [config.influence_weights.get(p.influence, 0) for p in active]
    confidence = sum(w * p.confidence for w, p in zip(influence, active, strict=True))
    shift = adjustment(reported, config)
    return AccountScore(
        value=clamp(observed + shift),
        confidence=confidence / sum(influence) if sum(influence) else 0.0,
        breadth=breadth,
        key_coverage=key_coverage,
        strong_relationships=strong,
        single_threaded=single_threaded,
        champion_left=champion_left,
        penalty=penalty,
        observed=observed,
        reported=reported,
        adjustment=shift,
        disagreement=disagreement(observed, reported, config),
    )


def _account_reported(
    active: list[Person], perception: float | None, config: ScoringConfig
) -> float | None:
    """The active people's reported parts averaged by influence, and the pulse's share."""
    known = [
        (config.influence_weights.get(p.influence, 0), p.reported)
        for p in active
        if p.reported is not None
    ]
    total = sum(weight for weight, _ in known)
    people = sum(weight * value for weight, value in known) / total if total else None
    pulse = None if perception is None else (perception + 1) / 2
    if people is None or pulse is None:
        return pulse if people is None else people
    return (1 - config.pulse_share) * people + config.pulse_share * pulse


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
                f"{s.recent_interactions} interaction{'' if s.recent_interactions == 1 else 's'}"
                f" in the last {config.recent_days} days"
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
