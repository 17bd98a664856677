"""Operations on accounts."""

from django.db import transaction

from accounts.models import Account


def account_update(*, form) -> Account:
    """Save a valid profile form (its history row records who changed what)."""
    with transaction.atomic():
        return form.save()
