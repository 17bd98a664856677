"""Responses to signed-in users: htmx requests whose session has expired get a full-page redirect
to login, not a fragment; nothing shown to a signed-in user is kept in a cache."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
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


class PrivateCacheControlMiddleware:
    """Responses to a signed-in user are stored by no cache, shared or the browser's, unless the
    view chose its own Cache-Control. (Static files are served before this runs.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
