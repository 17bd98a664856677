"""Writing activity: interactions, moments, open items, pulse checks and competitor
ratings. Each write asks for the account's scores to be recomputed once it commits."""

from django.db import models, transaction
from django.utils import timezone

from core.idempotency import submission_claim
from relationships.models import OpenItem
from relationships.scoring.recompute import recompute_request


def activity_record(*, form, user) -> models.Model:
    """Save a valid quick-log form (interaction, moment, open item, pulse check or competitor
    rating), once per form render: AlreadySubmitted if this render was saved before."""
    with transaction.atomic():
        submission_claim(key=form.cleaned_data["submission_key"], user=user)
        item = form.save(commit=False)
        if form.author_field:
            setattr(item, form.author_field, user)
        item.save()
        form.save_m2m()
        recompute_request(account_ids=[item.account_id])
    return item


def open_item_close(*, item: OpenItem) -> OpenItem:
    """Close an open item today; closing a closed item changes nothing."""
    if item.closed_on is None:
        with transaction.atomic():
            item.closed_on = max(timezone.localdate(), item.opened_on)
            item.save(update_fields=["closed_on"])
            recompute_request(account_ids=[item.account_id])
    return item
