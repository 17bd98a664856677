"""Writing stakeholders: edits, leaving and coming back, and the account's coverage flags
(single-threaded, decision-maker coverage, champion left). Each change asks for the account's
scores to be recomputed once it commits."""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import Account
from core.db.bulk import update_rows
from core.versions import edit_save, status_before, status_set
from relationships.models import Stakeholder
from relationships.people.coverage import Tally
from relationships.scoring.recompute import recompute_request

COVERAGE_FIELDS = [
    "strong_relationships",
    "single_threaded",
    "no_decision_maker_coverage",
    "champion_left",
]


def coverage_refresh(*, account_ids: Iterable[int]) -> None:
    """Recompute the stored coverage flags of these accounts: one read, then bulk writes."""
    account_ids = set(account_ids)
    if not account_ids:
        return
    rows = Stakeholder.objects.filter(account_id__in=account_ids).values_list(
        "account_id", "role", "strength", "status"
    )
    coverage_store(account_ids=account_ids, people=rows)


def coverage_store(
    *, account_ids: Iterable[int], people: Iterable[tuple[int, str, int | None, str]]
) -> None:
    """Write the coverage flags of these accounts from their stakeholders as they now are:
    `people` is (account id, role, strength, status) of every stakeholder of these accounts
    (others are ignored), for a caller that has them in memory already (the import)."""
    tallies = {account_id: Tally() for account_id in account_ids}
    if not tallies:
        return
    active = Stakeholder.Status.ACTIVE
    for account_id, role, strength, status in people:
        if (tally := tallies.get(account_id)) is not None:
            tally.add(role, strength, status == active)
    rows = []
    for account_id, tally in tallies.items():
        flags = tally.flags()
        rows.append((account_id, *(getattr(flags, field) for field in COVERAGE_FIELDS)))
    with transaction.atomic():
        update_rows(Account, COVERAGE_FIELDS, rows)  # bulk_update is slow for thousands


def stakeholder_save(*, form, version: int | None) -> Stakeholder:
    """Save a valid stakeholder form, a new person (no `version`) or an edit of `version` of
    them (EditConflict if someone saved them since), and bring the account's coverage flags up
    to date (in the database and on `stakeholder.account`)."""
    with transaction.atomic():
        stakeholder = form.save() if version is None else edit_save(form, seen=version)
        coverage_refresh(account_ids=[stakeholder.account_id])
        recompute_request(account_ids=[stakeholder.account_id])
    stakeholder.account.refresh_from_db(fields=COVERAGE_FIELDS)
    return stakeholder


def stakeholder_mark_left(*, stakeholder: Stakeholder) -> Stakeholder:
    """Record that the person left the company (kept on file, never deleted)."""
    return _stakeholder_status_save(stakeholder, Stakeholder.Status.LEFT)


def stakeholder_left_undo(*, stakeholder: Stakeholder) -> Stakeholder:
    """Undo marking the person as left: back to the status they had before (active if their
    history does not say). A person who has not left is left as they are."""
    if stakeholder.status != Stakeholder.Status.LEFT:
        return stakeholder
    previous = status_before(stakeholder, default=Stakeholder.Status.ACTIVE)
    return _stakeholder_status_save(stakeholder, previous)


def _stakeholder_status_save(stakeholder: Stakeholder, status: str) -> Stakeholder:
    """Save the person's new status and bring the account's coverage flags up to date."""
    with transaction.atomic():
        status_set(stakeholder, status)
        coverage_refresh(account_ids=[stakeholder.account_id])
        recompute_request(account_ids=[stakeholder.account_id])
    stakeholder.account.refresh_from_db(fields=COVERAGE_FIELDS)
    return stakeholder
