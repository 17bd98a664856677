"""Form helpers with no domain knowledge."""

from django import forms
from django.core.exceptions import ValidationError


def offer(field, objects, empty_label: str | None = None) -> None:
    """Give a model choice field its options from rows already loaded: no query at render."""
    options = [(obj.pk, str(obj)) for obj in objects]
    field.choices = options if empty_label is None else [("", empty_label), *options]


class Listed:
    """A model choice field whose options are rows already loaded (`listed`, pk -> row): the
    chosen rows are taken from them, not looked up again."""

    listed: dict = {}

    def list_rows(self, objects) -> None:
        self.listed = {str(obj.pk): obj for obj in objects}

    def listed_row(self, value):
        try:
            return self.listed[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ListedChoiceField(Listed, forms.ModelChoiceField):
    def to_python(self, value):
        return None if value in self.empty_values else self.listed_row(value)


class ListedMultipleChoiceField(Listed, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        return [self.listed_row(pk) for pk in dict.fromkeys(value)]
