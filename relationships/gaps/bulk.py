"""Bulk actions of the gap board: move the cases chosen to a state, or give them an owner.

Each follows the rules of its one-case service (gap_case_move, gap_case_change) for every case,
in one transaction and a number of queries that does not grow with the cases: the rows are read
and held in one query, written in one, their history rows in one, the transitions in one, the
events in a few. A case the move does not apply to (already there, or a move its state does not
allow) is skipped, and the summary says why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.bulk import BulkOutcome
from accounts.events import AccountEvent, account_events_record
from accounts.models import Team, User
from core import events
from relationships.gaps import model as gaps
from relationships.gaps.services import _case_payload
from relationships.models import GapCase, GapTransition

NOUN = ("case", "cases")


def _held(cases: list[GapCase]) -> list[GapCase]:
    pks = [case.pk for case in cases]
    held = GapCase.objects.select_for_update(no_key=True).filter(pk__in=pks)
    return list(held.select_related("account").order_by("account__name", "pk"))


def gap_cases_move(*, cases: list[GapCase], to: str, by: User, reason: str = "") -> BulkOutcome:
    """Move these cases to `to`, as gap_case_move moves one: a transition each (the reason as
    its note), a gap.moved or gap.resolved event each. A move that needs a reason (dismissing,
    resolving an open gap) refuses them all without one (ValidationError on `reason`)."""
    labels = dict(GapCase.State.choices)
    if to not in labels:
        raise ValidationError({"to": "Choose a state."})
    reason = reason.strip()
    now = timezone.now()
    outcome = BulkOutcome(done=f"moved to {labels[to].lower()}", noun=NOUN)
    with transaction.atomic():
        held = _held(cases)
        movable = []
        for case in held:
            if case.state == to:
                outcome.skipped.setdefault(f"already {labels[to].lower()}", []).append(case)
            elif refusal := gaps.can_move(case.state, to):
                outcome.skipped.setdefault(refusal.rstrip("."), []).append(case)
            else:
                movable.append(case)
        needed = [gaps.reason_needed(to, converged=case.converged) for case in movable]
        if not reason and any(needed):
            raise ValidationError({"reason": next(text for text in needed if text)})
        transitions, drafts = [], []
        for case in movable:
            came_from = case.state
            transitions.append(
                GapTransition(
                    case=case, from_state=came_from, to_state=to, by=by, at=now, note=reason
                )
            )
            case.state, case.state_changed_at, case.version = to, now, case.version + 1
            case.closed_on = timezone.localdate() if to in gaps.CLOSED_STATES else None
            case.dismissed_reason = reason if to == gaps.DISMISSED else ""
            drafts.append(_moved(case, came_from=came_from, by=by))
            outcome.changed.append(case)
        if movable:
            fields = ["state", "state_changed_at", "closed_on", "dismissed_reason", "version"]
            bulk_update_with_history(movable, GapCase, fields, default_user=by)
            GapTransition.objects.bulk_create(transitions)
            account_events_record(events=drafts)
    return outcome


def _moved(case: GapCase, *, came_from: str, by: User) -> AccountEvent:
    """The event gap_case_move records for one move."""
    labels = dict(GapCase.State.choices)
    resolved = case.state == gaps.RESOLVED
    return AccountEvent(
        kind=events.GAP_RESOLVED if resolved else events.GAP_MOVED,
        account_id=case.account_id,
        summary=f"{by} {'resolved' if resolved else 'moved'} the gap case at {{account}}"
        + ("." if resolved else f" from {labels[came_from]} to {labels[case.state]}."),
        path=reverse("gap_detail", args=[case.pk]),
        payload={
            **_case_payload(case.pk, case.gap_class, case.state, from_state=came_from),
            "by": {"id": by.pk, "name": str(by)},
        },
        followers=[case.owner_id] if case.owner_id else [],
        actor_id=by.pk,
    )


def gap_cases_assign(*, cases: list[GapCase], owner: User, by: User) -> BulkOutcome:
    """Give these cases to `owner`, who must be an active member or manager of each case's
    account's team (as gap_case_change says): ValidationError on `owner` naming the accounts
    otherwise, and nothing is written. A case already theirs is skipped."""
    teams = set(
        Team.objects.filter(Q(members=owner) | Q(manager=owner)).values_list("pk", flat=True)
    )
    outcome = BulkOutcome(done=f"assigned to {owner}", noun=NOUN)
    with transaction.atomic():
        held = _held(cases)
        outside = sorted({case.account.name for case in held if case.account.team_id not in teams})
        if outside or not owner.is_active:
            raise ValidationError(
                {"owner": f"{owner} is not in the team of {', '.join(outside[:5])}."}
                if owner.is_active
                else {"owner": f"{owner} no longer works here."}
            )
        for case in held:
            if case.owner_id == owner.pk:
                outcome.skipped.setdefault(f"already {owner}’s", []).append(case)
            else:
                case.owner, case.version = owner, case.version + 1
                outcome.changed.append(case)
        if outcome.changed:
            bulk_update_with_history(
                outcome.changed, GapCase, ["owner", "version"], default_user=by
            )
    return outcome
