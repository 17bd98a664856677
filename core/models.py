"""Plumbing fields with no domain knowledge: a row's version."""

from django.db import models


class Versioned(models.Model):
    """A row people edit in forms; `version` counts its saves (optimistic locking: see
    core.versions). Columns only computed code writes (scores, flags) do not count."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
