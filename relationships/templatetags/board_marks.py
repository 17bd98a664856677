"""The quadrant board's marks (trails, dots and their links), drawn in Python: a manager's board
holds a thousand accounts, which template loops draw many times slower."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.money import money

register = template.Library()


def _percent(value) -> str:
    """As {% widthratio value 1 100 %}: a share as a whole percentage."""
    return str(round(float(value) * 100))


_SLOT = 918273645  # an account key no URL holds otherwise: its place in the account URL


def _account_url():
    """The account page's URL pattern with a {} for the key, reversed once per board."""
    return reverse("account_detail", args=[_SLOT]).replace(str(_SLOT), "{}")


@register.simple_tag
def board_marks(dots) -> SafeString:
    """Trails first, then the dots, then the links over them: a name shown on hover or focus
    is never hidden under another dot."""
    trails, circles, links = [], [], []
    account_url = _account_url()
    for dot in dots:
        if dot.trail:
            x, y = dot.trail
            trails.append(
                f'<line class="board-trail" x1="{x}" y1="{y}" x2="{dot.cx}" y2="{dot.cy}"/>'
                f'<circle class="board-was" cx="{x}" cy="{y}" r="3"/>'
            )
        circles.append(
            f'<circle class="board-dot quadrant-{dot.placement.quadrant}"'
            f' cx="{dot.cx}" cy="{dot.cy}" r="{dot.r}"/>'
        )
        item = dot.item
        name = escape(item.name)
        happiness = f"{float(item.happiness):+.2f}"  # as |stringformat:"+.2f"
        margin = _percent(item.margin)
        tip_x, anchor = dot.tip
        links.append(
            f'<a class="board-link" href="{account_url.format(item.key)}">'
            f"<title>{name}: happiness {happiness}, margin {margin} %,"
            f" ARR {escape(money(item.arr, settings.CURRENCY))}</title>"
            f'<circle class="board-hit" cx="{dot.cx}" cy="{dot.cy}" r="{dot.r}"/>'
            f'<text class="board-tip" x="{tip_x}" y="{dot.cy}" dy="4" text-anchor="{anchor}"'
            f' aria-hidden="true">{name} · {happiness} · {margin} %</text></a>'
        )
    return mark_safe("".join(trails + circles + links))  # every text above is escaped
