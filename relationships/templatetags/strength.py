"""The CSM's rating of a relationship (1-5) as a badge, drawn by both template engines: the
people section's rows and a stakeholder's page."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def strength_badge(strength: int | None) -> SafeString:
    if not strength:
        return SafeString('<span class="text-body-secondary small">not rated</span>')
    return format_html(
        '<span class="badge strength-bg-{0}" title="The CSM\'s rating: {0} on the relationship'
        ' scale of 1 to 5">{0}</span>',
        strength,
    )
