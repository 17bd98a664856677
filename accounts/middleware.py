"""htmx requests whose session has expired get a full-page redirect to login, not a fragment."""

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = resolve_url(settings.LOGIN_URL)

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.htmx
            and response.status_code == 302
            and response.url.startswith(self.login_path)
        ):
            return HttpResponseClientRedirect(response.url)
        return response
