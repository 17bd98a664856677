"""Operations on accounts."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.events import AccountEvent, account_events_record
from accounts.models import Account, Team, UsageSnapshot, User
from accounts.signals import account_changed
from core import events
from core.versions import edit_save, status_before, status_set, version_claim


def account_create(
    *,
    name: str,
    team: Team,
    owner: User,
    domain: str = "",
    segment: str = "",
    customer_since: dt.date | None = None,
    renewal_date: dt.date | None = None,
    arr: Decimal | None = None,
    cost_to_serve: Decimal | None = None,
    seats_purchased: int | None = None,
    status: str = Account.Status.ACTIVE,
    external_id: str = "",
) -> Account:
    """Create an account that meets the rules of Account (the owner in the team, dates and
    amounts in range, an external id no other account has): ValidationError by field
    otherwise, and nothing is written."""
    account = Account(
        external_id=external_id,
        name=name,
        team=team,
        owner=owner,
        domain=domain,
        segment=segment,
        customer_since=customer_since,
        renewal_date=renewal_date,
        arr=arr,
        cost_to_serve=cost_to_serve,
        seats_purchased=seats_purchased,
        status=status,
    )
    _external_id_free(account)
    account.full_clean()
    with transaction.atomic():  # the account and its history row
        account.save()
    return account


def account_update(*, form, version: int) -> Account:
    """Save a valid profile form edited from `version` of the account: EditConflict if someone
    saved the account since (its history row records who changed what). Seats feed the gap's
    usage factor and ARR and cost the quadrant: `account_changed` is sent in the transaction
    (relationships recomputes the scores once it commits)."""
    before = form.initial.get("status")
    with transaction.atomic():
        account = edit_save(form, seen=version)
        account_changed.send(sender=Account, account_ids=[account.pk])
        if before and account.status != before:
            _status_event(account, before)
    return account


def _status_event(account: Account, before: str) -> None:
    """account.status_changed, in the transaction of the change."""
    status_changes_record({account.pk: (before, account.status)})


def status_changes_record(changes: dict[int, tuple[str, str]]) -> None:
    """account.status_changed for each account pk -> (status before, status now) that differ,
    in the transaction of the change, whichever way it was made (a form, the API, a CSV import,
    the admin)."""
    labels = dict(Account.Status.choices)
    account_events_record(
        events=[
            AccountEvent(
                kind=events.ACCOUNT_STATUS_CHANGED,
                account_id=pk,
                summary=f"{{account}} is now {labels.get(now, now).lower()}"
                f" (it was {labels.get(before, before).lower()}).",
                payload={"status": now, "previous_status": before},
            )
            for pk, (before, now) in changes.items()
            if before != now
        ]
    )


def _external_id_free(account: Account) -> None:
    """Refuse, on the field, an external id another account has (the database's constraint
    would say so only for the account as a whole)."""
    taken = Account.objects.filter(external_id=account.external_id).exclude(pk=account.pk)
    if account.external_id and taken.exists():
        raise ValidationError({"external_id": "Another account has this external id."})


def account_change(*, account: Account, version: int, **fields) -> Account:
    """Change these profile fields of the account (no form: the API), edited from `version`:
    EditConflict if someone saved the account since, ValidationError by field if the result
    breaks the rules of Account, and nothing is written then. Only these fields and the version
    are written; `account_changed` is sent in the transaction, as account_update does."""
    before = account.status
    for name, value in fields.items():
        setattr(account, name, value)
    if "external_id" in fields:
        _external_id_free(account)
    if Account.Status.ARCHIVED in {before, account.status} and account.status != before:
        raise ValidationError(
            {"status": "Archiving and restoring are actions of their own (managers and admins)."}
        )
    account.full_clean(exclude=[f.name for f in Account._meta.fields if f.name not in fields])
    with transaction.atomic():
        version_claim(account, seen=version)
        account.save(update_fields=[*fields, "version"])
        account_changed.send(sender=Account, account_ids=[account.pk])
        if account.status != before:
            _status_event(account, before)
    return account


USAGE_FIELDS = ["active_users", "usage_value", "features_used", "features_available"]


def usage_periods_upsert(*, account: Account, periods: list[dict]) -> list[UsageSnapshot]:
    """Write the account's usage for these periods (each `period_start` and USAGE_FIELDS), as
    usage.csv does: a period already stored is replaced, others are added. A period that breaks
    the rules of UsageSnapshot, or comes twice, refuses them all (ValidationError naming the
    period) and nothing is written. The scores are recomputed once it commits."""
    errors, rows, seen = {}, [], set()
    for period in periods:
        row = UsageSnapshot(account=account, **period)
        day = period.get("period_start")
        try:
            if day in seen:
                raise ValidationError({"period_start": "This period comes twice."})
            row.full_clean(exclude=["account"], validate_constraints=False)
            if None not in (row.features_used, row.features_available) and (
                row.features_used > row.features_available
            ):
                raise ValidationError({"features_used": "At most the features available."})
        except ValidationError as refusal:
            for name, messages in refusal.message_dict.items():
                errors[f"{day}: {name}"] = messages
        seen.add(day)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():  # one statement for any number of periods
        UsageSnapshot.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["account", "period_start"],
            update_fields=USAGE_FIELDS,
        )
        account_changed.send(sender=Account, account_ids=[account.pk])
    days = [row.period_start for row in rows]
    stored = {usage.period_start: usage for usage in account.usage.filter(period_start__in=days)}
    return [stored[day] for day in days]


def account_archive(*, account: Account) -> Account:
    """Archive the account instead of deleting it: it leaves the account list, keeps its data,
    and account_restore brings it back. Archiving an archived account changes nothing."""
    with transaction.atomic():
        before = _status_held(account)
        if before != Account.Status.ARCHIVED:
            status_set(account, Account.Status.ARCHIVED)
            _status_event(account, before)
    return account


def account_restore(*, account: Account) -> Account:
    """Bring an archived account back with the status it had before (active if its history
    does not say); restoring an account that is not archived changes nothing."""
    with transaction.atomic():
        if _status_held(account) == Account.Status.ARCHIVED:
            status_set(account, status_before(account, default=Account.Status.ACTIVE))
            _status_event(account, Account.Status.ARCHIVED)
    return account


def _status_held(account: Account) -> str:
    """The account's status as stored, its row held until the transaction ends: of two
    archivings sent at once, the second finds the account archived."""
    held = Account.objects.select_for_update(no_key=True).filter(pk=account.pk)
    account.status = held.values_list("status", flat=True).get()
    return account.status


def users_claim_for_day(*, users, field: str, today: dt.date) -> list[User]:
    """The users of `users` (a queryset) not yet marked in `field` (a date) for `today`, held
    under a row lock a second run skips, and marked: a daily email claims its readers here, so
    two runs at once or one after the other never send a day's email twice. Call it inside the
    transaction that writes the emails."""
    claimed = list(users.select_for_update(skip_locked=True).exclude(**{field: today}))
    if claimed:
        User.objects.filter(pk__in=[user.pk for user in claimed]).update(**{field: today})
    return claimed
