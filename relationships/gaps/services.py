"""Relationship gaps at accounts (the model is relationships.gaps.model).

The score recompute calls `gaps_read`, which reads the three factors of many accounts in a few
set-based queries (`gap_factors`) and detects their gaps; it stores them on each account and
its snapshot of the day with its own numbers (GAP_FIELDS), then calls `gaps_follow`, whose
`gap_cases_sync` is the only code that opens, follows and reopens cases. People work the cases
through `gap_case_move`, `gap_case_update` and `gap_action_toggle`; every state change is kept
in the audit trail.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.events import AccountEvent, account_events_record
from accounts.models import Account, Team, UsageSnapshot
from accounts.selectors import users_of_teams
from core import events
from core.db.bulk import as_decimal
from core.db.sql import age_days_sql, aggregate, end_of, time_params
from core.versions import edit_save, version_claim
from relationships.activity.feelings import (
    SENTIMENT,
    emotion_happiness_sql,
    feeling_happiness_sql,
    intensity_weight_sql,
    recency_weight_sql,
)
from relationships.gaps import mail as gap_mail
from relationships.gaps import model as gaps
from relationships.models import (
    GapAction,
    GapCase,
    GapTransition,
    PlaybookStep,
    PulseCheck,
)
from relationships.work.services import playbook_tasks_create, playbook_tasks_reclassified

USAGE_LOOKBACK_DAYS = 400  # usage older than this says nothing about today
# What an account and its snapshot of the day store of its gap (`GapReadings.stored`, written
# only by the recompute).
GAP_FIELDS = ["customer_voice", "product_usage", "csm_perception", "gap_size", "gap_class"]

# How inbound messages, the moments the customer named and the feelings they stated
# (relationships.activity.voice: every stated feeling, with no other filter) felt, and what
# they weigh: the happiness and recency weight of relationships.activity.feelings.
VOICE_SQL = (
    """
SELECT account_id, SUM(w * v), COUNT(*)
FROM (
    SELECT account_id, {sentiment} AS v, {weight} AS w
    FROM relationships_interaction
    WHERE {accounts} AND direction = 'inbound' AND occurred_at <= %(as_of)s
          AND {age} < %(voice_days)s
    UNION ALL
    SELECT account_id, {emotion}, {moment_weight} * %(moment_weight)s * {intensity}
    FROM relationships_moment
    WHERE {accounts} AND identified_by = 'customer' AND occurred_on <= %(today)s
          AND {moment_age} < %(voice_days)s
    UNION ALL
    SELECT account_id, {feeling}, %(survey_weight)s * {stated_weight}
    FROM relationships_statedfeeling
    WHERE {accounts} AND stated_on <= %(today)s AND {stated_age} < %(voice_days)s
) said
GROUP BY account_id
""".replace("{sentiment}", SENTIMENT.happiness_sql("sentiment"))
    .replace("{emotion}", emotion_happiness_sql("emotion"))
    .replace("{intensity}", intensity_weight_sql("intensity"))
    .replace("{feeling}", feeling_happiness_sql("feeling"))
    .replace("{weight}", recency_weight_sql("{age}", "%(half_life)s"))
    .replace("{moment_weight}", recency_weight_sql("{moment_age}", "%(half_life)s"))
    .replace("{stated_weight}", recency_weight_sql("{stated_age}", "%(half_life)s"))
)


@dataclass(frozen=True)
class GapReadings:
    """The accounts' gaps, by account id: the three factors and the gap detected from them."""

    factors: dict[int, gaps.Factors]
    detections: dict[int, gaps.Gap]

    def stored(self, account_id: int) -> tuple:
        """The factors and the gap of an account as GAP_FIELDS store them."""
        factors, gap = self.factors[account_id], self.detections[account_id]
        return (
            as_decimal(factors.customer_voice, "0.001"),
            as_decimal(factors.product_usage, "0.001"),
            as_decimal(factors.csm_perception, "0.001"),
            as_decimal(gap.size, "0.001"),
            gap.gap_class,
        )


