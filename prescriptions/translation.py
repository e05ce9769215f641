"""Starter templates' text in every language (see exercises/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from prescriptions.models import ProgramTemplate


@register(ProgramTemplate)
class ProgramTemplateTranslation(TranslationOptions):
    fields = ("name", "description", "audience")
