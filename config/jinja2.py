"""The Jinja2 engine of the templates that draw many rows a page (`<app>/jinja2/`): a table's
rows, a board's cards. Django templates draw every page; a page hands its loop to one of these
with `{% jinja "name" key=value %}` (core.templatetags.jinja), which draws the same markup in a
fraction of the time a Django template loop takes over a few dozen rows.

The filters are Django's own where the Django templates use them (`date`, `floatformat`), plus
the app's (`money`), so both engines print a value the same way: `date` shows a date and time in
the current time zone first, as Django's templates do. `url_pattern` gives a URL's address with
{} for its key, reversed once for all the rows."""

from django.conf import settings
from django.template.defaultfilters import date, floatformat, stringformat, timesince_filter
from django.utils.timezone import template_localtime
from jinja2 import Environment

from accounts.badges import status_badge, threading_badge
from accounts.money import money
from core.paths import url_pattern
from relationships.templatetags.gap_factors import factor_scale
from relationships.templatetags.strength import strength_badge


def local_date(value, format_string=None) -> str:
    """Django's `date` filter as its templates apply it: an aware date and time in the current
    time zone first."""
    return date(template_localtime(value), format_string)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters.update(
        date=local_date,
        floatformat=floatformat,
        money=lambda value: money(value, settings.CURRENCY),
        stringformat=stringformat,
        timesince=timesince_filter,
    )
    env.globals.update(
        factor_scale=factor_scale,
        status_badge=status_badge,
        strength_badge=strength_badge,
        threading_badge=threading_badge,
        url_pattern=url_pattern,
    )
    return env
