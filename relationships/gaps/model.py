"""The relationship gap model (seed 000): plain functions on plain values, no ORM.

Three factors, each on one happiness scale from -1 (unhappy) to +1 (happy), or unknown (None):

- customer voice: what the customer says (survey answers, moments they identified, how their
  own messages to us feel), added up as evidence, so a complaint never makes it happier;
- product usage: usage against the account's own baseline, and how much of what they bought
  they use (seats, features);
- CSM perception: the CSM's latest pulse check, fading towards neutral as it ages.

The gap is the spread between the known factors (at least two). From the configured threshold
on a gap is detected and classified by the first rule of CLASS_RULES that holds (docs/scoring.md
has the table); the factors agree only once the spread is below the threshold by a margin, so a
gap near the threshold does not flicker open and closed. The case lifecycle (`case_plan`) and
the workflow (`can_move`, `reason_needed`) are here too, so that every rule is testable without
a database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from relationships.activity.feelings import (
    RATING,
    emotion_happiness,
    intensity_weight,
    recency_weight,
    sentiment_happiness,
)

SAYS_HAPPY_USAGE_DOWN = "says_happy_usage_down"
USES_NEEDS_UNMET = "uses_needs_unmet"
CSM_FINE_CUSTOMER_NOT = "csm_fine_customer_not"
CSM_WORRIED_CUSTOMER_HAPPY = "csm_worried_customer_happy"
GENERIC = "generic"

CLASS_LABELS = {
    SAYS_HAPPY_USAGE_DOWN: "Says happy, usage down",
    USES_NEEDS_UNMET: "Uses it, needs unmet",
    CSM_FINE_CUSTOMER_NOT: "CSM feels fine, customer says otherwise",
    CSM_WORRIED_CUSTOMER_HAPPY: "CSM worried, customer happy",
    GENERIC: "Factors disagree",
}

# Workflow states, in board order. Open states can move to one another (except back to
# "detected", which only detection sets) and to a closed state; closed states are final for
# people: a resolved case reopens only when detection sees its gap come back. An account has at
# most one open case.
DETECTED = "detected"
ACKNOWLEDGED = "acknowledged"
INVESTIGATING = "investigating"
ACTION_PLANNED = "action_planned"
RESOLVED = "resolved"
DISMISSED = "dismissed"
OPEN_STATES = (DETECTED, ACKNOWLEDGED, INVESTIGATING, ACTION_PLANNED)
CLOSED_STATES = (RESOLVED, DISMISSED)


@dataclass(frozen=True)
class GapConfig:
    """The gap model's numbers; admins edit them with the scoring configuration."""

    threshold: float = 0.8  # spread between factors at which a gap is detected
    close_margin: float = 0.2  # the factors agree once the spread is this far below threshold
    side: float = 0.2  # a factor at or above +side is happy, at or below -side unhappy
    voice_days: int = 180  # what the customer said counts for this long
    voice_half_life_days: float = 60.0
    voice_half_marks: float = 1.0  # net happiness evidence at which the voice is +-0.5
    moment_weight: float = 2.0  # a moment they identified counts as much as 2 messages
    survey_weight: float = 3.0
    usage_baseline_periods: int = 3
    pulse_half_life_days: float = 60.0
    pulse_max_age_days: int = 180
    reopen_days: int = 60  # a resolved case this recent reopens instead of a new one

    def __post_init__(self):
        if not 0 < self.close_margin < self.threshold:
            raise ValueError("The closing margin must be above 0 and below the threshold.")

    @property
    def agree_below(self) -> float:
        """The spread under which the factors agree (a case's gap has closed)."""
        return self.threshold - self.close_margin


@dataclass(frozen=True)
class Factors:
    customer_voice: float | None = None
    product_usage: float | None = None
    csm_perception: float | None = None

    def known(self) -> list[float]:
        values = (self.customer_voice, self.product_usage, self.csm_perception)
        return [value for value in values if value is not None]


@dataclass(frozen=True)
class Gap:
    size: float | None  # the spread, None with fewer than two known factors
    gap_class: str  # "" when no gap is detected


