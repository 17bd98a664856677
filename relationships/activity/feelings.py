"""How the customer felt, as numbers: the one source of every mapping from what was logged to
the two scales the models read, and of the recency weight.

- a *feeling*, from 0 (unhappy) to 1 (happy): a survey answer, a rating;
- *happiness*, from -1 (unhappy) to +1 (happy): the evidence the relationship score's sentiment
  and the gap model's customer voice add up, and the quadrant;
- a contact's *credit*: what an interaction counts for engagement, negative when it went badly.

What is mapped: an interaction's sentiment (-2..+2), a moment's emotion and how much its
intensity weighs, a survey answer (a point of an admin scale, an NPS score) and a 1-5 rating (a
pulse check's happiness, the CSM's rating, the relationship score). The set-based recompute's
SQL fragments are generated here from the same scales and tables, so the SQL and the Python
cannot drift apart. Plain Python.
"""

from dataclasses import dataclass

DOUBLE = "DOUBLE PRECISION"  # PostgreSQL computes numeric (slow) unless told otherwise


@dataclass(frozen=True)
class Scale:
    """A numeric scale from `lowest` (unhappy) to `highest` (happy), evenly spaced."""

    lowest: int
    highest: int

    @property
    def middle(self) -> float:
        return (self.lowest + self.highest) / 2

    @property
    def half(self) -> float:
        return (self.highest - self.lowest) / 2

    def feeling(self, value: float) -> float:
        """The lowest point 0, the highest 1, clamped; a scale of a single point is 1."""
        if self.highest == self.lowest:
            return 1.0
        return min(1.0, max(0.0, (value - self.lowest) / (self.highest - self.lowest)))

    def happiness(self, value: float) -> float:
        """The lowest point -1, the middle 0, the highest +1."""
        return (value - self.middle) / self.half

    def feeling_sql(self, column: str) -> str:
        """`feeling` in SQL, for values on the scale (no clamping: the database keeps the
        range)."""
        return f"(({column}) - ({self.lowest})) / CAST({self.highest - self.lowest} AS {DOUBLE})"

    def happiness_sql(self, column: str) -> str:
        return f"(CAST({column} AS {DOUBLE}) - {self.middle!r}) / {self.half!r}"


SENTIMENT = Scale(-2, 2)  # an interaction's sentiment, very negative to very positive
RATING = Scale(1, 5)  # a 1-5 rating: a pulse check's happiness, the CSM's rating, the score
NPS = Scale(0, 10)  # a Net Promoter Score answer

# A moment's emotion, worst first. As a feeling and as happiness the emotions are not on one
# line (met expectations is 0.6 as a feeling but +0.2 as happiness), hence two tables.
EMOTIONS = ("enraged", "missed", "met", "delighted")
EMOTION_FEELING = {"enraged": 0.0, "missed": 0.25, "met": 0.6, "delighted": 1.0}
EMOTION_HAPPINESS = {"enraged": -1.0, "missed": -0.5, "met": 0.2, "delighted": 1.0}
INTENSITIES = (1, 2, 3)  # a moment's intensity; the middle one counts once


def sentiment_feeling(sentiment: int) -> float:
    return SENTIMENT.feeling(sentiment)


def sentiment_happiness(sentiment: int) -> float:
    return SENTIMENT.happiness(sentiment)


def contact_credit(sentiment: int) -> float:
    """What a contact counts for engagement: its feeling (0.5 neutral to 1 very positive) when
    it went well or neutrally, its happiness (-0.5, -1) when it went badly, so contact never
    earns credit against its own feeling."""
    return sentiment_feeling(sentiment) if sentiment >= 0 else sentiment_happiness(sentiment)


def emotion_feeling(emotion: str) -> float:
    return EMOTION_FEELING[emotion]


def emotion_happiness(emotion: str) -> float:
    return EMOTION_HAPPINESS[emotion]


def intensity_weight(intensity: int) -> float:
    """How many times a moment of this intensity counts: 0.5, 1 or 1.5."""
    return intensity / INTENSITIES[1]


def scale_point_feeling(value: int, points: list[int]) -> float | None:
    """A survey answer on an admin scale with these points (None without points)."""
    return Scale(min(points), max(points)).feeling(value) if points else None


def nps_feeling(score: int) -> float:
    return NPS.feeling(score)


def feeling_happiness(feeling: float) -> float:
    """A feeling (0..1) as happiness (-1..+1): how a stated feeling reaches the gap model."""
    return 2 * feeling - 1


def recency_weight(age_days: float, half_life_days: float) -> float:
    """1 for today, 0.5 one half-life ago; events in the future count as today."""
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


# --- SQL fragments of the set-based recompute -------------------------------------------------


def _table_sql(column: str, table: dict[str, float]) -> str:
    cases = " ".join(f"WHEN '{key}' THEN {value!r}" for key, value in table.items())
    return f"CAST(CASE {column} {cases} END AS {DOUBLE})"


def contact_credit_sql(column: str) -> str:
    return (
        f"CASE WHEN {column} < 0 THEN {SENTIMENT.happiness_sql(column)}"
        f" ELSE {SENTIMENT.feeling_sql(column)} END"
    )


def emotion_feeling_sql(column: str) -> str:
    return _table_sql(column, EMOTION_FEELING)


def emotion_happiness_sql(column: str) -> str:
    return _table_sql(column, EMOTION_HAPPINESS)


def feeling_happiness_sql(column: str) -> str:
    return f"(2 * CAST({column} AS {DOUBLE}) - 1)"


def intensity_weight_sql(column: str) -> str:
    return f"(CAST({column} AS {DOUBLE}) / {INTENSITIES[1]})"


def recency_weight_sql(age_days: str, half_life_days: str) -> str:
    """`recency_weight` in SQL, for ages of 0 or more (the statements leave out later events)."""
    return f"POWER(0.5, {age_days} / {half_life_days})"
