"""Recomputing relationship scores: the only writer of score snapshots, alerts and the current
score stored on each account.

For a set of accounts it reads everything in a fixed number of set-based queries (what each
stakeholder lived is aggregated in SQL), scores with the pure model in
`relationships.scoring.model`, reads and detects the accounts' gaps (`gaps_read`) and places
them (`positions_place`) from the new scores, then writes in bulk: each snapshot once, with its
score, gap and position (one row per subject and day, upserted, so recomputing the same day
twice leaves identical rows), each account once. Then, in the same transaction, the gap cases
follow the gaps (`gaps_follow`). Everything is computed "as of" the end of the day, so the
result depends only on the data and the configuration.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.events import AccountEvent, account_events_record
from accounts.models import POSITION_FIELDS, Account
from core import events
from core.db.bulk import as_decimal, update_rows, upsert_rows
from core.db.sql import age_days_sql, aggregate, end_of, time_params
from core.queue import enqueue_on_commit
from relationships.activity import catalogs
from relationships.activity.feelings import (
    SENTIMENT,
    contact_credit_sql,
    emotion_happiness_sql,
    feeling_happiness_sql,
    intensity_weight_sql,
    recency_weight_sql,
)
from relationships.gaps import model as gaps
from relationships.gaps.services import GAP_FIELDS, gaps_follow, gaps_read
from relationships.models import (
    AccountScore,
    Alert,
    PulseCheck,
    RecomputeRequest,
    Scale,
    Stakeholder,
    StakeholderScore,
)
from relationships.positioning.services import PositionInputs, positions_place, standings_replace
from relationships.scoring import model as scoring
from relationships.work.services import task_rules_apply

log = logging.getLogger(__name__)
TREND_DAYS = 30
ACCOUNT_FIELDS = [
    "relationship_score",
    "relationship_label",
    "score_confidence",
    "score_trend_30d",
    "engagement_drop",
]


# --- reading -----------------------------------------------------------------------------------


# What each stakeholder lived, in one aggregate over four kinds of rows: their interactions,
# their moments, the feelings they stated (relationships.activity.voice: a survey's scale and
# NPS answers, a feeling on 0..1 counted as happiness with `survey_weight` times an
# interaction's weight) and their open items. Moments and stated feelings count in the feeling
# (its weighted sum and number of inputs) and nothing else, open items in their number and the
# days they are late (scoring.overdue_days: past their due day, or their opening day and the
# grace days without one). Each kind is summed by stakeholder first (the interactions by
# hashing, not by sorting every row of a chunk, as one aggregate over the four kinds' rows
# did), then the sums of the kinds are added; a sum a kind has nothing for is NULL, a count 0.
# Each interaction's age, weight and feeling are computed once in the inner query (on
# PostgreSQL OFFSET 0 keeps it from being folded into the outer one, which would compute the
# age once per use), in double precision throughout (numeric, what a decimal column or a
# literal such as 4.0 gives PostgreSQL, costs several times more over a million
# interactions). Means are sums here, divided by their counts in Python. On PostgreSQL the
# links are read by stakeholder ({people}: the stakeholders of the accounts), through their
# index, rather than scanned whole for each chunk of accounts. What an event weighs and how it
# felt come from relationships.activity.feelings.
RECENCY_WEIGHT = recency_weight_sql("{age}", "%(half_life)s")
ACTIVITY_SQL = (
    """
SELECT stakeholder_id,
       SUM(felt), CAST(SUM(felt_inputs) AS INTEGER), CAST(SUM(interactions) AS INTEGER),
       SUM(contact), SUM(closeness), SUM(outreach), CAST(SUM(replies) AS INTEGER),
       CAST(SUM(recent) AS INTEGER), CAST(SUM(baseline) AS INTEGER),
       SUM(recent_feeling), SUM(baseline_feeling),
       CAST(SUM(open_items) AS INTEGER), CAST(SUM(overdue) AS INTEGER)
