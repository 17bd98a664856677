"""`|form_fields` draws a form as crispy's bootstrap5 pack draws it (`|crispy`), whitespace
apart: blank and with errors, every kind of field the sections' forms use, and the kinds it
hands to crispy."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms

from core.templatetags.form_fields import form_fields


class Everything(forms.Form):
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=20, help_text="Say <em>what</em> & why")
    due = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(required=False, label="How many <exactly>")
    kind = forms.ChoiceField(choices=[("a", "A & co"), ("b", "B")])
    small = forms.ChoiceField(
        choices=[("", "—"), ("x", "X")],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="I agree")
    maybe = forms.BooleanField(required=False, help_text="If you like")
    tone = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(
        choices=[("t", "T"), ("u", "U")], widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean(self):
        raise forms.ValidationError("Something about the whole <form>.")


def drawn(html) -> str:
    """The markup with its whitespace, which HTML does not show here, taken out."""
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r">\s+", ">", html)
    return re.sub(r"<label\s+", "<label ", re.sub(r"\s+<", "<", html)).strip()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"title": "x" * 30, "count": "many", "kind": "z", "tone": "up"},
        {"title": "Fine", "due": "2026-01-02", "kind": "a", "agree": "on", "tone": "up"},
    ],
    ids=["blank", "errors", "valid-but-form-error"],
)
def test_form_fields_draws_what_crispy_draws(data):
    ours, crispys = Everything(data), Everything(data)
    if data is not None:
        ours.is_valid()
        crispys.is_valid()

    assert drawn(form_fields(ours)) == drawn(as_crispy_form(crispys))


def test_form_fields_escapes_labels_errors_and_keeps_help_text_markup():
    form = Everything({"title": "x" * 30, "count": "many", "tone": "up"})
    form.is_valid()

    html = str(form_fields(form))

    assert "How many &lt;exactly&gt;" in html
    assert "Say <em>what</em> & why" in html  # help text is the form's own markup, as in crispy
    assert "Something about the whole &lt;form&gt;." in html
    assert 'class="textinput form-control is-invalid"' in html
