"""Marking catalogue text that is not in the page's language, for screen readers.

``<h2{% lang_if_other exercise.text_language %}>{{ exercise.name }}</h2>`` adds
``lang="en"`` when a Spanish page shows an exercise not translated yet (or ``lang="es"`` for a
therapist's own exercise written in Spanish), and nothing when the text is the page's own.
"""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from exercises.models import CATALOGUE_LANGUAGES

register = template.Library()


@register.simple_tag
def lang_if_other(language: str) -> SafeString | str:
    if language in CATALOGUE_LANGUAGES and language != translation.get_language():
        return format_html(' lang="{}"', language)
    return ""
