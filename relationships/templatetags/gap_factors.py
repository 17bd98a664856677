"""A gap's three factors on one happiness scale, drawn in Python: the gap board draws it on
each of its cards, which a template include with two loops over the marks drew several times
slower."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def factor_scale(marks) -> SafeString:
    """The scale from -1 (unhappy, x=10) to +1 (happy, x=210), with a lettered mark for each
    factor known (`relationships.gaps.selectors.factor_marks`), described for screen readers."""
    described = escape(", ".join(mark["describe"] for mark in marks))
    dots = "".join(
        f'<g class="factor factor-{mark["field"]}"><title>{escape(mark["describe"])}</title>'
        f'<circle cx="{mark["x"]}" cy="15" r="7"/>'
        f'<text x="{mark["x"]}" y="18.5" text-anchor="middle">{mark["letter"]}</text></g>'
        for mark in marks
        if mark["x"] is not None
    )
    return mark_safe(  # every text above is escaped or the selector's own
        f'<svg class="gap-factors" viewBox="0 0 220 30" role="img"'
        f' aria-label="{described} (−1 unhappy to +1 happy)">\n'
        '  <line class="axis" x1="10" y1="15" x2="210" y2="15"/>'
        '<line class="axis" x1="110" y1="7" x2="110" y2="23"/>\n'
        f"  {dots}\n</svg>\n"
    )
