"""The quadrant board's marks (trails, dots and their links), drawn in Python: a manager's board
holds a thousand accounts, which template loops draw many times slower."""

from html import escape  # Django's escape() without its lazy-string wrapper: names are str

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from accounts.money import money

register = template.Library()


@register.simple_tag
def board_marks(dots) -> SafeString:
    """Trails first, then the dots, then the links over them: a name shown on hover or focus
    is never hidden under another dot. Each link's title names the account once; the label
    shown beside a dot on hover or focus is drawn from that title when it is needed
    (static/js/rapport.js), not sent a thousand times hidden."""
    trails, circles, links = [], [], []
    currency = settings.CURRENCY
    for dot in dots:
        cx, cy, r, item = dot.cx, dot.cy, dot.r, dot.item
        if dot.trail:
            x, y = dot.trail
            trails.append(
                f'<line class="board-trail" x1="{x}" y1="{y}" x2="{cx}" y2="{cy}"/>'
                f'<circle class="board-was" cx="{x}" cy="{y}" r="3"/>'
            )
        circles.append(
            f'<circle class="board-dot quadrant-{dot.placement.quadrant}"'
            f' cx="{cx}" cy="{cy}" r="{r}"/>'
        )
        # happiness as |stringformat:"+.2f", margin as {% widthratio margin 1 100 %}; the
        # title escaped whole, in one call: its name and amount are the only text it holds
        title = escape(
            f"{item.name}: happiness {item.happiness:+.2f}, margin {round(item.margin * 100)} %,"
            f" ARR {money(item.arr, currency)}"
        )
        links.append(
            f'<a class="board-link" href="{item.href}"><title>{title}</title>'
            f'<circle class="board-hit" cx="{cx}" cy="{cy}" r="{r}"/></a>'
        )
    return mark_safe("".join(trails + circles + links))  # every text above is escaped
