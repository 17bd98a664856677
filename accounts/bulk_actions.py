"""The account list's own bulk actions (accounts.bulk has the registry): reassign the owner,
change the lifecycle status, export the selection. The export answers a CSV file rather than
changing anything; the list's view handles it by its key."""

from accounts.bulk import BulkAction, accounts_reassign, accounts_status_set, register_bulk_action
from accounts.forms import BulkReassignForm, BulkStatusForm

EXPORT = "export"


def _reassign(*, user, accounts, owner):
    return accounts_reassign(accounts=accounts, owner=owner, by=user)


def _status(*, user, accounts, status):
    return accounts_status_set(accounts=accounts, status=status, by=user)


def _export(*, user, accounts):  # never run: the view answers the CSV report
    raise NotImplementedError


register_bulk_action(
    BulkAction(
        "reassign",
        "Reassign owner",
        run=_reassign,
        form=BulkReassignForm,
        order=10,
        takes_owners=True,
    )
)
register_bulk_action(
    BulkAction("status", "Change status", run=_status, form=BulkStatusForm, order=20)
)
register_bulk_action(BulkAction(EXPORT, "Export CSV", run=_export, order=90))