def gaps_read(
    *,
    account_ids: list[int],
    day: dt.date,
    config: gaps.GapConfig,
    pulses: dict[int, tuple[dt.date, int]],
) -> GapReadings:
    """Read and detect the gaps of these accounts as of the end of `day`, given their latest
    pulse checks (`latest_pulses`); the recompute stores them with the day's snapshots."""
    factors = gap_factors(account_ids=account_ids, as_of=end_of(day), config=config, pulses=pulses)
    return GapReadings(factors, {pk: gaps.detect(factors[pk], config) for pk in account_ids})


def gaps_follow(
    *, readings: GapReadings, day: dt.date, config: gaps.GapConfig, now: dt.datetime
) -> None:
    """Have the cases follow the gaps read (opened, followed and reopened at `now`, or for an
    earlier day just before its end), with the emails about new and reopened cases. Runs
    inside the recompute's transaction, which holds the accounts' rows."""
    opened, reopened = gap_cases_sync(
        detections=readings.detections,
        today=day,
        config=config,
        now=min(now, end_of(day) - dt.timedelta(microseconds=1)),
    )
    gap_mail.gap_emails_queue(case_ids=opened + reopened, reopened=set(reopened))
    _opened_events(opened + reopened, reopened=set(reopened))


def _opened_events(case_ids: list[int], reopened: set[int]) -> None:
    """gap.opened for each case opened or reopened by this detection (never for one followed)."""
    if not case_ids:
        return
    cases = GapCase.objects.filter(pk__in=case_ids).values_list(
        "pk", "account_id", "gap_class", "owner_id"
    )
    account_events_record(
        events=[
            AccountEvent(
                kind=events.GAP_OPENED,
                account_id=account_id,
                summary=f"A relationship gap {'reopened' if pk in reopened else 'opened'} at "
                f"{{account}}: {gaps.CLASS_LABELS.get(gap_class, gap_class)}.",
                path=reverse("gap_detail", args=[pk]),
                payload=_case_payload(pk, gap_class, gaps.DETECTED, reopened=pk in reopened),
                followers=[owner_id] if owner_id else [],
            )
            for pk, account_id, gap_class, owner_id in cases
        ]
    )


def _case_payload(pk: int, gap_class: str, state: str, **more) -> dict:
    return {"gap_case": {"id": pk, "gap_class": gap_class, "state": state, **more}}


def gap_factors(
    *,
    account_ids: list[int],
    as_of: dt.datetime,
    config: gaps.GapConfig,
    pulses: dict[int, tuple[dt.date, int]],
) -> dict[int, gaps.Factors]:
    """The three factors of each account as of a moment, given its latest pulse check
    (`latest_pulses`): two queries for any number (what they said to us and the feelings they
    stated, usage)."""
    today = as_of.date()
    voice = aggregate(
        VOICE_SQL.replace("{age}", age_days_sql("occurred_at"))
        .replace("{moment_age}", age_days_sql("occurred_on", date_column=True))
        .replace("{stated_age}", age_days_sql("stated_on", date_column=True)),
        account_ids,
        {
            **time_params(as_of),
            "half_life": config.voice_half_life_days,
            "voice_days": config.voice_days,
            "moment_weight": config.moment_weight,
            "survey_weight": config.survey_weight,
        },
    )
    usage = _usage(account_ids, today, config)
    factors = {}
    for account_id in account_ids:
        weighted, count = voice.get(account_id, (0.0, 0))
        said = gaps.VoiceSum(float(weighted or 0), int(count))
        seats, points = usage.get(account_id, (None, []))
        factors[account_id] = gaps.Factors(
            customer_voice=gaps.customer_voice(said, config),
            product_usage=gaps.product_usage(points, seats_purchased=seats, config=config),
            csm_perception=gaps.csm_perception(pulses.get(account_id), today=today, config=config),
        )
    return factors