FROM (
    SELECT link.stakeholder_id, SUM(i.w * i.happiness) AS felt,
           COUNT(i.w * i.happiness) AS felt_inputs, COUNT(*) AS interactions,
           SUM(i.w_recent * i.credit) AS contact,
           SUM(i.w * channel.intimacy * i.credit) AS closeness,
           SUM(i.w * i.promptness * i.credit) FILTER (WHERE i.direction = 'inbound') AS outreach,
           COUNT(*) FILTER (WHERE i.direction = 'inbound') AS replies,
           COUNT(*) FILTER (WHERE i.age < %(recent)s) AS recent,
           COUNT(*) FILTER (WHERE i.age >= %(recent)s AND i.age < %(horizon)s) AS baseline,
           SUM(i.feeling) FILTER (WHERE i.age < %(recent)s) AS recent_feeling,
           SUM(i.feeling) FILTER (WHERE i.age >= %(recent)s AND i.age < %(horizon)s)
               AS baseline_feeling,
           0 AS open_items, 0 AS overdue
    FROM (
        SELECT id, direction, channel_id, {age} AS age, {weight} AS w,
               {recent_weight} AS w_recent, {happiness} AS happiness, {feeling} AS feeling,
               {credit} AS credit,
               CASE WHEN response_hours IS NULL THEN 1.0
                    ELSE %(target)s / (%(target)s + CAST(response_hours AS DOUBLE PRECISION))
               END AS promptness
        FROM relationships_interaction
        WHERE {accounts} AND occurred_at <= %(as_of)s {fence}
    ) i
    JOIN relationships_interaction_stakeholders link ON link.interaction_id = i.id
    JOIN (SELECT id, CAST(intimacy AS DOUBLE PRECISION) AS intimacy
          FROM relationships_channel) channel
        ON channel.id = i.channel_id
    {people}
    GROUP BY link.stakeholder_id
    UNION ALL
    SELECT stakeholder_id, SUM(felt), COUNT(felt), 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0
    FROM (
        SELECT stakeholder_id,
               ({moment_weight} * %(moment_weight)s * {intensity}) * {emotion} AS felt
        FROM relationships_moment
        WHERE {accounts} AND stakeholder_id IS NOT NULL AND occurred_on <= %(today)s
        UNION ALL
        SELECT stakeholder_id, ({stated_weight} * %(survey_weight)s) * {stated}
        FROM relationships_statedfeeling
        WHERE {accounts} AND stated_on <= %(today)s
    ) said
    GROUP BY stakeholder_id
    UNION ALL
    SELECT stakeholder_id, NULL, 0, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL,
           COUNT(*), SUM(CASE WHEN late > 0 THEN late ELSE 0 END)
    FROM (
        SELECT stakeholder_id,
               CASE WHEN due_on IS NULL THEN {opened_age} - %(grace)s ELSE {due_age} END AS late
        FROM relationships_openitem
        WHERE {accounts} AND stakeholder_id IS NOT NULL AND opened_on <= %(today)s
              AND (closed_on IS NULL OR closed_on > %(today)s)
    ) open_items
    GROUP BY stakeholder_id
) lived
GROUP BY stakeholder_id
""".replace("{weight}", RECENCY_WEIGHT)
    .replace("{recent_weight}", recency_weight_sql("{age}", "%(recent_half_life)s"))
    .replace("{happiness}", SENTIMENT.happiness_sql("sentiment"))
    .replace("{feeling}", SENTIMENT.feeling_sql("sentiment"))
    .replace("{credit}", contact_credit_sql("sentiment"))
    .replace("{moment_weight}", recency_weight_sql("{moment_age}", "%(half_life)s"))
    .replace("{emotion}", emotion_happiness_sql("emotion"))
    .replace("{intensity}", intensity_weight_sql("intensity"))
    .replace("{stated_weight}", recency_weight_sql("{stated_age}", "%(half_life)s"))
    .replace("{stated}", feeling_happiness_sql("feeling"))
)


def _signals(
    people: list[dict], account_ids: list[int], config: scoring.ScoringConfig, as_of: dt.datetime
) -> dict[int, scoring.Signals]:
    """Every stakeholder's signals, in one query whatever the number of interactions."""
    today = as_of.date()
    params = {
        **time_params(as_of),
        "recent": config.recent_days,
        "horizon": config.recent_days + config.baseline_days,
        "half_life": float(config.half_life_days),
        "recent_half_life": float(config.engagement_half_life_days),
        "target": float(config.response_target_hours),
        "moment_weight": config.moment_weight,
        "survey_weight": config.survey_weight,
        "grace": config.open_item_grace_days,
    }
    activity_sql = (
        ACTIVITY_SQL.replace("{age}", age_days_sql("occurred_at"))
        .replace("{moment_age}", age_days_sql("occurred_on", date_column=True))
        .replace("{stated_age}", age_days_sql("stated_on", date_column=True))
        .replace("{opened_age}", age_days_sql("opened_on", date_column=True))
        .replace("{due_age}", age_days_sql("due_on", date_column=True))
    )
    if connection.vendor == "postgresql":
        params["people"] = [person["pk"] for person in people]
        activity_sql = activity_sql.replace("{fence}", "OFFSET 0").replace(
            "{people}", "WHERE link.stakeholder_id = ANY(%(people)s)"
        )
    else:
        activity_sql = activity_sql.replace("{fence}", "").replace("{people}", "")
    lived = aggregate(activity_sql, account_ids, params)
    return {person["pk"]: _person_signals(person, lived, today) for person in people}


