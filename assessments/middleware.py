"""Request-body limit: an oversized request is refused from its Content-Length, unread."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .imports import MAX_FILE_BYTES

# No form of the app comes near this; only a signed-in user uploads files (imports).
MAX_BODY_BYTES = 1024 * 1024
# The largest import file plus room for the rest of the multipart form.
MAX_UPLOAD_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024


class RequestBodyLimitMiddleware:
    """Answer 413 before Django (or CSRF's check) reads a body larger than it may be.

    Anyone may send up to ``MAX_BODY_BYTES``; a signed-in user up to ``MAX_UPLOAD_BODY_BYTES``.
    A body without Content-Length is never read by Django under WSGI, so the header decides. The
    proxy in front should refuse the same sizes first (README: client_max_body_size).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body with an unreadable length either
        if length > MAX_BODY_BYTES and (
            length > MAX_UPLOAD_BODY_BYTES or not request.user.is_authenticated
        ):
            return render(request, "413.html", status=413)
        return self.get_response(request)
