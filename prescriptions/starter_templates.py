"""Shared starter templates, loaded from prescriptions/data/templates.json by slug.

A template's name, audience and description hold each language side by side, as the exercise
catalogue does (``{"en": ..., "es": ..., "de": ...}``; a plain string is English).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.catalogue import english_text, read_texts, store_texts, stored_texts
from exercises.models import Exercise
from prescriptions.models import ITEM_VALUE_FIELDS, ProgramTemplate, ProgramTemplateItem

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "data" / "templates.json"
# A template's texts, in every language.
TRANSLATED_FIELDS = ("name", "audience", "description")


class TemplateFileError(Exception):
    pass


def _load_one(entry: dict[str, Any], exercises: dict[str, Exercise]) -> None:
    texts = {name: read_texts(entry.get(name), name) for name in TRANSLATED_FIELDS}
    english_text(texts["name"], "the name")
    template = ProgramTemplate.objects.filter(slug=entry["slug"], owner=None).first()
    if template is None:
        template = ProgramTemplate(slug=entry["slug"], owner=None)
    store_texts(template, "name", texts["name"])
    store_texts(template, "audience", texts["audience"], empty="")
    store_texts(template, "description", texts["description"], empty="")
    template.days_of_week = entry.get("days_of_week", [0, 1, 2, 3, 4, 5, 6])
    template.times_per_day = entry.get("times_per_day", 1)
    template.full_clean()
    template.save()
    template.items.all().delete()
    for position, raw in enumerate(entry["items"]):
        if raw.get("exercise") not in exercises:
            raise ValueError(f"unknown exercise {raw.get('exercise')!r}; load the catalogue first")
        item = ProgramTemplateItem(
            template=template,
            exercise=exercises[raw["exercise"]],
            position=position,
            **{name: raw[name] for name in ITEM_VALUE_FIELDS if raw.get(name) is not None},
        )
        item.full_clean()
        item.save()


def load_templates(path: Path = DEFAULT_TEMPLATES) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise TemplateFileError(f"{path}: {error}") from error
    exercises = {e.slug: e for e in Exercise.objects.shared()}
    entries = data.get("templates", []) if isinstance(data, dict) else []
    with transaction.atomic():
        for index, entry in enumerate(entries):
            where = f"{path}: template #{index + 1} ({entry.get('slug', '?')})"
            try:
                _load_one(entry, exercises)
            except ValidationError as error:
                raise TemplateFileError(f"{where}: {'; '.join(error.messages)}") from error
            except (KeyError, ValueError, TypeError) as error:
                raise TemplateFileError(f"{where}: {error}") from error
    return len(entries)


def templates_as_data() -> dict[str, Any]:
    """The shared templates' texts in the file's format, every language (for a round trip)."""
    return {
        "templates": [
            {
                "slug": template.slug,
                **{name: stored_texts(template, name) for name in TRANSLATED_FIELDS},
            }
            for template in ProgramTemplate.objects.filter(owner=None).order_by("slug")
        ]
    }