NOTHING_LIVED = (0.0, 0, 0, 0.0, 0.0, 0.0, 0, 0, 0, None, None, 0, 0)


def _person_signals(person, lived, today) -> scoring.Signals:
    """A stakeholder's signals from the aggregate of what they lived (ACTIVITY_SQL) and their
    own fields."""
    a = lived.get(person["pk"]) or NOTHING_LIVED
    since = person["relationship_since"]
    return scoring.Signals(
        feeling=float(a[0] or 0),
        feeling_inputs=int(a[1]),
        contact=float(a[3] or 0),
        closeness=float(a[4] or 0),
        outreach=float(a[5] or 0),
        replies=int(a[6] or 0),
        recent_interactions=int(a[7] or 0),
        baseline_interactions=int(a[8] or 0),
        recent_sentiment=_mean(a[9], a[7]),
        baseline_sentiment=_mean(a[10], a[8]),
        open_items=int(a[11]),
        overdue_days=int(a[12] or 0),
        trust=person["trust"],
        respect=person["respect"],
        tenure_days=(today - since).days if since else None,
        csm_rating=person["strength"],
        interactions=int(a[2] or 0),
    )


def _mean(total, count) -> float | None:
    return float(total) / count if count else None


# --- computing ----------------------------------------------------------------------------------


@dataclass
class Result:
    accounts: int
    stakeholders: int


def _explained(score: scoring.Score, signals: scoring.Signals) -> dict:
    """Each component's value, weight and number of inputs, as the snapshot stores them."""
    values, weights = score.components, score.weights
    inputs = {
        "sentiment": signals.feeling_inputs,
        "channels": signals.interactions,
        "engagement": signals.recent_interactions + signals.baseline_interactions,
        "responsiveness": signals.replies,
        "open_items": signals.open_items,
        "trust_respect": bool(signals.trust) + bool(signals.respect),
        "tenure": int(signals.tenure_days is not None),
        "csm_rating": int(signals.csm_rating is not None),
    }
    return {
        name: {
            "value": None if (value := values[name]) is None else round(value, 4),
            "weight": weights[name],
            "inputs": inputs[name],
        }
        for name in scoring.COMPONENTS
    }


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


@dataclass(frozen=True)
class Held:
    """An account as the recompute reads it with its row held: its latest pulse check up to the
    day (checked on, happiness 1-5), its score thirty days before, its ARR and cost to serve."""

    pulse: tuple[dt.date, int] | None
    score_before: Decimal | None
    finances: tuple[Decimal | None, Decimal | None]


def _accounts_held(account_ids: Iterable[int], day: dt.date) -> dict[int, Held]:
    """The accounts that exist among these, by id, their rows held until the transaction ends:
    two recomputes of the same account take turns. The lock is NO KEY UPDATE: a write that only
    refers to an account (a logged interaction's foreign key check) does not wait for it, so it
    cannot deadlock with the recompute."""
    pulses = PulseCheck.objects.filter(account=OuterRef("pk"), checked_on__lte=day).order_by(
        "-checked_on", "-pk"
    )
    trend_day = day - dt.timedelta(days=TREND_DAYS)
    earlier = AccountScore.objects.filter(  # within a week of it
        account=OuterRef("pk"),
        day__lte=trend_day,
        day__gt=trend_day - dt.timedelta(days=7),
        value__isnull=False,
    ).order_by("-day")
    rows = (
        Account.objects.filter(pk__in=list(account_ids))
        .order_by("pk")
        .select_for_update(no_key=True)
        .annotate(
            pulse_on=Subquery(pulses.values("checked_on")[:1]),
            pulse_happiness=Subquery(pulses.values("happiness")[:1]),
            score_before=Subquery(earlier.values("value")[:1]),
        )
        .values_list("pk", "pulse_on", "pulse_happiness", "score_before", "arr", "cost_to_serve")
    )
    return {
        # SQLite gives a subquery's decimal all the places of its float: the score's two kept
        pk: Held(
            None if on is None else (on, happiness),
            None if before is None else before.quantize(Decimal("0.01")),
            (arr, cost),
        )
        for pk, on, happiness, before, arr, cost in rows
    }


