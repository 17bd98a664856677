"""One write per form render. Each form that writes draws a fresh random key into a hidden field;
its write records the key in the same transaction, under a unique constraint, so a second
submission of the same render (a double click, a resent request) writes nothing and is answered
as the first one was. A second submission sent while the first is still being written waits for
it to commit, then finds its key.

The page cache (core.pagecache) gives each copy of a page it serves keys of its own.
"""

import contextlib
import datetime as dt
import uuid
from contextvars import ContextVar

from django import forms
from django.db import connection
from django.utils import timezone

from core.models import SubmissionKey

KEEP = dt.timedelta(days=1)  # nobody resends a form older than this
_drawn: ContextVar[list[str] | None] = ContextVar("submission_keys_drawn", default=None)


def submission_key_new() -> uuid.UUID:
    key = uuid.uuid4()
    if (drawn := _drawn.get()) is not None:
        drawn.append(str(key))
    return key


@contextlib.contextmanager
def submission_keys_drawn():
    """Collect, as text, the keys of the forms rendered inside this block."""
    token = _drawn.set([])
    try:
        yield _drawn.get()
    finally:
        _drawn.reset(token)


class SubmissionKeyForm(forms.Form):
    """Mixin for a form whose submission writes: each render carries a key of its own. A form
    sent without a key counts as a render of its own (a client can always send two keys)."""

    submission_key = forms.UUIDField(
        widget=forms.HiddenInput, initial=submission_key_new, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if self.has_error("submission_key"):
            self.add_error(None, "This form is damaged: reload the page and fill it in again.")
        return cleaned


class AlreadySubmitted(Exception):
    """The form render was submitted before; `answer` is the address its first submission led
    to ("" if it led nowhere but its own page)."""

    def __init__(self, answer: str):
        super().__init__(answer)
        self.answer = answer


def submission_claim(*, key: uuid.UUID | None, user) -> SubmissionKey:
    """Record a submitted form's key, inside the transaction of the write it guards, so that both
    are committed or neither. Raises AlreadySubmitted if the key was recorded before."""
    claimed = submission_claimed(key=key, user=user)
    if claimed is None:
        raise AlreadySubmitted(SubmissionKey.objects.get(key=key, user=user).answer)
    return claimed


def submission_claimed(*, key: uuid.UUID | None, user) -> SubmissionKey | None:
    """submission_claim, answering None rather than raising if the key was recorded before: one
    INSERT ... ON CONFLICT DO NOTHING, which leaves the transaction usable without a savepoint."""
    claimed = SubmissionKey(key=key or uuid.uuid4(), user=user)
    fields = [field for field in SubmissionKey._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SubmissionKey._meta.db_table}"
            f" ({', '.join(field.column for field in fields)})"
            f" VALUES ({', '.join(['%s'] * len(fields))})"
            f" ON CONFLICT DO NOTHING RETURNING {SubmissionKey._meta.pk.column}",
            [field.get_db_prep_save(field.pre_save(claimed, True), connection) for field in fields],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    claimed.pk = row[0]
    claimed._state.adding = False
    claimed._state.db = connection.alias
    return claimed


def submission_answer(*, key: uuid.UUID | None, user) -> str | None:
    """Where the first submission of a form led, or None if it was not submitted before. Ask
    before checking what that submission changed (a campaign's audience, since invited); under
    concurrency `submission_claim` decides."""
    found = SubmissionKey.objects.filter(key=key, user=user).values_list("answer", flat=True)
    return found.first()


def submission_keys_forget() -> int:
    """Delete the keys older than a day; returns how many."""
    deleted, _ = SubmissionKey.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
