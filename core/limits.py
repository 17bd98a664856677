"""Limits every writer of a row meets: how far back and ahead a date may lie, and how long free
text may be. Model fields carry them as validators, so forms meet them through model validation;
the CSV import reads the same validators off the fields (dataio.cells)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst

EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_PLANNED_DAY = dt.date(2099, 12, 31)
CLOCK_SKEW = dt.timedelta(minutes=5)  # how far ahead of the server's clock "now" may run
# An aware moment from this one on falls on EARLIEST_DAY or later in every time zone (no offset
# reaches a day), so its local day need not be worked out (a backfill checks every message).
_SURELY_AFTER_EARLIEST = dt.datetime.combine(
    EARLIEST_DAY + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC
)
TEXT_LIMIT = 5000


def day_text(day: dt.date) -> str:
    """A day as the pages show it: 1 Jan 2000."""
    return f"{day.day} {day:%b %Y}"


@deconstructible
class DayRange:
    """A date from 1 Jan 2000 to `end`: "today" (a day that has come), "now" (a date and time
    that has come, give or take CLOCK_SKEW) or "planned" (a renewal or a due date, up to the end
    of 2099). `rule` says it in words, for a form's field error and an import's row error."""

    ENDS = {"today": "today", "now": "now", "planned": day_text(LATEST_PLANNED_DAY)}

    def __init__(self, end: str):
        self.end = end

    @property
    def rule(self) -> str:
        return f"between {day_text(EARLIEST_DAY)} and {self.ENDS[self.end]}"

    def latest(self, now: dt.datetime) -> dt.date | dt.datetime:
        if self.end == "now":
            return now + CLOCK_SKEW
        return timezone.localdate(now) if self.end == "today" else LATEST_PLANNED_DAY

    def allows(self, value: dt.date | dt.datetime, now: dt.datetime) -> bool:
        """Whether `value` is in range at `now` (an import checks every row at its start)."""
        if (
            isinstance(value, dt.datetime)
            and timezone.is_aware(value)
            and value >= _SURELY_AFTER_EARLIEST
        ):
            return value <= self.latest(now)
        day = timezone.localdate(value) if isinstance(value, dt.datetime) else value
        return day >= EARLIEST_DAY and value <= self.latest(now)

    def __call__(self, value: dt.date | dt.datetime) -> None:
        if not self.allows(value, timezone.now()):
            raise ValidationError(f"{capfirst(self.rule)}.", code="day_range")

    def __eq__(self, other) -> bool:
        return isinstance(other, DayRange) and other.end == self.end


def day_range(field: models.Field) -> DayRange | None:
    """The DayRange a model field is checked against, if any."""
    return next((check for check in field.validators if isinstance(check, DayRange)), None)


def date_inputs_bounded(form, model: type[models.Model]) -> None:
    """Give the date inputs of a form of `model` the `min` and `max` its fields allow, so that
    a date picker offers those days only."""
    now = timezone.localtime()
    for field in model._meta.concrete_fields:
        limits = day_range(field)
        if limits is None or field.name not in form.fields:
            continue
        attrs, latest = form.fields[field.name].widget.attrs, limits.latest(now)
        if isinstance(latest, dt.datetime):
            attrs.update(min=f"{EARLIEST_DAY}T00:00", max=f"{latest:%Y-%m-%dT%H:%M}")
        else:
            attrs.update(min=EARLIEST_DAY.isoformat(), max=latest.isoformat())


def bounded_text(**options) -> models.TextField:
    """Optional free text of at most TEXT_LIMIT characters: the help text says so, the form's
    textarea has the maxlength, and the model checks it (a TextField's max_length alone only
    reaches the form)."""
    return models.TextField(
        blank=True,
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
        help_text=f"Up to {TEXT_LIMIT:,} characters.",
        **options,
    )