def clamp(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return min(high, max(low, value))


# --- the three factors -----------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceSum:
    """What the customer said, added up: the sum of weight x happiness, and how many inputs."""

    weighted: float = 0.0
    inputs: int = 0

    def __add__(self, other: "VoiceSum") -> "VoiceSum":
        return VoiceSum(self.weighted + other.weighted, self.inputs + other.inputs)


def voice_inputs(
    *,
    today: date,
    config: GapConfig,
    inbound_sentiments: Iterable[tuple[date, int]] = (),
    moments: Iterable[tuple[date, str, int]] = (),
    survey_answers: Iterable[tuple[date, float]] = (),
) -> VoiceSum:
    """The voice sums from raw events (the recompute gets the same sums from SQL):
    inbound interactions (sentiment -2..+2), moments the customer identified (emotion,
    intensity 1-3) and survey answers already on the -1..+1 scale, within the voice window."""
    total = VoiceSum()
    events = [(day, sentiment_happiness(value), 1.0) for day, value in inbound_sentiments]
    events += [
        (day, emotion_happiness(emotion), config.moment_weight * intensity_weight(intensity))
        for day, emotion, intensity in moments
    ]
    events += [(day, value, config.survey_weight) for day, value in survey_answers]
    for day, value, weight in events:
        age = (today - day).days
        if 0 <= age < config.voice_days:
            weight *= recency_weight(age, config.voice_half_life_days)
            total += VoiceSum(weight * value, 1)
    return total


def customer_voice(voice: VoiceSum, config: GapConfig) -> float | None:
    """Net happiness in what they said, as evidence on -1..+1: each input moves it in the
    direction of its own feeling (w / (|w| + half marks)); unknown when they said nothing."""
    if not voice.inputs:
        return None
    return voice.weighted / (abs(voice.weighted) + config.voice_half_marks)


@dataclass(frozen=True)
class UsagePoint:
    period_start: date
    active_users: int | None = None
    usage_value: float | None = None
    features_used: int | None = None
    features_available: int | None = None

    @property
    def metric(self) -> float | None:
        """The usage measure trends are read on: the usage value, else active users."""
        return self.usage_value if self.usage_value is not None else self.active_users


USAGE_WEIGHTS = {"trend": 0.5, "seats": 0.25, "features": 0.25}


def usage_parts(
    points: Sequence[UsagePoint], *, seats_purchased: int | None, config: GapConfig
) -> dict[str, float | None]:
    """Trend: the latest period against the mean of the periods before it (a fall of half is
    -1, a rise of half +1); seats and features: the share in use, from -1 (none) to +1 (all)."""
    points = sorted(points, key=lambda point: point.period_start)
    if not points:
        return dict.fromkeys(USAGE_WEIGHTS)
    latest = points[-1]
    before = [p.metric for p in points[-1 - config.usage_baseline_periods : -1]]
    before = [value for value in before if value is not None]
    baseline = sum(before) / len(before) if before else 0.0
    trend = None
    if latest.metric is not None and baseline > 0:
        trend = clamp(2 * (latest.metric / baseline - 1))
    seats = None
    if seats_purchased and latest.active_users is not None:
        seats = 2 * min(1.0, latest.active_users / seats_purchased) - 1
    features = None
    if latest.features_available and latest.features_used is not None:
        features = 2 * min(1.0, latest.features_used / latest.features_available) - 1
    return {"trend": trend, "seats": seats, "features": features}


def product_usage(
    points: Sequence[UsagePoint], *, seats_purchased: int | None, config: GapConfig
) -> float | None:
    parts = usage_parts(points, seats_purchased=seats_purchased, config=config)
    known = {name: value for name, value in parts.items() if value is not None}
    if not known:
        return None
    weight = sum(USAGE_WEIGHTS[name] for name in known)
    return clamp(sum(USAGE_WEIGHTS[name] * value for name, value in known.items()) / weight)


def csm_perception(
    pulse: tuple[date, int] | None, *, today: date, config: GapConfig
) -> float | None:
    """The latest pulse (happiness 1-5) on -1..+1, fading towards neutral with age; unknown
    when there is none or it is older than the configured maximum age."""
    if pulse is None:
        return None
    checked_on, happiness = pulse
    age = (today - checked_on).days
    if age < 0 or age > config.pulse_max_age_days:
        return None
    return RATING.happiness(happiness) * recency_weight(age, config.pulse_half_life_days)


# --- detection and classification -------------------------------------------------------------


def _happy(value, config):
    return value is not None and value >= config.side


def _unhappy(value, config):
    return value is not None and value <= -config.side


def _csm_fine_customer_not(f: Factors, config: GapConfig) -> bool:
    return _happy(f.csm_perception, config) and _unhappy(f.customer_voice, config)


def _uses_needs_unmet(f: Factors, config: GapConfig) -> bool:
    return (
        f.product_usage is not None
        and not _unhappy(f.product_usage, config)
        and _unhappy(f.customer_voice, config)
        and f.product_usage - f.customer_voice >= config.threshold
    )


def _says_happy_usage_down(f: Factors, config: GapConfig) -> bool:
    return _happy(f.customer_voice, config) and _unhappy(f.product_usage, config)


def _csm_worried_customer_happy(f: Factors, config: GapConfig) -> bool:
    customer = (f.customer_voice, f.product_usage)
    return (
        _unhappy(f.csm_perception, config)
        and any(_happy(value, config) for value in customer)
        and not any(_unhappy(value, config) for value in customer)
    )


# First rule that holds wins; GENERIC takes any other detected gap.
CLASS_RULES = (
    (CSM_FINE_CUSTOMER_NOT, _csm_fine_customer_not),
    (USES_NEEDS_UNMET, _uses_needs_unmet),
    (SAYS_HAPPY_USAGE_DOWN, _says_happy_usage_down),
    (CSM_WORRIED_CUSTOMER_HAPPY, _csm_worried_customer_happy),
)


# Where a spread stands: a gap from the threshold on; the factors agree below `agree_below`;
# between the two neither, so an open case stays as it is and no case opens.
DISAGREE = "disagree"
BETWEEN = "between"
AGREE = "agree"


def standing(size: float | None, config: GapConfig) -> str:
    """DISAGREE, BETWEEN or AGREE; "" when the spread is unknown."""
    if size is None:
        return ""
    if size >= config.threshold - 1e-9:
        return DISAGREE
    if size < config.agree_below - 1e-9:
        return AGREE
    return BETWEEN


def detect(factors: Factors, config: GapConfig) -> Gap:
    """The gap's size and, when it reaches the threshold, its class."""
    known = factors.known()
    if len(known) < 2:
        return Gap(None, "")
    size = max(known) - min(known)
    if standing(size, config) != DISAGREE:
        return Gap(size, "")
    for gap_class, holds in CLASS_RULES:
        if holds(factors, config):
            return Gap(size, gap_class)
    return Gap(size, GENERIC)


# --- the case lifecycle ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    """What detection needs to know of an existing case."""

    pk: int
    gap_class: str
    state: str
    closed_on: date | None = None
    converged: bool = False


@dataclass
class CasePlan:
    """What to do with one account's cases after a detection."""

    create: str = ""  # the class of a new case to open
    reopen: int | None = None  # a resolved case whose gap came back
    reclassify: tuple[int, str] | None = None  # (case, class): its gap is now of another class
    converged: list[int] = field(default_factory=list)  # cases whose gap has gone
    diverged: list[int] = field(default_factory=list)  # cases whose gap is back


def case_plan(gap: Gap, cases: Iterable[CaseView], *, today: date, config: GapConfig) -> CasePlan:
    """At most one open case per account, following the account's gap. When the factors agree,
    the open case and the cases closed in the last `reopen_days` are marked converged ("gap
    closed, confirm resolution"); between the thresholds, or with the spread unknown, nothing
    changes. A detected gap unmarks the open case and reclassifies it if its class changed;
    with no open case, the latest case closed in the last `reopen_days` decides: resolved, and
    its gap went away since, it reopens; closed while the gap was still there, it is respected;
    dismissed, and the gap went away since, a new case opens. Otherwise a new case opens."""
    plan = CasePlan()
    where = standing(gap.size, config)
    if where in ("", BETWEEN):
        return plan
    open_case = next((case for case in cases if case.state in OPEN_STATES), None)
    recent = [
        case
        for case in cases
        if case.state in CLOSED_STATES
        and case.closed_on is not None
        and (today - case.closed_on).days <= config.reopen_days
    ]
    if where == AGREE:
        followed = [open_case, *recent] if open_case else recent
        plan.converged = [case.pk for case in followed if not case.converged]
        return plan
    if open_case is not None:
        if open_case.converged:
            plan.diverged.append(open_case.pk)
        if open_case.gap_class != gap.gap_class:
            plan.reclassify = (open_case.pk, gap.gap_class)
        return plan
    latest = max(recent, key=lambda case: (case.closed_on, case.pk), default=None)
    if latest is None or (latest.converged and latest.state == DISMISSED):
        plan.create = gap.gap_class
    elif latest.converged:
        plan.reopen = latest.pk
        if latest.gap_class != gap.gap_class:
            plan.reclassify = (latest.pk, gap.gap_class)
    return plan


def reason_needed(to: str, *, converged: bool) -> str:
    """What a move to `to` must say why, in words: dismissing, and resolving while the gap is
    still open (a resolution the factors do not confirm silences the gap for `reopen_days`)."""
    if to == DISMISSED:
        return "Say why the case is dismissed."
    if to == RESOLVED and not converged:
        return "The gap is still open: say why the case is resolved anyway."
    return ""


def can_move(state: str, to: str) -> str:
    """'' when a person may move a case from `state` to `to`, else why not, in words."""
    if to not in OPEN_STATES + CLOSED_STATES:
        return "Unknown state."
    if state == to:
        return "The case is already in that state."
    if state == DISMISSED:
        return "This case was dismissed; it cannot be resolved or moved any more."
    if state == RESOLVED:
        return "This case is resolved; it reopens by itself if its gap comes back."
    if to == DETECTED:
        return "Only detection puts a case back to detected."
    return ""