@transaction.atomic(savepoint=False)
def scores_recompute(*, account_ids: Iterable[int], day: dt.date | None = None) -> Result:
    """Recompute these accounts for `day` (today): the scores and alerts of their stakeholders
    and their own, their gaps and their positions. Its own transaction, or its caller's (no
    caller goes on after it fails, so it makes no savepoint there)."""
    day = day or timezone.localdate()
    as_of = end_of(day)
    started = timezone.now()
    configs = catalogs.configs()
    held = _accounts_held(account_ids, day)
    account_ids = list(held)
    pulses = {pk: account.pulse for pk, account in held.items() if account.pulse}
    perceptions = {
        pk: gaps.csm_perception(pulse, today=day, config=configs.gaps)
        for pk, pulse in pulses.items()
    }
    scored = _scores(held, day, as_of, configs.scoring, started, perceptions)
    readings = gaps_read(account_ids=account_ids, day=day, config=configs.gaps, pulses=pulses)
    positions = positions_place(
        account_ids=account_ids,
        day=day,
        config=configs.scoring,
        inputs=PositionInputs(
            scores=scored.scores,
            # as stored, so that placing again from what accounts store gives the same places
            voices={pk: _as_stored(readings.factors[pk].customer_voice) for pk in account_ids},
            pulses={pk: happiness for pk, (_on, happiness) in pulses.items()},
            finances={pk: account.finances for pk, account in held.items()},
        ),
    )
    derived = {pk: (*readings.stored(pk), *positions.fields[pk]) for pk in account_ids}
    _upsert(StakeholderScore, ["stakeholder_id", "account_id", "day"], scored.stakeholder_rows)
    _upsert(
        AccountScore,
        ["account_id", "day"],
        [(*row, *derived[row[0]]) for row in scored.account_rows],
    )
    update_rows(
        Account,
        [*ACCOUNT_FIELDS, *GAP_FIELDS, *POSITION_FIELDS],
        [(*row, *derived[row[0]]) for row in scored.current],
    )
    _replace_alerts(account_ids, scored.alerts)
    gaps_follow(readings=readings, day=day, config=configs.gaps, now=started)
    RecomputeRequest.objects.filter(account_id__in=account_ids, requested_at__lte=started).delete()
    standings_replace(account_ids=account_ids, standings=positions.standings)
    log.info("Recomputed %d accounts and %d stakeholders", len(account_ids), scored.stakeholders)
    return Result(accounts=len(account_ids), stakeholders=scored.stakeholders)


def _as_stored(voice: float | None) -> float | None:
    """A customer voice as the account stores it (three decimals)."""
    return None if voice is None else float(as_decimal(voice, "0.001"))


@dataclass
class Scored:
    """The scores of accounts and their stakeholders, as the snapshots and accounts store them
    (each row starting with its subject's id), and their alerts."""

    stakeholder_rows: list[tuple]
    account_rows: list[tuple]
    current: list[tuple]  # each account's ACCOUNT_FIELDS
    alerts: list[Alert]
    stakeholders: int

    @property
    def scores(self) -> dict[int, Decimal | None]:
        return {row[0]: row[1] for row in self.current}


