"""The header's language switcher: Django's ``set_language``, remembered on the user's account."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from ..languages import remember_language


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        remember_language(request.user, language)
    return response
