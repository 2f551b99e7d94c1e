"""Which model texts exist once per language (django-modeltranslation registration)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Pillar

PILLAR_TEXT_FIELDS = ("name", "question", "description", "customer_label", "customer_question")


@register(Pillar)
class PillarTranslationOptions(TranslationOptions):
    fields = PILLAR_TEXT_FIELDS
