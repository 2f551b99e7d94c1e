"""Request-body limit, and the signed-in user's remembered language."""

from django.conf import settings
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


class RememberedLanguageMiddleware:
    """Restore a signed-in user's chosen language (see ``assessments.languages``): sets the
    language cookie on the response to a sign-in when the user chose a language before; one query
    at sign-in (in the ``user_logged_in`` handler), none on other requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, "remembered_language", None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
