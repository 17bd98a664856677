"""Operations on accounts."""

from django.db import transaction

from accounts.models import Account
from core.versions import edit_save
from relationships.recompute import recompute_request


def account_update(*, form, version: int) -> Account:
    """Save a valid profile form edited from `version` of the account: EditConflict if someone
    saved the account since (its history row records who changed what). Seats feed the gap's
    usage factor and ARR and cost the quadrant: the scores are recomputed once it commits."""
    with transaction.atomic():
        account = edit_save(form, seen=version)
        recompute_request(account_ids=[account.pk])
    return account
