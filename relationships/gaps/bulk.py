"""Bulk actions of the gap board: move the cases chosen to a state, or give them an owner.

A move is `gap_cases_move`, the service a card's own move goes through; an assignment follows
the rules of gap_case_change for every case. Each runs in one transaction and a number of
queries that does not grow with the cases. A case the move does not apply to (already there,
or a move its state does not allow) is skipped, and the summary says why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from accounts.bulk import BulkOutcome
from accounts.models import Team, User
from relationships.gaps.services import TransitionRefused, gap_cases_move
from relationships.models import GapCase

NOUN = ("case", "cases")


def _held(cases: list[GapCase]) -> list[GapCase]:
    pks = [case.pk for case in cases]
    held = GapCase.objects.select_for_update(no_key=True).filter(pk__in=pks)
    return list(held.select_related("account").order_by("account__name", "pk"))


def gap_cases_move_all(*, cases: list[GapCase], to: str, by: User, reason: str = "") -> BulkOutcome:
    """Move these cases to `to` (gap_cases_move: a transition each, the reason as its note, a
    history row and an event each) and say so; a case already there or that may not go there
    is skipped. A move that needs a reason refuses them all without one (ValidationError on
    `reason`), and nothing is written."""
    try:
        moves = gap_cases_move(cases=cases, to=to, by=by, reason=reason)
    except TransitionRefused as refusal:
        raise ValidationError({refusal.field: str(refusal)}) from refusal
    label = GapCase.State(to).label.lower()
    outcome = BulkOutcome(done=f"moved to {label}", changed=moves.moved, noun=NOUN)
    for why, skipped in moves.refused.items():
        outcome.skipped[f"already {label}" if skipped[0].state == to else why.rstrip(".")] = skipped
    return outcome


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
