"""Django's template engine, with a page's context let go as soon as the page is drawn.

A page drawn for a request gets a RequestContext, which keeps what the view gave it and what
the context processors add in ContextDicts, each referring back to the context
(django.template.context.ContextDict): a reference cycle. Everything the page was given (a
board's thousand dots, a list's rows, their forms and querysets) then outlives the request
until the garbage collector finds it, and the collector walks it all on the way. Emptying the
context once the page is drawn breaks the cycle: the page's data goes with the request, by
reference counting alone."""

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context


class DjangoTemplates(django_backend.DjangoTemplates):
    """The engine of settings.TEMPLATES: Django's, whose templates let their context go."""

    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts = []  # the cycle's link the context owns (a copy keeps its own list)
