"""Operations on accounts."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accounts.models import Account, Team, User
from accounts.signals import account_changed
from core.versions import edit_save, status_before, status_set


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
) -> Account:
    """Create an account that meets the rules of Account (the owner in the team, dates and
    amounts in range): ValidationError by field otherwise, and nothing is written."""
    account = Account(
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
    account.full_clean()
    with transaction.atomic():  # the account and its history row
        account.save()
    return account


def account_update(*, form, version: int) -> Account:
    """Save a valid profile form edited from `version` of the account: EditConflict if someone
    saved the account since (its history row records who changed what). Seats feed the gap's
    usage factor and ARR and cost the quadrant: `account_changed` is sent in the transaction
    (relationships recomputes the scores once it commits)."""
    with transaction.atomic():
        account = edit_save(form, seen=version)
        account_changed.send(sender=Account, account_ids=[account.pk])
    return account


def account_archive(*, account: Account) -> Account:
    """Archive the account instead of deleting it: it leaves the account list, keeps its data,
    and account_restore brings it back. Archiving an archived account changes nothing."""
    if not account.is_archived:
        with transaction.atomic():
            status_set(account, Account.Status.ARCHIVED)
    return account


def account_restore(*, account: Account) -> Account:
    """Bring an archived account back with the status it had before (active if its history
    does not say); restoring an account that is not archived changes nothing."""
    if account.is_archived:
        with transaction.atomic():
            status_set(account, status_before(account, default=Account.Status.ACTIVE))
    return account
