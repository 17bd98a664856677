"""Optimistic locking of the rows people edit in forms (core.models.Versioned).

An edit form carries, hidden, the version of the row its editor loaded. Saving it locks the row
and goes ahead only if nobody saved the row since; otherwise EditConflict names who saved it
last and what they changed (from the row's django-simple-history records), and nothing is
written. Every other save of such a row counts a version too: `version_next` for one row,
`F("version") + 1` in bulk SQL.
"""

from django import forms
from django.db import models


class EditConflict(Exception):
    """The row was saved after its editor loaded it; the message says by whom and what."""


class VersionedModelForm(forms.ModelForm):
    """A model form that edits a Versioned row carries the version its editor saw (a form that
    creates the row has none)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.has_error("version"):
            self.add_error(
                None, "This form is damaged: reload the page and make your change again."
            )
        return cleaned


def edit_save(form: VersionedModelForm, *, seen: int) -> models.Model:
    """Save a valid edit form as the next version of its row (see `version_claim`), inside the
    caller's transaction. Only the form's fields and the version are written: columns that
    other code keeps (scores, coverage flags) stay as they are."""
    instance = form.save(commit=False)
    version_claim(instance, seen=seen)
    columns = {field.name for field in instance._meta.concrete_fields}
    instance.save(
        update_fields=[*(name for name in form._meta.fields if name in columns), "version"]
    )
    _links_save(form, instance)
    return instance


def _links_save(form: VersionedModelForm, instance: models.Model) -> None:
    """The form's many-to-many fields saved (form.save_m2m), but without a query for one whose
    rows were read with the instance (prefetched) and that the form leaves as they were."""
    read = getattr(instance, "_prefetched_objects_cache", {})
    for field in instance._meta.many_to_many:
        if field.name not in form.cleaned_data:
            continue
        chosen = form.cleaned_data[field.name]
        if field.name in read and {row.pk for row in read[field.name]} == {r.pk for r in chosen}:
            continue
        getattr(instance, field.name).set(chosen)


def version_claim(instance: models.Model, *, seen: int) -> None:
    """Lock the row until the transaction ends; raise EditConflict if it is no longer at version
    `seen`, else count the save about to be made."""
    stored = _locked_version(instance)
    if stored != seen:
        raise EditConflict(_conflict_message(instance, seen, stored))
    instance.version = seen + 1


def version_next(instance: models.Model) -> None:
    """Lock the row until the transaction ends and count the save about to be made, for a save
    that no edit form asked for (a survey answer, marking someone as left, a move)."""
    instance.version = _locked_version(instance) + 1


def status_set(instance: models.Model, status: str) -> None:
    """Save a new `status` of a row as its next version, for a change no edit form made
    (archiving an account, marking someone as left, undoing either); in the caller's
    transaction. One UPDATE counts the version, locks the row and returns the new version."""
    instance.status = status
    instance.version = models.F("version") + 1
    instance.save(update_fields=["status", "version"])


def status_before(instance: models.Model, *, default: str) -> str:
    """The status the row had before its current one, as its history records it, or
    `default` when the history does not go back that far."""
    earlier = instance.history.exclude(status=instance.status).values_list("status", flat=True)
    return earlier.first() or default


def _locked_version(instance: models.Model) -> int:
    rows = type(instance)._default_manager.select_for_update(no_key=True).filter(pk=instance.pk)
    return rows.values_list("version", flat=True).get()


def _conflict_message(instance: models.Model, seen: int, stored: int) -> str:
    """Who saved version `stored` and which fields differ from version `seen`, as far as the
    history records them (a case reopened by detection, say, has no record)."""
    records = (
        instance.history.filter(version__in=[seen, stored])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    by_version = {record.version: record for record in records}  # the last of each version
    before, after = by_version.get(seen), by_version.get(stored)
    message = "Changed"
    if after and after.history_user:
        message += f" by {after.history_user}"
    message += " after you opened this form"
    if before and after:
        changed = [
            str(field.verbose_name)
            for field in after.tracked_fields
            if field.name != "version"
            and getattr(before, field.attname) != getattr(after, field.attname)
        ]
        message += f": {', '.join(changed)}" if changed else ""
    if after and after.history_change_reason:
        message += f" ({after.history_change_reason})"
    return (
        message + ". Nothing was saved; the form shows the current values: make your change again."
    )
