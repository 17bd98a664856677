"""`{{ form|form_fields }}`: a form drawn as `{{ form|crispy }}` draws it with the bootstrap5
pack (the same markup: wrappers, labels, classes, errors and help), in Python rather than
through four templates a field: about a quarter of the cost of a section's form. Fields of a
kind this does not draw (radios, multiple checkboxes, files, multi-widgets) are drawn by crispy
itself."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CRISPY_DRAWS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput, forms.MultiWidget)


def _classes(widget, wanted: str) -> None:
    """The classes crispy's field tag gives the widget: its kind's name (unless its classes
    already contain it), then each of `wanted` it lacks."""
    kind = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = kind
    elif css.find(kind) == -1:
        css += f" {kind}"
    for name in wanted.split():
        if name not in css.split():
            css += f" {name}"
    widget.attrs["class"] = css


def _errors_and_help(field) -> str:
    parts = []
    if field.errors:
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                field.errors.field_id,
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
                ),
            )
        )
    if field.help_text:
        help_id = f'id="{conditional_escape(field.auto_id)}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {help_id}class="form-text">{field.help_text}</div>')  # as |safe
    return "".join(parts)


def _label(field, css: str) -> str:
    required = field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    target = f' for="{conditional_escape(field.id_for_label)}"' if field.id_for_label else ""
    return (
        f'<label{target} class="{css}{" requiredField" if required else ""}">'
        f"{conditional_escape(field.label)}"
        f"{asterisk}</label>"
    )


def _field(field) -> str:
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    if isinstance(widget, CRISPY_DRAWS):
        return as_crispy_field(field)
    invalid = " is-invalid" if field.errors else ""
    wrapper = conditional_escape(f"div_{field.auto_id}")
    extra = f" {field.css_classes()}" if field.css_classes() else ""
    if isinstance(widget, forms.CheckboxInput):
        _classes(widget, f"form-check-input{invalid}")
        return (
            f'<div class="mb-3"><div id="{wrapper}" class="form-check{extra}">'
            f"{field}{_label(field, 'form-check-label')}{_errors_and_help(field)}</div></div>"
        )
    _classes(
        widget, ("form-select" if isinstance(widget, forms.Select) else "form-control") + invalid
    )
    label = _label(field, "form-label") if field.label else ""
    return f'<div id="{wrapper}" class="mb-3{extra}">{label}{field}{_errors_and_help(field)}</div>'


@register.filter
def form_fields(form) -> SafeString:
    """The form's errors not tied to a field, then each field, as crispy draws them."""
    parts = []
    if form.non_field_errors():
        items = format_html_join("", "<li>{}</li>", ((error,) for error in form.non_field_errors()))
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>', items
            )
        )
    parts.extend(_field(field) for field in form)
    return mark_safe("".join(parts))  # every text above is escaped, help text as crispy's |safe
