"""Kinds of cell in an import file: each turns the text of a column into values or says why not.

A kind works on a whole column at once and converts each distinct text only once, so 100,000
rows that share a few hundred dates cost a few hundred date parses. Empty text means unknown.
"""

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import repeat
from operator import contains

from django.db.models import Choices, Model
from django.utils import timezone

from core.limits import DayRange, day_range
from dataio.formulas import unquote_formula

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
SIGNED_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
LARGEST_INTEGER = 2_147_483_647  # PositiveIntegerField on every database


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cell_text(cell: str) -> str:
    """A cell's text as the import reads it: without the spaces around it, nor the quote the
    export puts before a text that looks like a formula (dataio/formulas.py)."""
    return unquote_formula(cell.strip())


def shown(text: str) -> str:
    """A cell's text quoted for an error message, shortened when long."""
    return json.dumps(text if len(text) <= 40 else text[:40] + "…", ensure_ascii=False)


class Kind:
    """Text to value. Subclasses say what they expect and implement `convert`."""

    empty = None  # the value of an empty cell
    expected = "must be valid"

    def convert(self, text: str):
        raise NotImplementedError

    def fail(self, text: str):
        raise CellError(f"{self.expected}, got {shown(text)}")

    def converter(self, context) -> Callable[[str], object]:
        return self.convert

    def clean(self, texts: list[str], context) -> tuple[list, list[tuple[int, str]]]:
        """The values of a column and the (row index, message) of each bad cell in it."""
        convert = self.converter(context)
        converted = {"": self.empty}
        for text in set(texts) - {""}:
            try:
                converted[text] = convert(text)
            except CellError as error:
                converted[text] = error
        values = list(map(converted.__getitem__, texts))
        if not any(type(value) is CellError for value in converted.values()):
            return values, []
        errors = [(i, value.message) for i, value in enumerate(values) if type(value) is CellError]
        return values, errors

    def clean_cells(self, cells, context, *, required: bool = False):
        """`clean` of the cells as read, spaces around them included, for the kinds that convert
        each distinct text (not Text's): each distinct cell is read (`cell_text`) and converted
        once, so the column is gone through twice rather than three times (a column's 100,000
        strings lie far apart in memory). An empty cell of a required column is an error."""
        convert = self.converter(context)
        converted = {}
        for cell in set(cells):
            text = cell_text(cell)
            if not text:
                converted[cell] = REQUIRED if required else self.empty
                continue
            try:
                converted[cell] = convert(text)
            except CellError as error:
                converted[cell] = error
        values = list(map(converted.__getitem__, cells))
        if not any(type(value) is CellError for value in converted.values()):
            return values, []
        errors = [(i, value.message) for i, value in enumerate(values) if type(value) is CellError]
        return values, errors


REQUIRED = CellError("is required")  # the value of an empty cell in a required column


class Text(Kind):
    empty = ""

    def __init__(self, max_length: int | None):
        self.max_length = max_length  # None: any length (a TextField)

    @classmethod
    def of(cls, model: type[Model], field: str) -> "Text":
        return cls(model._meta.get_field(field).max_length)

    def clean(self, texts, context):
        limit = self.max_length
        errors = []
        if limit is not None and max(map(len, texts), default=0) > limit:
            errors = [
                (i, f"must be at most {limit} characters, got {len(text)}")
                for i, text in enumerate(texts)
                if len(text) > limit
            ]
        if any(map(contains, texts, repeat("\x00"))):
            errors += [
                (i, "must not contain NUL characters")
                for i, text in enumerate(texts)
                if "\x00" in text
            ]
        return texts, errors


class Email(Text):
    def __init__(self):
        super().__init__(254)

    def clean(self, texts, context):
        values, errors = super().clean(texts, context)
        errors += [
            (i, f"must be an email address, got {shown(text)}")
            for i, text in enumerate(texts)
            if text and not EMAIL.fullmatch(text)
        ]
        return values, errors


class Code(Kind):
    """One of a model's coded choices, written in lower snake case."""

    def __init__(self, choices: type[Choices], empty=None):
        self.codes = [value for value in choices.values if value]
        self.empty = empty
        listed = ", ".join(self.codes)
        self.expected = f"must be one of {listed}" + (" or empty" if empty == "" else "")

    def convert(self, text):
        return text if text in self.codes else self.fail(text)


class Whole(Kind):
    """A whole number from `low` to `high`; a sign (+1, -2) only where negatives are allowed."""

    def __init__(self, low: int = 0, high: int = LARGEST_INTEGER, empty: int | None = None):
        self.low, self.high, self.empty = low, high, empty
        if high == LARGEST_INTEGER:
            self.expected = f"must be a whole number of {low} or more"
        else:
            self.expected = f"must be a whole number from {low} to {high}"

    def convert(self, text):
        digits = text[1:] if self.low < 0 and text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
            self.fail(text)
        value = int(text)
        return value if self.low <= value <= self.high else self.fail(text)


