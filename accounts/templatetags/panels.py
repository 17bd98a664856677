from django import template
from django.utils.html import format_html

from accounts import panels

register = template.Library()


@register.simple_tag
def refresh_on_change(panel: str, url: str) -> str:
    """{% refresh_on_change "gaps" url %} on a panel's outer element: it fetches itself again
    from `url`, its own address, when a write says it changed (accounts.panels)."""
    return format_html(
        'hx-get="{}" hx-trigger="{} from:body" hx-swap="outerHTML"', url, panels.event(panel)
    )
