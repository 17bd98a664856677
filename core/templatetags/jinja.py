from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **context) -> SafeString:
    """{% jinja "accounts/account_rows.html" accounts=page.object_list %}: the Jinja2 template
    (config/jinja2.py) drawn with these values alone, for a page's long loops."""
    rendered = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(rendered)  # Jinja2 escaped every value it printed (autoescape)
