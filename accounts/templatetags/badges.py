from django import template

from accounts import badges

register = template.Library()
register.simple_tag(badges.status_badge)
register.simple_tag(badges.threading_badge)
