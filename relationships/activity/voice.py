"""What customers tell us themselves: the one door through which it reaches relationships.

A survey's answers (and any later source of such statements) come in as plain values: how the
person feels, on 0..1, through `stated_feelings_record`, and what they said in their own words
through `feedback_items_record`, which the feedback loop then acknowledges and acts on. Two
readers take every stated feeling, with no other filter: the sentiment component (the
recompute's ACTIVITY_SQL) and the gap model's customer voice (VOICE_SQL in
relationships.gaps.services, within the voice window). The door lives in this module, apart
from the activity services, so that what counts as a stated feeling is decided in one place and
nothing in relationships reads a survey's tables.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from relationships.models import FeedbackItem, StatedFeeling


def stated_feelings_record(
    *, account_id: int, stakeholder_id: int, stated_on: dt.date, feelings: Iterable[float]
) -> list[StatedFeeling]:
    """Keep what a stakeholder said about how they feel, each on 0 (unhappy) to 1 (happy); the
    caller asks for the account's recompute once for everything it changed."""
    rows = [
        StatedFeeling(
            account_id=account_id, stakeholder_id=stakeholder_id, stated_on=stated_on, feeling=f
        )
        for f in feelings
    ]
    if any(not 0 <= row.feeling <= 1 for row in rows):
        raise ValueError("A stated feeling is between 0 and 1.")
    return StatedFeeling.objects.bulk_create(rows)


def feedback_items_record(
    *, account_id: int, stakeholder_id: int, received_on: dt.date, texts: Iterable[str]
) -> list[FeedbackItem]:
    """Keep what a stakeholder told us in their own words, one feedback item per text."""
    return FeedbackItem.objects.bulk_create(
        FeedbackItem(
            account_id=account_id, stakeholder_id=stakeholder_id, text=text, received_on=received_on
        )
        for text in texts
    )


def feedback_acknowledge(*, item: FeedbackItem, user) -> FeedbackItem:
    """Record that we heard it (once; a second click changes nothing)."""
    if item.acknowledged_on is None:
        item.acknowledged_on = max(timezone.localdate(), item.received_on)
        item.acknowledged_by = user
        item.save(update_fields=["acknowledged_on", "acknowledged_by"])
    return item


def feedback_act(*, item: FeedbackItem, user, note: str) -> FeedbackItem:
    """Record what we did about it; acting implies having acknowledged it."""
    with transaction.atomic():
        feedback_acknowledge(item=item, user=user)
        if item.acted_on is None:
            item.acted_on = max(timezone.localdate(), item.acknowledged_on)
            item.acted_by = user
            item.action_note = note
            item.save(update_fields=["acted_on", "acted_by", "action_note"])
    return item
