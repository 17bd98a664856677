"""Kinds of cell in an import file: each turns the text of a column into values or says why not.

A kind works on a whole column at once and converts each distinct text only once, so 100,000
rows that share a few hundred dates cost a few hundred date parses. Empty text means unknown.
"""

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Choices, Model

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
LARGEST_INTEGER = 2_147_483_647  # PositiveIntegerField on every database


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
        values = [converted[text] for text in texts]
        errors = [(i, value.message) for i, value in enumerate(values) if type(value) is CellError]
        return values, errors


class Text(Kind):
    empty = ""

    def __init__(self, max_length: int):
        self.max_length = max_length

    @classmethod
    def of(cls, model: type[Model], field: str) -> "Text":
        return cls(model._meta.get_field(field).max_length)

    def clean(self, texts, context):
        limit = self.max_length
        errors = [
            (i, f"must be at most {limit} characters, got {len(text)}")
            for i, text in enumerate(texts)
            if len(text) > limit
        ]
        errors += [
            (i, "must not contain NUL characters") for i, text in enumerate(texts) if "\x00" in text
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
    def __init__(self, low: int = 0, high: int = LARGEST_INTEGER):
        self.low, self.high = low, high
        if high == LARGEST_INTEGER:
            self.expected = f"must be a whole number of {low} or more"
        else:
            self.expected = f"must be a whole number from {low} to {high}"

    def convert(self, text):
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
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


class Day(Kind):
    expected = "must be a date as YYYY-MM-DD"

    def convert(self, text):
        if not DATE.fullmatch(text):
            self.fail(text)
        try:
            return date.fromisoformat(text)
        except ValueError:
            return self.fail(text)


class Lookup(Kind):
    """A name that must match a row already in Rapport; the value is that row's id."""

    def __init__(self, table: Callable[[object], dict], missing: str, normalize=str):
        self.table, self.missing, self.normalize = table, missing, normalize

    def converter(self, context):
        ids = self.table(context)

        def convert(text):
            found = ids.get(self.normalize(text))
            if found is None:
                raise CellError(self.missing.format(shown(text)))
            return found

        return convert
