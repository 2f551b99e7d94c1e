"""The app's URLs plus the bare view ``make bench-web`` compares every page with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cxpillars.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No query, no template: what the stack costs by itself."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
