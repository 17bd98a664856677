"""Operations on accounts."""

from django.db import transaction

from accounts.models import Account
from core.versions import edit_save


def account_update(*, form, version: int) -> Account:
    """Save a valid profile form edited from `version` of the account: EditConflict if someone
    saved the account since (its history row records who changed what)."""
    with transaction.atomic():
        return edit_save(form, seen=version)
