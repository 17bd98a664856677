"""Rapport's URLs and /hello/, the smallest response Django can give: the load test's yardstick."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("hello/", hello), path("", include("config.urls"))]
