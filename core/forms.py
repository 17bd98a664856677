"""Form helpers with no domain knowledge."""


def offer(field, objects, empty_label: str | None = None) -> None:
    """Give a model choice field its options from rows already loaded: no query at render."""
    options = [(obj.pk, str(obj)) for obj in objects]
    field.choices = options if empty_label is None else [("", empty_label), *options]
