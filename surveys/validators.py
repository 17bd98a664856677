"""Validators for text that ends up in a mail header."""

import unicodedata

from django.core.exceptions import ValidationError


def refuse_control_characters(value: str) -> None:
    """Line breaks, tabs and other control characters cannot be part of a name that goes into
    an email's From or Subject line."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            "Use letters, digits, spaces and punctuation only: no line breaks or tabs.",
            code="control_characters",
        )