def _usage(account_ids, today, config) -> dict[int, tuple[int | None, list[gaps.UsagePoint]]]:
    """Each account's seats and its latest usage periods (the latest and its baseline)."""
    rows = (
        UsageSnapshot.objects.filter(
            account_id__in=account_ids,
            period_start__lte=today,
            period_start__gt=today - dt.timedelta(days=USAGE_LOOKBACK_DAYS),
        )
        .order_by("account_id", "-period_start")
        .values_list(
            "account_id", "account__seats_purchased", "period_start", "active_users",
            "usage_value", "features_used", "features_available",
        )
    )  # fmt: skip
    usage = {}
    for account_id, seats, start, users, value, used, available in rows:
        _seats, points = usage.setdefault(account_id, (seats, []))
        if len(points) <= config.usage_baseline_periods:
            value = None if value is None else float(value)
            points.append(gaps.UsagePoint(start, users, value, used, available))
    return usage


def latest_pulses(account_ids: list[int], today: dt.date) -> dict[int, tuple[dt.date, int]]:
    """Each account's latest pulse check up to `today`: (checked on, happiness 1-5)."""
    rows = (
        PulseCheck.objects.filter(account_id__in=account_ids, checked_on__lte=today)
        .order_by("account_id", "-checked_on", "-pk")
        .values_list("account_id", "checked_on", "happiness")
    )
    latest = {}
    for account_id, checked_on, happiness in rows:
        latest.setdefault(account_id, (checked_on, happiness))
    return latest


# --- detection: the cases follow the gaps ------------------------------------------------------


def gap_cases_sync(
    *, detections: dict[int, gaps.Gap], today: dt.date, config: gaps.GapConfig, now: dt.datetime
) -> tuple[list[int], list[int]]:
    """Open, follow, reclassify and reopen the cases of these accounts after a detection
    (account id -> its gap). Idempotent: a second run with the same detections changes nothing.
    Runs inside the recompute's transaction, which holds the accounts' rows; returns the ids of
    the cases opened and of those reopened."""
    since = today - dt.timedelta(days=config.reopen_days)
    cases = defaultdict(list)
    for pk, account_id, gap_class, state, closed_on, converged in GapCase.objects.filter(
        Q(state__in=gaps.OPEN_STATES) | Q(closed_on__gte=since), account_id__in=list(detections)
    ).values_list("pk", "account_id", "gap_class", "state", "closed_on", "converged"):
        cases[account_id].append(gaps.CaseView(pk, gap_class, state, closed_on, converged))
    plans = {
        account_id: gaps.case_plan(gap, cases[account_id], today=today, config=config)
        for account_id, gap in detections.items()
    }
    converged = [pk for plan in plans.values() for pk in plan.converged]
    diverged = [pk for plan in plans.values() for pk in plan.diverged]
    reopen = [plan.reopen for plan in plans.values() if plan.reopen]
    reclassify = dict(plan.reclassify for plan in plans.values() if plan.reclassify)
    if converged:
        GapCase.objects.filter(pk__in=converged).update(converged=True)
    if diverged:
        GapCase.objects.filter(pk__in=diverged).update(converged=False)
    if reopen:
        _reopen(reopen, now)
    if reclassify:
        _reclassify(reclassify, now)
    new = {account_id: plan.create for account_id, plan in plans.items() if plan.create}
    return ([case.pk for case in _open(new, now)] if new else []), reopen


def _reopen(pks: list[int], now: dt.datetime) -> None:
    cases = list(GapCase.objects.filter(pk__in=pks).only("pk", "state"))
    GapCase.objects.filter(pk__in=pks).update(
        state=gaps.DETECTED,
        closed_on=None,
        converged=False,
        state_changed_at=now,
        version=F("version") + 1,
    )
    GapTransition.objects.bulk_create(
        GapTransition(
            case=case,
            from_state=case.state,
            to_state=gaps.DETECTED,
            at=now,
            note="The gap came back after the case was resolved.",
        )
        for case in cases
    )


