"""Scores: an account's current relationship score with its explanation (the account page's
score card), the stored daily scores for history and warehouse pulls, and the alerts."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema

from accounts.selectors import get_account_for_user
from api.common import visible_accounts
from api.paging import Since, page
from api.schemas import PathId, Ref, answers
from relationships.models import AccountScore, Alert
from relationships.scoring.selectors import account_score_card

router = Router(tags=["scores"])


class Component(Schema):
    name: str
    label: str
    value: float | None
    weight: float
    inputs: int


class Movement(Schema):
    label: str
    delta: float


class AlertOut(Schema):
    id: int
    account_id: int
    stakeholder_id: int | None
    kind: str
    reason: str
    first_seen: dt.datetime


class ScoreExplained(Schema):
    account_id: int
    score: Decimal | None
    label: str
    confidence: Decimal | None
    trend_30d: Decimal | None
    pending: bool = False
    day: dt.date | None = None
    computed_at: dt.datetime | None = None
    components: list[Component] = []
    moved: list[Movement] = []
    disagreement: str | None = None
    parts: dict[str, Any] = {}
    alerts: list[AlertOut] = []


class ScoreOut(Schema):
    id: int
    account_id: int
    day: dt.date
    value: Decimal | None
    label: str
    confidence: Decimal
    components: dict[str, Any]
    parts: dict[str, Any]
    customer_voice: Decimal | None
    product_usage: Decimal | None
    csm_perception: Decimal | None
    gap_size: Decimal | None
    gap_class: str
    quadrant: str
    computed_at: dt.datetime


class ScorePage(Schema):
    next: str | None
    results: list[ScoreOut]


class AlertPage(Schema):
    next: str | None
    results: list[AlertOut]


class ByAccountSince(Since):
    account: Ref | None = None


@router.get(
    "/accounts/{account_id}/score", response=answers(ScoreExplained), summary="Score, explained"
)
def score_read(request, account_id: PathId):
    """The current score as the account page's score card explains it: each component's value
    (0..1), weight and number of inputs, what moved since the previous day's score, and the
    alerts standing now."""
    account = get_account_for_user(request.auth, account_id)
    card = account_score_card(account)
    snapshot = card["snapshot"]
    explained = {
        "account_id": account.pk,
        "score": account.relationship_score,
        "label": account.relationship_label,
        "confidence": account.score_confidence,
        "trend_30d": account.score_trend_30d,
        "pending": bool(card["pending"]),
        "alerts": card["alerts"],
    }
    if snapshot is not None:
        explained.update(
            day=snapshot.day,
            computed_at=snapshot.computed_at,
            components=[bar.__dict__ for bar in card["bars"]],
            moved=[{"label": label, "delta": delta} for label, delta in card["moved"]],
            disagreement=card.get("disagreement"),
            parts=snapshot.parts,
        )
    return explained


@router.get("/scores", response=answers(ScorePage), summary="Daily scores (history)")
def score_list(request, filters: Query[ByAccountSince]):
    """Every stored daily score of the accounts you see, one per account and day;
    `updated_since` gives those computed since (a recompute on the same day rewrites its row)."""
    rows = AccountScore.objects.filter(account__in=visible_accounts(request.auth))
    if filters.account is not None:
        rows = rows.filter(account_id=filters.account)
    if filters.updated_since is not None:
        rows = rows.filter(computed_at__gte=filters.updated_since)
    return page(request, rows, filters)


@router.get("/alerts", response=answers(AlertPage), summary="Alerts standing now")
def alert_list(request, filters: Query[ByAccountSince]):
    """What needs attention now; `updated_since` gives those first seen since."""
    rows = Alert.objects.filter(account__in=visible_accounts(request.auth))
    if filters.account is not None:
        rows = rows.filter(account_id=filters.account)
    if filters.updated_since is not None:
        rows = rows.filter(first_seen__gte=filters.updated_since)
    return page(request, rows, filters)