class Amount(Kind):
    """A decimal number with at most `places` decimals and `digits` digits in all."""

    def __init__(self, *, digits: int = 14, places: int = 2, low=None, high=None):
        self.digits, self.places, self.low, self.high = digits, places, low, high
        if low is not None and high is not None:
            bounds = f" from {low} to {high}"
        elif low is not None:
            bounds = f" of {low} or more"
        else:
            bounds = ""
        self.expected = f"must be a number{bounds} with at most {places} decimals"

    def convert(self, text):
        if not NUMBER.fullmatch(text):
            self.fail(text)
        whole, _, fraction = text.lstrip("-").partition(".")
        if len(fraction) > self.places or len(whole.lstrip("0")) > self.digits - self.places:
            self.fail(text)
        value = Decimal(text)
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            self.fail(text)
        return value


class Ranged(Kind):
    """A date or a date and time; with `limits`, in their range when the import started (in
    the site's time zone). `of` takes the range from the model field the column is stored in,
    so that the import refuses what the forms refuse."""

    def __init__(self, *, limits: DayRange | None = None):
        self.limits = limits

    @classmethod
    def of(cls, model: type[Model], field: str):
        return cls(limits=day_range(model._meta.get_field(field)))

    def converter(self, context):
        limits, convert = self.limits, self.convert
        if limits is None:
            return convert

        def convert_in_range(text):
            value = convert(text)
            if not limits.allows(value, context.started):
                raise CellError(f"must be {limits.rule}, got {shown(text)}")
            return value

        return convert_in_range


class Day(Ranged):
    expected = "must be a date as YYYY-MM-DD"

    def convert(self, text):
        if not DATE.fullmatch(text):
            self.fail(text)
        try:
            return date.fromisoformat(text)
        except ValueError:
            return self.fail(text)


class Instant(Ranged):
    """An ISO 8601 date and time, with or without an offset (without one it is in the site's
    time zone, the TIME_ZONE setting), or a date (its midnight); the value is in UTC."""

    expected = (
        "must be a date and time as YYYY-MM-DDTHH:MM:SS, optionally with an offset such as"
        " +01:00 or Z, or a date as YYYY-MM-DD"
    )

    def convert(self, text):
        if not INSTANT.fullmatch(text):
            self.fail(text)
        try:
            value = datetime.fromisoformat(text)
            if value.tzinfo is None:
                value = timezone.make_aware(value, timezone.get_default_timezone())
            return value.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: before the year 1 in UTC
            return self.fail(text)


def instant_key(value: datetime) -> str:
    """A date and time written the same way whatever offset the file gave it: in UTC."""
    return value.astimezone(UTC).isoformat()


class Lookup(Kind):
    """A name that must match a row already in Rapport that the import may name; the value is
    that row's id. `missing(context)` is the message for a name not found, "{}" standing for
    it."""

    def __init__(
        self, table: Callable[[object], dict], missing: Callable[[object], str], normalize=str
    ):
        self.table, self.missing, self.normalize = table, missing, normalize

    def converter(self, context):
        ids, missing = self.table(context), self.missing(context)

        def convert(text):
            found = ids.get(self.normalize(text))
            if found is None:
                raise CellError(missing.format(shown(text)))
            return found

        return convert


class LookupList(Lookup):
    """Names of rows already in Rapport (as for Lookup) separated by ";", spaces around each
    ignored; the value is the sorted tuple of their distinct ids, an empty cell an empty tuple."""

    empty = ()

    def converter(self, context):
        one = super().converter(context)

        def convert(text):
            return tuple(sorted({one(part) for part in map(str.strip, text.split(";")) if part}))

        return convert


class Catalog(Kind):
    """The slug of a row of an admin catalog (channels, touchpoints, ...); the value is its id.

    The slugs are read from the table, so a catalog row an admin adds can be imported at once.
    """

    def __init__(self, model: type[Model]):
        self.model = model

    def converter(self, context):
        ids = context.slugs(self.model)
        expected = f"must be one of {', '.join(ids)}"

        def convert(text):
            found = ids.get(text)
            if found is None:
                raise CellError(f"{expected}, got {shown(text)}")
            return found

        return convert


class IdList(Kind):
    """External ids separated by ";" (spaces around each are ignored); the value is the sorted
    tuple of the distinct ids, and an empty cell is an empty tuple."""

    empty = ()

    def __init__(self, max_length: int):
        self.max_length = max_length
        self.expected = f'must be ids separated by ";", each at most {max_length} characters'

    def convert(self, text):
        ids = {part.strip() for part in text.split(";")} - {""}
        if any(len(part) > self.max_length for part in ids) or "\x00" in text:
            self.fail(text)
        return tuple(sorted(ids))


class ValueImpact(Kind):
    """Value a moment created or destroyed: `created`, `destroyed` or a signed amount (`+1200` or
    `1200` created 1,200, `-5000` destroyed 5,000). The value is (impact, amount or None)."""

    empty = ("", None)
    expected = (
        "must be created, destroyed or an amount other than 0 (1200 or +1200 created,"
        " -5000 destroyed) with at most 2 decimals"
    )

    def __init__(self, *, digits: int = 14, places: int = 2):
        self.amount = Amount(digits=digits, places=places, low=0)

    def convert(self, text):
        if text in ("created", "destroyed"):
            return text, None
        if not SIGNED_NUMBER.fullmatch(text):
            self.fail(text)
        try:
            amount = self.amount.convert(text.lstrip("+-"))
        except CellError:
            self.fail(text)
        if not amount:
            self.fail(text)
        return ("destroyed" if text.startswith("-") else "created"), amount
