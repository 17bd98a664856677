"""Labelled strong and weak ties that behave noisily, for checking that behaviour alone tells
them apart (Gilbert and Karahalios, CHI 2009: frequency, intimacy, emotion, reciprocity).

Each tie draws its own habits (how often, how warm, how often they start the contact, how
quickly they reply, which channels) from overlapping distributions, then a year of
interactions around them. No CSM rating, trust or respect: behaviour only.
"""

import datetime as dt
import random

from relationships.scoring.model import InteractionEvent

AS_OF = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
CLOSE, DISTANT = (0.7, 0.9, 1.0), (0.3, 0.3, 0.6)  # video, text, in person; email, call


def tie(rng: random.Random, strong: bool) -> list[InteractionEvent]:
    per_month = rng.lognormvariate(1.1 if strong else 0.3, 0.4)
    mood = rng.gauss(0.7 if strong else 0.0, 0.3)
    starts = min(0.9, max(0.05, rng.gauss(0.5 if strong else 0.3, 0.1)))
    reply_hours = rng.lognormvariate(1.8 if strong else 3.2, 0.5)
    close = min(0.9, max(0.0, rng.gauss(0.45 if strong else 0.2, 0.1)))
    events, day = [], rng.expovariate(per_month / 30)
    while day < 365:
        inbound = rng.random() < starts
        events.append(
            InteractionEvent(
                occurred_at=AS_OF - dt.timedelta(days=day),
                sentiment=max(-2, min(2, round(rng.gauss(mood, 0.7)))),
                intimacy=rng.choice(CLOSE if rng.random() < close else DISTANT),
                inbound=inbound,
                response_hours=rng.lognormvariate(0, 0.5) * reply_hours if inbound else None,
            )
        )
        day += rng.expovariate(per_month / 30)
    return events


def labelled_ties(count: int, seed: int) -> list[tuple[bool, list[InteractionEvent]]]:
    rng = random.Random(seed)
    return [(index % 2 == 0, tie(rng, index % 2 == 0)) for index in range(count)]


def naive_sum(events: list[InteractionEvent]) -> float:
    """Every signal added up as it comes: contacts, sentiment, contacts they started,
    intimacy, minus reply days."""
    return sum(
        1 + e.sentiment + e.inbound + e.intimacy - (e.response_hours or 0) / 24 for e in events
    )


def best_cut_accuracy(values: list[float], strong: list[bool]) -> float:
    """The share labelled right by the best threshold (strong at or above it)."""
    pairs = sorted(zip(values, strong, strict=True))
    total, positives = len(pairs), sum(strong)
    best = max(positives, total - positives)
    weak_below = strong_below = 0
    for index, (value, is_strong) in enumerate(pairs):
        strong_below += is_strong
        weak_below += not is_strong
        if index + 1 == total or pairs[index + 1][0] != value:
            best = max(best, weak_below + positives - strong_below)
    return best / total