def _scores(
    held: dict[int, Held],
    day: dt.date,
    as_of: dt.datetime,
    config: scoring.ScoringConfig,
    started: dt.datetime,
    perceptions: dict[int, float | None],
) -> Scored:
    """Score the accounts' stakeholders and the accounts (with the CSM's perception from each
    account's pulse check), with their alerts."""
    account_ids = list(held)
    labels = catalogs.scales().get(Scale.RELATIONSHIP, {})
    people = list(
        Stakeholder.objects.filter(account_id__in=account_ids).values(
            "pk", "account_id", "role", "buying_influence", "status", "trust", "respect",
            "relationship_since", "strength",
        )
    )  # fmt: skip
    signals = _signals(people, account_ids, config, as_of)

    stakeholder_rows, by_account = [], defaultdict(list)
    alerts: list[Alert] = []
    dropped = set()  # accounts with an engagement drop
    active = Stakeholder.Status.ACTIVE
    weights = scoring.Weights.of(config.weights)
    for person in people:
        pk, account_id = person["pk"], person["account_id"]
        person_signals = signals[pk]
        result = scoring.score_stakeholder(person_signals, config, weights)
        stakeholder_rows.append(
            (pk, account_id, day, as_decimal(result.value, "0.01"),
             scoring.label(result.value, labels), as_decimal(result.confidence, "0.001"),
             _explained(result, person_signals), config.version, started)
        )  # fmt: skip
        by_account[account_id].append((person, result))
        if person["status"] == active:
            for alert in scoring.stakeholder_alerts(person_signals, config):
                alerts.append(
                    Alert(
                        account_id=account_id,
                        stakeholder_id=pk,
                        kind=alert.kind,
                        key=f"{alert.kind}:{pk}",
                        reason=alert.reason,
                        first_seen=started,
                    )
                )
                if alert.kind == Alert.Kind.ENGAGEMENT_DROP:
                    dropped.add(account_id)

    account_rows, current = [], []
    for account_id in account_ids:
        members = by_account.get(account_id, [])
        result = scoring.score_account(
            [
                scoring.Person.scored(
                    p["role"], p["buying_influence"], s, active=p["status"] == active
                )
                for p, s in members
            ],
            config,
            perception=perceptions.get(account_id),
        )
        value = as_decimal(result.value, "0.01")
        label = scoring.label(result.value, labels)
        confidence = as_decimal(result.confidence, "0.001")
        before = held[account_id].score_before
        trend = value - before if value is not None and before is not None else None
        account_rows.append(
            (account_id, day, value, label, confidence, _account_components(members, config),
             config.version, started,
             _account_parts(result, members, perceptions.get(account_id)))
        )  # fmt: skip
        current.append((account_id, value, label, confidence, trend, account_id in dropped))
        alerts.extend(_account_alerts(account_id, result, trend, config, started))
    return Scored(stakeholder_rows, account_rows, current, alerts, len(people))


def _account_components(members, config) -> dict:
    """Each component averaged over the account's active people, weighted by influence."""
    weights = config.influence_weights
    active = [
        (weights.get(p["buying_influence"], 0), s.components)
        for p, s in members
        if p["status"] == Stakeholder.Status.ACTIVE
    ]
    averaged = {}
    for name in scoring.COMPONENTS:
        known = [(w, values[name]) for w, values in active if values[name] is not None]
        total = sum(w for w, _ in known)
        averaged[name] = {
            "value": _round(sum(w * v for w, v in known) / total) if total else None,
            "weight": config.weights.get(name, 0.0),
            "inputs": len(known),
        }
    return averaged


def _account_parts(result: scoring.AccountScore, members, perception: float | None) -> dict:
    return {
        "observed": _round(result.observed, 2),
        "reported": _round(None if result.reported is None else 1 + 4 * result.reported, 2),
        "adjustment": _round(result.adjustment, 3),
        "perception": _round(perception, 3),
        "disagreement": result.disagreement,
        "breadth": _round(result.breadth),
        "key_coverage": _round(result.key_coverage),
        "penalty": _round(result.penalty),
        "strong_relationships": result.strong_relationships,
        "single_threaded": result.single_threaded,
        "champion_left": result.champion_left,
        "people": sum(1 for _p, s in members if s.value is not None),
    }


def _account_alerts(account_id, result, trend, config, started) -> list[Alert]:
    alerts = []
    if trend is not None and -trend >= Decimal(str(config.score_drop)):
        alerts.append(
            Alert(
                account_id=account_id,
                kind=Alert.Kind.SCORE_DROP,
                key="score_drop",
                reason=f"The relationship score fell {-trend} points in {TREND_DAYS} days.",
                first_seen=started,
            )
        )
    if result.champion_left:
        alerts.append(
            Alert(
                account_id=account_id,
                kind=Alert.Kind.CHAMPION_LEFT,
                key="champion_left",
                reason="A champion has left the company: find and develop a new one.",
                first_seen=started,
            )
        )
    return alerts


SNAPSHOT_FIELDS = ["value", "label", "confidence", "components", "config_version", "computed_at"]


# An account's snapshot holds its parts, its gap and its position besides.
ACCOUNT_SNAPSHOT_FIELDS = [*SNAPSHOT_FIELDS, "parts", *GAP_FIELDS, *POSITION_FIELDS]