def _reclassify(classes: dict[int, str], now: dt.datetime) -> None:
    """Give these open cases (case id -> class) their gap's new class: the trail says so, the
    actions done stay, the others give way to the new class's playbook."""
    cases = list(GapCase.objects.filter(pk__in=classes).only("pk", "state", "gap_class"))
    GapCase.objects.filter(pk__in=classes).update(
        gap_class=Case(*(When(pk=pk, then=Value(gap_class)) for pk, gap_class in classes.items())),
        version=F("version") + 1,
    )
    GapTransition.objects.bulk_create(
        GapTransition(
            case=case,
            from_state=case.state,
            to_state=case.state,
            at=now,
            note=f"Reclassified: {gaps.CLASS_LABELS[case.gap_class]} → "
            f"{gaps.CLASS_LABELS[classes[case.pk]]}.",
        )
        for case in cases
    )
    GapAction.objects.filter(case_id__in=classes, done_at__isnull=True).delete()
    done = dict(
        GapAction.objects.filter(case_id__in=classes)
        .values("case_id")
        .annotate(last=Max("position"))
        .values_list("case_id", "last")
    )
    _checklists_add(classes, after=done)
    playbook_tasks_reclassified(case_ids=list(classes), today=timezone.localdate(now))


def _open(new: dict[int, str], now: dt.datetime) -> list[GapCase]:
    """New cases (owner: the account's CSM), each with its playbook as a checklist."""
    owners = dict(Account.objects.filter(pk__in=list(new)).values_list("pk", "owner_id"))
    cases = GapCase.objects.bulk_create(
        GapCase(
            account_id=account_id,
            gap_class=gap_class,
            owner_id=owners[account_id],
            opened_at=now,
            state_changed_at=now,
        )
        for account_id, gap_class in new.items()
    )
    _checklists_add({case.pk: case.gap_class for case in cases})
    playbook_tasks_create(case_ids=[case.pk for case in cases], today=timezone.localdate(now))
    GapTransition.objects.bulk_create(
        GapTransition(case=case, to_state=gaps.DETECTED, at=now, note="Detected.") for case in cases
    )
    return cases


def _checklists_add(classes: dict[int, str], after: dict[int, int] | None = None) -> None:
    """The playbook of each case's class (case id -> class) as next actions, numbered on from
    `after[case]` (0 by default)."""
    after = after or {}
    steps = defaultdict(list)
    for gap_class, position, text in PlaybookStep.objects.filter(
        playbook__gap_class__in=set(classes.values())
    ).values_list("playbook__gap_class", "position", "text"):
        steps[gap_class].append((position, text))
    GapAction.objects.bulk_create(
        GapAction(case_id=pk, position=after.get(pk, 0) + position, text=text)
        for pk, gap_class in classes.items()
        for position, text in steps[gap_class]
    )


# --- the workflow -----------------------------------------------------------------------------


class TransitionRefused(ValueError):
    """A move the workflow does not allow; the message says why, for the person who tried, and
    `field` which input it is about: the state moved `to`, or the `reason` it needs."""

    def __init__(self, message: str, field: str = "to"):
        super().__init__(message)
        self.field = field


# What a move writes on a case.
MOVE_FIELDS = ["state", "state_changed_at", "closed_on", "dismissed_reason", "version"]


@dataclass
class CaseMoves:
    """What `gap_cases_move` did: the cases it `moved`, and those the workflow would not move
    there (already there, or closed), by why, in words."""

    moved: list[GapCase] = field(default_factory=list)
    refused: dict[str, list[GapCase]] = field(default_factory=dict)


def gap_cases_move(
    *, cases: list[GapCase], to: str, by, note: str = "", reason: str = ""
) -> CaseMoves:
    """Move these cases to `to`, keeping the trail: each case moved gets a transition (the
    reason, then the note), a history row by `by` and a gap.moved or gap.resolved event, in one
    transaction and the same queries for one case or many. A case the workflow does not let go
    to `to` stays as it is, in `refused`. Dismissing, and resolving while the gap is still
    open, need a reason: without one, TransitionRefused on `reason` and nothing is written.
    The moves are judged from the cases as stored once their rows are held (copied onto
    `cases`), so two moves sent at once make one transition."""
    reason, note = reason.strip(), note.strip()
    moves = CaseMoves()
    with transaction.atomic():
        for case in _held(cases):
            if refusal := gaps.can_move(case.state, to):
                moves.refused.setdefault(refusal, []).append(case)
            else:
                moves.moved.append(case)
        needed = [gaps.reason_needed(to, converged=case.converged) for case in moves.moved]
        if not reason and any(needed):
            raise TransitionRefused(next(text for text in needed if text), field="reason")
        if not moves.moved:
            return moves
        now = timezone.now()
        trail = "\n".join(text for text in (reason, note) if text)
        transitions = []
        for case in moves.moved:
            transitions.append(
                GapTransition(
                    case=case, from_state=case.state, to_state=to, by=by, at=now, note=trail
                )
            )
            case.state, case.state_changed_at, case.version = to, now, case.version + 1
            case.closed_on = timezone.localdate() if to in gaps.CLOSED_STATES else None
            case.dismissed_reason = reason if to == gaps.DISMISSED else ""
        bulk_update_with_history(moves.moved, GapCase, MOVE_FIELDS, default_user=by)
        GapTransition.objects.bulk_create(transitions)
        account_events_record(
            events=[_moved_event(t.case, came_from=t.from_state, by=by) for t in transitions]
        )
    return moves


