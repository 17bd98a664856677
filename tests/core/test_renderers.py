"""The form renderer draws a select in Python exactly as Django's Jinja2 templates draw it."""

import pytest
from django import forms
from django.forms.renderers import Jinja2

from core.renderers import FormRenderer

QUOTED = 'Tom & "Jerry" <o\'neil>'
SELECTS = {
    "plain": forms.Select(choices=[("", "—"), (1, "One"), (2, QUOTED)]),
    "attributes": forms.Select(
        attrs={"class": "form-select", "required": True, "disabled": False, "data-x": QUOTED},
        choices=[(1, "One")],
    ),
    "groups": forms.Select(
        choices=[("", "Any"), (QUOTED, [(1, "One"), (2, "Two")]), ("Later", [(3, "Three")])]
    ),
    "multiple": forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]),
    "yes or no": forms.NullBooleanSelect(),
    "empty": forms.Select(choices=[]),
}
VALUES = {
    "plain": "2",
    "attributes": None,
    "groups": "3",
    "multiple": ["1", "3"],
    "yes or no": True,
}


@pytest.mark.parametrize("name", SELECTS)
def test_select_drawn_in_python_is_the_jinja2_templates_markup(name):
    widget = SELECTS[name]
    value = VALUES.get(name)
    drawn = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=Jinja2())
    assert drawn == expected


def test_select_with_an_option_template_of_its_own_is_drawn_by_its_templates():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Marked(choices=[(1, "One")])
    drawn = widget.render("field", "1", renderer=FormRenderer())
    assert drawn == widget.render("field", "1", renderer=Jinja2())
    assert "<option" not in drawn
