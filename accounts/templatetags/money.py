from django import template
from django.conf import settings

from accounts import money as amounts

register = template.Library()


@register.filter
def money(value) -> str:
    """{{ account.arr|money }}: the amount in the organisation's CURRENCY."""
    return amounts.money(value, settings.CURRENCY)
