"""Writing activity: interactions, moments, open items, pulse checks and competitor ratings
(ratings are logged like the rest of the activity, so their writer is here rather than in
relationships.positioning, which reads them).

Every writer takes plain keyword arguments, so the quick-log forms (with their cleaned data),
the survey, an API or a mailbox call the same door. A row that breaks its model's rules, or
names a person of another account, is refused with a ValidationError by field and nothing is
written; a written row asks for its account's scores to be recomputed once it commits.
"""

from collections.abc import Callable, Iterable
from functools import cache
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.db.bulk import insert_new, insert_rows
from core.db.checks import constraints_broken
from core.idempotency import AlreadySubmitted, submission_answer, submission_claimed
from relationships.imports import activity_import_key
from relationships.models import (
    CompetitorRating,
    Interaction,
    Moment,
    OpenItem,
    PulseCheck,
    Stakeholder,
)
from relationships.scoring.recompute import recompute_request

OTHER_ACCOUNT = "Must be a stakeholder of the same account."
Claim = Callable[[], bool]


def interaction_create(
    *,
    account,
    occurred_at,
    stakeholders: Iterable[Stakeholder],
    channel,
    touchpoint,
    direction: str,
    sentiment: int,
    claim: Claim | None = None,
    **optional,
) -> Interaction | None:
    """Log an interaction with these people of the account (one at least). `optional`:
    our_person (who of us took part), verbosity, response_hours, summary. `claim`: see
    _save."""
    stakeholders = list(stakeholders)
    interaction = Interaction(
        account=account,
        occurred_at=occurred_at,
        channel=channel,
        touchpoint=touchpoint,
        direction=direction,
        sentiment=sentiment,
        **optional,
    )
    missing = {} if stakeholders else {"stakeholders": "Name at least one person."}
    _check(interaction, missing, stakeholders=stakeholders)
    through = Interaction.stakeholders.through

    def link(saved):
        through.objects.bulk_create(
            through(interaction=saved, stakeholder=person) for person in stakeholders
        )

    return _save(interaction, claim=claim, then=link)


# Foreign keys a bulk writer's caller read from the database: not looked up again per row.
_READ_ALREADY = ["account", "channel", "touchpoint", "our_person", "stakeholder"]


def interactions_bulk_create(rows: Iterable[dict]) -> list[int]:
    """Log many interactions at once (mail and calendar capture): each row holds the column
    values of one (account_id, occurred_at, channel_id, ...), its people as `stakeholder_ids`;
    returns their ids, in order. Each row is checked field by field as interaction_create checks
    it, but without a query per row (its foreign keys come from the database already; the
    people's accounts are read in one query); a refused row refuses them all (ValidationError
    by field, saying which row) and nothing is written. One recompute request per account."""
    rows = [dict(row) for row in rows]
    people = [row.pop("stakeholder_ids") for row in rows]
    accounts = dict(
        Stakeholder.objects.filter(pk__in={pk for ids in people for pk in ids}).values_list(
            "pk", "account_id"
        )
    )
    valid = set()
    for number, (row, ids) in enumerate(zip(rows, people, strict=True), start=1):
        errors = {} if ids else {"stakeholders": ["Name at least one person."]}
        if any(accounts.get(pk) != row["account_id"] for pk in ids):
            errors["stakeholders"] = [OTHER_ACCOUNT]
        _row_check(Interaction, row, number, errors, valid)
    with transaction.atomic():
        pks = insert_new(Interaction, rows)
        insert_rows(
            Interaction.stakeholders.through,
            ["interaction_id", "stakeholder_id"],
            [(pk, person) for pk, ids in zip(pks, people, strict=True) for person in ids],
        )
        recompute_request(account_ids={row["account_id"] for row in rows})
    return pks


def open_items_bulk_create(rows: Iterable[dict]) -> list[OpenItem]:
    """Open many items at once (capture's repeated requests), each row open_item_create's
    keyword arguments (a stakeholder of the same account given as `stakeholder_id`, checked by
    the caller), checked without a query per row as interactions_bulk_create does."""
    items = []
    for number, row in enumerate(rows, start=1):
        item = OpenItem(**row)
        _bulk_check(item, number, {})
        items.append(item)
    with transaction.atomic():
        OpenItem.objects.bulk_create(items)
        recompute_request(account_ids={item.account_id for item in items})
    return items


def _bulk_check(item: models.Model, number: int, errors: dict) -> None:
    """Refuse row `number` of a bulk write (ValidationError naming the row and its fields) for
    `errors` found already or what its model's rules say, its foreign keys excepted."""
    try:
        item.clean_fields(exclude=_READ_ALREADY + list(errors))
        item.clean()
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if errors:
        raise ValidationError({f"row {number}: {name}": e for name, e in errors.items()})


def _row_check(model, row: dict, number: int, errors: dict, valid: set) -> None:
    """_bulk_check for a row of column values of a model without rules across its fields
    (no `clean()`): each field checked as `clean_fields` checks it, and its value cleaned in
    the row. `valid` holds the (field, value) pairs earlier rows passed: a value that repeats
    (a channel, a direction, a sentiment) is checked once."""
    for field in _checked_fields(model):
        value = row.get(field.attname, field.get_default())
        if field.name in errors or (field.name, value) in valid:
            continue
        if field.blank and value in field.empty_values:
            continue
        try:
            cleaned = field.clean(value, None)
        except ValidationError as refusal:
            errors[field.name] = refusal.error_list
            continue
        if field.attname in row:
            row[field.attname] = cleaned
        valid.add((field.name, value))
    if errors:
        raise ValidationError({f"row {number}: {name}": e for name, e in errors.items()})


