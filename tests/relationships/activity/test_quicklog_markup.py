"""The quick-log forms are drawn by `|form_fields` (core/templatetags/form_fields.py) with the
markup crispy's bootstrap5 pack gives them, blank and refused: the same labels, classes, errors
and help, whitespace apart."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

from core.templatetags.form_fields import form_fields
from relationships.activity.selectors import activity_choices
from relationships.activity.views import QUICKLOG_FORMS, quicklog_form
from tests.core.test_form_fields import drawn
from tests.factories import StakeholderFactory

pytestmark = pytest.mark.django_db
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def markup(html) -> str:
    """Drawn without whitespace, each form's own submission key blanked."""
    return UUID.sub("<key>", drawn(html))


@pytest.mark.parametrize("kind", sorted(QUICKLOG_FORMS))
@pytest.mark.parametrize("data", [None, {"summary": "x" * 5000, "sentiment": "9"}])
def test_a_quicklog_form_is_drawn_as_crispy_draws_it(org, kind, data):
    StakeholderFactory(account=org.account, name="Ada")
    prefixed = data and {f"{kind}-{name}": value for name, value in data.items()}

    def form():
        built = quicklog_form(kind, org.account, activity_choices(org.account), data=prefixed)
        built.is_valid()
        return built

    ours = form_fields(form())
    assert markup(ours) == markup(as_crispy_form(form()))
    if data:
        assert "invalid-feedback" in ours