def gap_case_move(*, case: GapCase, to: str, by, note: str = "", reason: str = "") -> GapCase:
    """Move one case (`gap_cases_move`): TransitionRefused, and nothing written, when the
    workflow does not let it go to `to`."""
    moves = gap_cases_move(cases=[case], to=to, by=by, note=note, reason=reason)
    if moves.refused:
        raise TransitionRefused(next(iter(moves.refused)))
    return case


def _held(cases: list[GapCase]) -> list[GapCase]:
    """These cases, their rows held until the transaction ends and their fields as stored
    copied onto them (a case deleted since is left out): one query."""
    stored = GapCase.objects.select_for_update(no_key=True).in_bulk([case.pk for case in cases])
    held = [case for case in cases if case.pk in stored]
    for case in held:
        for column in GapCase._meta.concrete_fields:
            setattr(case, column.attname, getattr(stored[case.pk], column.attname))
    return held


def _moved_event(case: GapCase, *, came_from: str, by) -> AccountEvent:
    """gap.resolved when a case is resolved, gap.moved for any other move."""
    labels = dict(GapCase.State.choices)
    who = str(by) if by else "Someone"
    resolved = case.state == gaps.RESOLVED
    return AccountEvent(
        kind=events.GAP_RESOLVED if resolved else events.GAP_MOVED,
        account_id=case.account_id,
        summary=f"{who} {'resolved' if resolved else 'moved'} the gap case at {{account}}"
        + ("." if resolved else f" from {labels[came_from]} to {labels[case.state]}."),
        path=reverse("gap_detail", args=[case.pk]),
        payload={
            **_case_payload(case.pk, case.gap_class, case.state, from_state=came_from),
            "by": {"id": by.pk, "name": str(by)} if by else None,
        },
        followers=[case.owner_id] if case.owner_id else [],
        actor_id=by.pk if by else None,
        account=case.account if GapCase.account.is_cached(case) else None,
    )


def gap_case_update(*, form, version: int) -> GapCase:
    """Save a valid case form (owner, due date, notes) edited from `version` of the case:
    EditConflict if someone saved the case since."""
    with transaction.atomic():
        return edit_save(form, seen=version)


def gap_action_toggle(*, action: GapAction, by) -> GapAction:
    """Tick a checklist action off, or back on."""
    done = action.done_at is None
    action.done_at = timezone.now() if done else None
    action.done_by = by if done else None
    action.save(update_fields=["done_at", "done_by"])
    return action


def gap_case_change(*, case: GapCase, version: int, **fields) -> GapCase:
    """Change the case's owner, due date or notes without a form (the API), edited from
    `version`: EditConflict if someone saved the case since. The owner is a member or manager
    of the account's team (or the case's owner already), the due date meets GapCase.clean;
    otherwise ValidationError by field, and nothing is written."""
    errors = {}
    owner = fields.get("owner")
    if owner is not None and owner.pk != case.owner_id:
        team = Team.objects.filter(pk=case.account.team_id)
        if not users_of_teams(team).filter(pk=owner.pk).exists():
            errors["owner"] = "Must be a member or manager of the account's team."
    for name, value in fields.items():
        setattr(case, name, value)
    try:
        case.full_clean(exclude=[f.name for f in GapCase._meta.fields if f.name not in fields])
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version_claim(case, seen=version)
        case.save(update_fields=[*fields, "version"])
    return case