@cache
def _checked_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a bulk write checks row by row: the model's own, but the foreign keys read
    already."""
    return [field for field in model._meta.fields if field.name not in _READ_ALREADY]


def moment_create(
    *, account, moment_type, occurred_on, emotion: str, claim: Claim | None = None, **optional
) -> Moment | None:
    """Log a moment of the account. `optional`: stakeholder, intensity (1-3), value_impact,
    value_amount (which needs value_impact), identified_by, note."""
    moment = Moment(
        account=account,
        moment_type=moment_type,
        occurred_on=occurred_on,
        emotion=emotion,
        **optional,
    )
    _check(moment, stakeholder=_named(moment.stakeholder))
    return _save(moment, claim=claim)


def open_item_create(
    *, account, kind: str, title: str, opened_on, claim: Claim | None = None, **optional
) -> OpenItem | None:
    """Open an item (an unanswered email, a ticket, a request, a promise) on the account.
    `optional`: stakeholder, due_on, closed_on."""
    item = OpenItem(account=account, kind=kind, title=title, opened_on=opened_on, **optional)
    _check(item, stakeholder=_named(item.stakeholder))
    return _save(item, claim=claim)


def pulse_check_create(
    *, account, csm, checked_on, happiness: int, note: str = "", claim: Claim | None = None
) -> PulseCheck | None:
    """Record the CSM's read of the customer's happiness (1-5) on a day."""
    pulse = PulseCheck(
        account=account, csm=csm, checked_on=checked_on, happiness=happiness, note=note
    )
    _check(pulse)
    return _save(pulse, claim=claim)


def competitor_rating_create(
    *,
    account,
    stakeholder: Stakeholder,
    competitor,
    dimension,
    our_rating: int,
    their_rating: int,
    rated_on,
    source: str = CompetitorRating.Source.CSM,
    claim: Claim | None = None,
) -> CompetitorRating | None:
    """Record one person's view of us (1-5) against a competitor (1-5) on one dimension."""
    rating = CompetitorRating(
        account=account,
        stakeholder=stakeholder,
        competitor=competitor,
        dimension=dimension,
        our_rating=our_rating,
        their_rating=their_rating,
        rated_on=rated_on,
        source=source,
    )
    _check(rating, stakeholder=[stakeholder])
    return _save(rating, claim=claim)


def open_item_close(*, item: OpenItem) -> OpenItem:
    """Close an open item today; closing a closed item changes nothing."""
    if item.closed_on is None:
        with transaction.atomic(savepoint=False):
            item.closed_on = max(timezone.localdate(), item.opened_on)
            item.save(update_fields=["closed_on", "updated_at"])
            recompute_request(account_ids=[item.account_id])
    return item


# The quick logs: each kind's writer, and the field that names the signed-in user, if any.
QUICK_LOGS = {
    "interaction": (interaction_create, "our_person"),
    "moment": (moment_create, None),
    "open_item": (open_item_create, None),
    "pulse": (pulse_check_create, "csm"),
    "rating": (competitor_rating_create, None),
}


def activity_record(
    kind: str, /, *, account, user, submission_key: UUID | None = None, **fields
) -> models.Model:
    """Write a quick-log entry of `kind` (see QUICK_LOGS) by `user` with its writer, once per
    form render: AlreadySubmitted if `submission_key` was submitted before, and nothing is
    written. Interactions and pulse checks are the user's own."""
    write, author = QUICK_LOGS[kind]
    if author:
        fields[author] = user
    written = write(
        account=account,
        claim=lambda: submission_claimed(key=submission_key, user=user) is not None,
        **fields,
    )
    if written is None:
        raise AlreadySubmitted(submission_answer(key=submission_key, user=user) or "")
    return written


def _named(stakeholder: Stakeholder | None) -> list[Stakeholder]:
    return [] if stakeholder is None else [stakeholder]


def _check(item: models.Model, errors: dict | None = None, **people) -> None:
    """Refuse a new activity row (ValidationError by field, nothing written) for `errors` found
    already, what its model's rules say, and each field of `people` (field name -> the
    stakeholders it names) naming someone of another account; give it its import key. Its
    constraints are checked in one query (core.db.checks), the import key's with them."""
    errors = dict(errors or {})
    errors.update(
        (name, OTHER_ACCOUNT)
        for name, named in people.items()
        if any(person.account_id != item.account_id for person in named)
    )
    try:
        item.full_clean(exclude=set(errors), validate_unique=False, validate_constraints=False)
    except ValidationError as refusal:
        errors = refusal.update_error_dict(errors)
    if not errors:
        item.import_key = activity_import_key(
            item, tuple(sorted(person.pk for person in people.get("stakeholders", ())))
        )
        for constraint in constraints_broken(item):
            if tuple(getattr(constraint, "fields", ())) == ("import_key",):
                # another row holds the key (two rows alike, which no file can tell apart)
                item.import_key = ""
            else:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    constraint.get_violation_error_message()
                )
    if errors:
        raise ValidationError(errors)


def _save(
    item: models.Model, *, claim: Claim | None = None, then: Callable | None = None
) -> models.Model | None:
    """Write a row `_check` passed and what `then(row)` writes with it, and ask for the
    account's recompute, all in the caller's transaction (or one of their own: no savepoint).
    `claim`, if given, is asked first: if it answers False (the form was submitted before),
    nothing is written and the answer is None."""
    with transaction.atomic(savepoint=False):
        if claim is not None and not claim():
            return None
        item.save()
        if then is not None:
            then(item)
        recompute_request(account_ids=[item.account_id])
    return item
