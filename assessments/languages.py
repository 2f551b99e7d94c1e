"""The six languages: which pillar texts exist in which language, what a survey can be offered
in, the wordings imports recognise, and the language a user chose."""

from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.utils import translation

from .models import GENERATION_SHORT_NAMES, Generation, LanguagePreference, Pillar
from .translation import PILLAR_TEXT_FIELDS

DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# What a customer reads; the survey is offered only in languages where all of it exists.
CUSTOMER_FIELDS = ("customer_label", "customer_question")


def _text(pillar: object, field: str, language: str) -> str:
    """The pillar's own text in ``language``, without falling back to English."""
    return (getattr(pillar, f"{field}_{language}", None) or "").strip()


def missing_texts(pillar: Pillar) -> dict[str, list[str]]:
    """Language code -> the text fields that have no translation (and so show English)."""
    missing: dict[str, list[str]] = {}
    for language in LANGUAGE_CODES:
        if language == DEFAULT_LANGUAGE:
            continue
        fields = [
            field
            for field in PILLAR_TEXT_FIELDS
            if _text(pillar, field, DEFAULT_LANGUAGE) and not _text(pillar, field, language)
        ]
        if fields:
            missing[language] = fields
    return missing


def customer_texts_complete(pillars: Iterable[Pillar], language: str) -> bool:
    return all(_text(p, field, language) for p in pillars for field in CUSTOMER_FIELDS)


def survey_languages(pillars: Sequence[Pillar]) -> list[tuple[str, str]]:
    """(code, name) of the languages a survey of these pillars can be offered in: those where
    every pillar has its customer wording, so a customer never meets a silent English fallback."""
    return [
        (code, str(name))
        for code, name in settings.LANGUAGES
        if customer_texts_complete(pillars, code)
    ]


def pick_language(candidates: Iterable[str | None], offered: Iterable[str]) -> str:
    """The first candidate that is offered; the default language when none is."""
    offered = list(offered)
    for candidate in candidates:
        if candidate and candidate in offered:
            return candidate
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in offered or not offered else offered[0]


def pillar_wordings(pillar: object) -> Iterator[str]:
    """Every name an import header may use for a pillar: its slug, then its name and customer
    label in each language (plain objects without per-language fields give their own)."""
    yield pillar.slug  # type: ignore[attr-defined]
    for field in ("name", "customer_label"):
        yield getattr(pillar, field)
        for language in LANGUAGE_CODES:
            text = _text(pillar, field, language)
            if text:
                yield text


def generation_wordings(generation: Generation) -> Iterator[str]:
    """A generation's long and short label in each language (e.g. "Babyboomer", "Gen Z")."""
    for language in LANGUAGE_CODES:
        with translation.override(language):
            yield str(generation.label)
            yield str(GENERATION_SHORT_NAMES[generation])


def remember_language(user, language: str) -> None:
    """Store a signed-in user's choice so their next sign-in, on any device, restores it."""
    if user.is_authenticated and language in LANGUAGE_CODES:
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


def restore_language(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the middleware sets the cookie on this response."""
    if request is None:
        return
    language = (
        LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    )
    if language:
        request.remembered_language = language
        translation.activate(language)
