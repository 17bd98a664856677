"""Bulk actions on the account list: what each does to the accounts chosen, and the registry of
actions the apps above add (accounts imports none of them).

An action's `run(user=, accounts=, **fields)` changes the accounts in one transaction and
answers a BulkOutcome: which changed, which were skipped and why, and the sentence that says so.
It writes one history row per account changed and asks for each account's recompute once (the
`account_changed` signal, however many fields changed), in a number of queries that does not
grow with the number of accounts. A refusal (ValidationError, by field) writes nothing.

The apps above register their own actions from a `bulk_actions` module, found on first use
(relationships: a task for each account, once tasks exist).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules
from simple_history.utils import bulk_update_with_history

from accounts.models import Account, Team, User
from accounts.services import status_changes_record
from accounts.signals import account_changed


@dataclass
class BulkOutcome:
    """What a bulk action did: the accounts it `changed`, those it `skipped` (by reason), and a
    summary such as "3 accounts reassigned to Dana; 1 skipped: already Dana's"."""

    done: str  # what was done to the changed ones: "reassigned to Dana"
    changed: list = field(default_factory=list)
    skipped: dict[str, list] = field(default_factory=dict)
    noun: tuple[str, str] = ("account", "accounts")

    @property
    def summary(self) -> str:
        one, many = self.noun
        count = len(self.changed)
        parts = [f"{count} {one if count == 1 else many} {self.done}"]
        parts += [f"{len(items)} skipped: {reason}" for reason, items in self.skipped.items()]
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class BulkAction:
    """An action of the account list's action bar. `form`: the fields it asks for besides the
    accounts (built with `user=`), whose cleaned data `run` receives; with `takes_owners`, the
    bar builds its blank form with the owners the list's filters already read (`owners=`)."""

    key: str
    label: str
    run: Callable[..., BulkOutcome]
    form: type[forms.Form] | None = None
    order: int = 100
    takes_owners: bool = False


_registered: dict[str, BulkAction] = {}


def register_bulk_action(action: BulkAction) -> None:
    _registered[action.key] = action


@functools.cache
def _discover() -> None:
    autodiscover_modules("bulk_actions")


def bulk_actions() -> dict[str, BulkAction]:
    """Every action of the account list, in the order of the action bar."""
    _discover()
    return dict(sorted(_registered.items(), key=lambda item: (item[1].order, item[0])))


def _held(accounts: list[Account]) -> list[Account]:
    """The accounts as stored, their rows held until the transaction ends: one query."""
    pks = [account.pk for account in accounts]
    held = Account.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk")
    return list(held.select_related("team"))


def _saved(changed: list[Account], fields: list[str], by: User | None, reason: str) -> None:
    """Write these fields and the next version of each changed account, with one history row
    each (who and why), then ask for their recompute once."""
    if not changed:
        return
    for account in changed:
        account.version += 1
    bulk_update_with_history(
        changed, Account, [*fields, "version"], default_user=by, default_change_reason=reason
    )
    account_changed.send(sender=Account, account_ids=[account.pk for account in changed])


def _names(accounts: list[Account]) -> str:
    names = sorted(account.name for account in accounts)
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def accounts_reassign(*, accounts: list[Account], owner: User, by: User | None = None):
    """Give these accounts to `owner`, who must be an active member or the manager of each
    account's team: ValidationError on `owner` naming the accounts otherwise, and nothing is
    written. An account already theirs is skipped."""
    owners_teams = set(
        Team.objects.filter(Q(members=owner) | Q(manager=owner)).values_list("pk", flat=True)
    )
    with transaction.atomic():
        held = _held(accounts)
        outside = [account for account in held if account.team_id not in owners_teams]
        if not owner.is_active or outside:
            raise ValidationError(
                {
                    "owner": f"{owner} is not in the team of {_names(outside)}."
                    if owner.is_active
                    else f"{owner} no longer works here."
                }
            )
        outcome = BulkOutcome(done=f"reassigned to {owner}")
        for account in held:
            if account.owner_id == owner.pk:
                outcome.skipped.setdefault(f"already {owner}’s", []).append(account)
            else:
                account.owner = owner
                outcome.changed.append(account)
        _saved(outcome.changed, ["owner"], by, "Reassigned from the account list")
    return outcome


ARCHIVING_REFUSED = (
    "Archiving and restoring are actions of their own (managers and admins, one account at a"
    " time): not a bulk status change."
)


def accounts_status_set(*, accounts: list[Account], status: str, by: User | None = None):
    """Give these accounts the lifecycle `status`, as a profile edit would. Archiving and
    restoring stay actions of their own, as the API says: a status of archived, or an archived
    account among them, refuses the whole change (ValidationError on `status`), and nothing is
    written. An account already in `status` is skipped. Each change is an
    account.status_changed event."""
    labels = dict(Account.Status.choices)
    if status not in labels:
        raise ValidationError({"status": "Choose a lifecycle status."})
    if status == Account.Status.ARCHIVED:
        raise ValidationError({"status": ARCHIVING_REFUSED})
    with transaction.atomic():
        held = _held(accounts)
        archived = [account for account in held if account.status == Account.Status.ARCHIVED]
        if archived:
            raise ValidationError({"status": f"{ARCHIVING_REFUSED} Archived: {_names(archived)}."})
        label = labels[status].lower()
        outcome = BulkOutcome(done=f"now {label}")
        before = {}
        for account in held:
            if account.status == status:
                outcome.skipped.setdefault(f"already {label}", []).append(account)
            else:
                before[account.pk] = account.status
                account.status = status
                outcome.changed.append(account)
        _saved(outcome.changed, ["status"], by, "Status changed from the account list")
        status_changes_record({pk: (was, status) for pk, was in before.items()})
    return outcome