def _upsert(model, keys: list[str], rows: list[tuple]) -> None:
    """Write snapshots, one per subject and day. Each row is the `keys` columns (the subject,
    its account for a stakeholder, and the day), then SNAPSHOT_FIELDS, then for an account
    the rest of ACCOUNT_SNAPSHOT_FIELDS. A snapshot of the same subject and day is replaced:
    INSERT ... ON CONFLICT DO UPDATE, on PostgreSQL through COPY for many rows (never Django's
    bulk_update)."""
    fields = ACCOUNT_SNAPSHOT_FIELDS if model is AccountScore else SNAPSHOT_FIELDS
    upsert_rows(model, [*keys, *fields], rows, unique=[keys[0], "day"], update=fields)


def _replace_alerts(account_ids: list[int], alerts: list[Alert]) -> None:
    """Keep the alerts that still hold (with their first-seen time), drop the others; an alert
    that was not there before is an event (score.dropped for a score drop, alert.raised for the
    others), recorded for all the accounts at once."""
    holding = {(alert.account_id, alert.key) for alert in alerts}
    stored = Alert.objects.filter(account_id__in=account_ids).values_list("pk", "account_id", "key")
    stale = [pk for pk, account_id, key in stored if (account_id, key) not in holding]
    known = {(account_id, key) for _pk, account_id, key in stored}
    _alert_events([alert for alert in alerts if (alert.account_id, alert.key) not in known])
    if stale:
        Alert.objects.filter(pk__in=stale).delete()
    columns = ["account_id", "stakeholder_id", "kind", "key", "reason", "first_seen"]
    upsert_rows(
        Alert,
        columns,
        [tuple(getattr(alert, column) for column in columns) for alert in alerts],
        unique=["account_id", "key"],
        update=["reason"],
    )


def _alert_events(raised: list[Alert]) -> None:
    labels = dict(Alert.Kind.choices)
    people = {alert.stakeholder_id for alert in raised if alert.stakeholder_id}
    names = dict(Stakeholder.objects.filter(pk__in=people).values_list("pk", "name"))

    def summary(alert: Alert) -> str:
        if alert.stakeholder_id:
            label = labels.get(alert.kind, alert.kind)
            return f"{{account}}: {label} with {names.get(alert.stakeholder_id)}. {alert.reason}"
        return f"{{account}}: {alert.reason}"

    recorded = account_events_record(
        events=[
            AccountEvent(
                kind=events.SCORE_DROPPED
                if alert.kind == Alert.Kind.SCORE_DROP
                else events.ALERT_RAISED,
                account_id=alert.account_id,
                summary=summary(alert),
                payload={
                    "alert": {
                        "kind": alert.kind,
                        "label": labels.get(alert.kind, alert.kind),
                        "reason": alert.reason,
                        "stakeholder_id": alert.stakeholder_id,
                    }
                },
            )
            for alert in raised
        ]
    )
    task_rules_apply(events=recorded)


# --- requests and the queue ---------------------------------------------------------------------

PENDING_BATCH = 500
PENDING_TASK = "scores.recompute_pending"


def recompute_request(*, account_ids: Iterable[int]) -> None:
    """Ask for these accounts' scores to be recomputed once the current transaction commits.

    The request is a row (one per account, however many changes), so a burst of changes, an
    import of 10,000 rows say, becomes one row per account and one task; and a request made
    while the broker is down waits in the table for the next task or the periodic sweep.
    """
    now = timezone.now()
    rows = [(pk, now) for pk in set(account_ids)]
    if not rows:
        return
    upsert_rows(
        RecomputeRequest,
        ["account_id", "requested_at"],
        rows,
        unique=["account_id"],
        update=["requested_at"],
    )
    enqueue_on_commit(PENDING_TASK)


def recompute_pending(*, limit: int = PENDING_BATCH) -> int:
    """Recompute the accounts waiting longest; returns how many were done."""
    account_ids = list(
        RecomputeRequest.objects.order_by("requested_at").values_list("account_id", flat=True)[
            :limit
        ]
    )
    if account_ids:
        scores_recompute(account_ids=account_ids)
    return len(account_ids)


def account_chunks(size: int = 200) -> list[list[int]]:
    """Every account id, in chunks for the workers of a full recompute."""
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + size] for start in range(0, len(ids), size)]
