"""Writing stakeholders: adding, editing, leaving and coming back, and the account's coverage
flags (single-threaded, decision-maker coverage, champion left). The writers take plain keyword
arguments (the stakeholder form calls them with its cleaned data; so can an API), refuse a
change that breaks the model's rules with a ValidationError by field, and ask for the account's
scores to be recomputed once the change commits."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.events import AccountEvent, account_events_record
from accounts.models import Account, Team
from accounts.selectors import users_of_teams
from core import events
from core.db.bulk import update_rows
from core.versions import status_before, status_set, version_claim
from relationships.models import Stakeholder
from relationships.people.coverage import Coverage, Tally
from relationships.scoring.recompute import recompute_request

COVERAGE_FIELDS = [
    "strong_relationships",
    "single_threaded",
    "no_decision_maker_coverage",
    "champion_left",
]


def coverage_refresh(*, account_ids: Iterable[int]) -> dict[int, Coverage]:
    """Recompute the stored coverage flags of these accounts: one read, then bulk writes.
    Returns the flags written, by account."""
    account_ids = set(account_ids)
    if not account_ids:
        return {}
    rows = Stakeholder.objects.filter(account_id__in=account_ids).values_list(
        "account_id", "role", "strength", "status"
    )
    return coverage_store(account_ids=account_ids, people=rows)


def coverage_store(
    *, account_ids: Iterable[int], people: Iterable[tuple[int, str, int | None, str]]
) -> dict[int, Coverage]:
    """Write the coverage flags of these accounts from their stakeholders as they now are:
    `people` is (account id, role, strength, status) of every stakeholder of these accounts
    (others are ignored), for a caller that has them in memory already (the import). Returns
    the flags written, by account."""
    tallies = {account_id: Tally() for account_id in account_ids}
    if not tallies:
        return {}
    active = Stakeholder.Status.ACTIVE
    for account_id, role, strength, status in people:
        if (tally := tallies.get(account_id)) is not None:
            tally.add(role, strength, status == active)
    flags = {account_id: tally.flags() for account_id, tally in tallies.items()}
    rows = [
        (account_id, *(getattr(coverage, field) for field in COVERAGE_FIELDS))
        for account_id, coverage in flags.items()
    ]
    with transaction.atomic(savepoint=False):
        update_rows(Account, COVERAGE_FIELDS, rows)  # bulk_update is slow for thousands
    return flags


def stakeholders_changed(*, account_ids: Iterable[int], people=None) -> dict[int, Coverage]:
    """After a change of these accounts' people: bring their coverage flags up to date and ask
    for their scores to be recomputed once the change commits. `people`: every person of these
    accounts as they now are, when the caller holds them (the flags are counted from them, not
    read again). Returns the flags, by account."""
    account_ids = set(account_ids)
    with transaction.atomic(savepoint=False):
        if people is None:
            flags = coverage_refresh(account_ids=account_ids)
        else:
            rows = [
                (person.account_id, person.role, person.strength, person.status)
                for person in people
            ]
            flags = coverage_store(account_ids=account_ids, people=rows)
        recompute_request(account_ids=account_ids)
    return flags


def _coverage_shown(account: Account, flags: dict[int, Coverage]) -> None:
    """Put the account's coverage flags as just written on `account`."""
    for field in COVERAGE_FIELDS:
        setattr(account, field, getattr(flags[account.pk], field))


def stakeholder_create(*, account: Account, name: str, owners=(), **fields) -> Stakeholder:
    """Add a person to the account. `owners`: our people who keep the relationship, members or
    managers of the account's team; `fields`: the other Stakeholder fields (title, email, role,
    reports_to, strength, status, ...). The account's coverage flags are brought up to date, in
    the database and on `account`."""
    stakeholder, owners = Stakeholder(account=account, name=name, **fields), list(owners)
    _validate(stakeholder, owners)
    with transaction.atomic():
        stakeholder.save()
        stakeholder.owners.set(owners)
        _coverage_shown(account, stakeholders_changed(account_ids=[account.pk]))
    return stakeholder


def stakeholder_update(*, stakeholder: Stakeholder, version: int, **fields) -> Stakeholder:
    """Change these fields of the person (`owners` among them, if given), edited from `version`
    of them: EditConflict if someone saved them since. Only these fields and the version are
    written: columns that other code keeps stay as they are. The coverage flags of their account
    (and of the one they left, if `account` changes) are brought up to date, in the database and
    on `stakeholder.account`."""
    owners = fields.pop("owners", None)
    owners = None if owners is None else list(owners)
    moved_from = stakeholder.account_id
    for name, value in fields.items():
        setattr(stakeholder, name, value)
    _validate(stakeholder, owners)
    with transaction.atomic():
        version_claim(stakeholder, seen=version)
        stakeholder.save(update_fields=[*fields, "version"])
        if owners is not None:
            stakeholder.owners.set(owners)
        flags = stakeholders_changed(account_ids={moved_from, stakeholder.account_id})
    _coverage_shown(stakeholder.account, flags)
    return stakeholder


def _validate(stakeholder: Stakeholder, owners) -> None:
    """Refuse (ValidationError by field) a person who breaks the model's rules or is owned by
    someone outside the account's team; nothing is written then."""
    errors = {}
    if owners and stakeholder.account_id is not None:
        team = users_of_teams(Team.objects.filter(pk=stakeholder.account.team_id))
        allowed = set(team.values_list("pk", flat=True))
        if any(owner.pk not in allowed for owner in owners):
            errors["owners"] = "Must be a member or manager of the account's team."
    try:
        stakeholder.full_clean()
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def stakeholder_mark_left(*, stakeholder: Stakeholder, people=None) -> Stakeholder:
    """Record that the person left the company (kept on file, never deleted). `people`: every
    person of their account, them included, when the caller has read them already (the
    coverage flags are then counted from them, not read again)."""
    return _stakeholder_status_save(stakeholder, Stakeholder.Status.LEFT, people)


def stakeholder_left_undo(*, stakeholder: Stakeholder, people=None) -> Stakeholder:
    """Undo marking the person as left: back to the status they had before (active if their
    history does not say). A person who has not left is left as they are. `people`: as for
    stakeholder_mark_left."""
    if stakeholder.status != Stakeholder.Status.LEFT:
        return stakeholder
    previous = status_before(stakeholder, default=Stakeholder.Status.ACTIVE)
    return _stakeholder_status_save(stakeholder, previous, people)


def _stakeholder_status_save(stakeholder: Stakeholder, status: str, people) -> Stakeholder:
    """Save the person's new status and bring the account's coverage flags up to date."""
    with transaction.atomic(savepoint=False):
        status_set(stakeholder, status)
        flags = stakeholders_changed(account_ids=[stakeholder.account_id], people=people)
    _coverage_shown(stakeholder.account, flags)
    return stakeholder


def may_have_left_record(*, reasons: dict[int, str]) -> None:
    """stakeholder.may_have_left for each of these stakeholders (id -> what said so: an
    automatic answer, a bounce), in the caller's transaction: two queries for any number."""
    people = Stakeholder.objects.filter(pk__in=list(reasons)).values_list(
        "pk", "name", "account_id"
    )
    account_events_record(
        events=[
            AccountEvent(
                kind=events.STAKEHOLDER_MAY_HAVE_LEFT,
                account_id=account_id,
                summary=f"{name} at {{account}} may have left: an automatic answer said"
                f" “{reasons[pk]}”.",
                path=reverse("stakeholder_detail", args=[pk]),
                payload={"stakeholder": {"id": pk, "name": name}, "reason": reasons[pk]},
            )
            for pk, name, account_id in people
        ]
    )
