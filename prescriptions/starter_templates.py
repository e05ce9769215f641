"""Shared starter templates, loaded from prescriptions/data/templates.json by slug."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.models import Exercise
from prescriptions.models import ITEM_VALUE_FIELDS, ProgramTemplate, ProgramTemplateItem

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "data" / "templates.json"


class TemplateFileError(Exception):
    pass


def _load_one(entry: dict[str, Any], exercises: dict[str, Exercise]) -> None:
    template, _ = ProgramTemplate.objects.get_or_create(
        slug=entry["slug"], owner=None, defaults={"name": entry["name"]}
    )
    template.name = entry["name"]
    template.audience = entry.get("audience", "")
    template.description = entry.get("description", "")
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
