"""The form renderer: Jinja2 for the widgets Django ships Jinja2 templates of (the same HTML in
a fraction of the time on the app's form-heavy pages), Django templates for every other widget
template, such as the admin's related-object wrapper, which exists for Django templates only."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
