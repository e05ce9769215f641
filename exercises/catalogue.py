"""Reading and writing the shared catalogue as a JSON data file.

The file holds ``equipment`` and ``exercises`` (see exercises/data/catalogue.json). Loading is
keyed by slug: re-running updates, never duplicates. A malformed entry raises
:class:`CatalogueError` naming the file and the entry, and nothing is changed.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.models import (
    DEFAULT_MAX_HOLD_SECONDS,
    DEFAULT_MAX_REPS,
    DOSE_FIELDS,
    EXERCISE_FIELDS,
    Equipment,
    Exercise,
    ExerciseStep,
)

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"
# An entry's fields besides its slug, steps, equipment and default dose; ``max_reps`` and
# ``max_hold_seconds`` cap what a progression suggests for the exercise.
ENTRY_FIELDS = (
    *EXERCISE_FIELDS,
    "precaution_tips",
    "is_published",
    "max_reps",
    "max_hold_seconds",
)
# The file is the whole truth about an exercise's precautions and caps: an entry without them
# has none (or the default caps), so a conflict or cap taken out of the file is taken out of the
# database too.
ENTRY_DEFAULTS: dict[str, Any] = {
    "precaution_tags": [],
    "precaution_tips": {},
    "max_reps": DEFAULT_MAX_REPS,
    "max_hold_seconds": DEFAULT_MAX_HOLD_SECONDS,
}
REQUIRED_FIELDS = ("slug", "name", "steps", "body_region", "kind", "position", "default_dose")


class CatalogueError(Exception):
    pass


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    equipment: int


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{path}: cannot be read ({error}).") from error
    except json.JSONDecodeError as error:
        raise CatalogueError(f"{path}: not valid JSON ({error}).") from error
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), list):
        raise CatalogueError(f'{path}: expected an object with an "exercises" list.')
    return data


def _load_equipment(path: Path, entries: list[Any]) -> dict[str, Equipment]:
    by_slug: dict[str, Equipment] = {e.slug: e for e in Equipment.objects.all()}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("name"):
            raise CatalogueError(f"{path}: equipment #{index + 1} needs a slug and a name.")
        equipment, _ = Equipment.objects.update_or_create(
            slug=entry["slug"], defaults={"name": entry["name"]}
        )
        by_slug[equipment.slug] = equipment
    return by_slug


def _load_exercise(entry: dict[str, Any], equipment: dict[str, Equipment]) -> bool:
    """Create or update one exercise from its entry; True when it was created."""
    missing = [name for name in REQUIRED_FIELDS if entry.get(name) in (None, "", [])]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    steps = entry["steps"]
    if not isinstance(steps, list) or not all(isinstance(s, str) and s.strip() for s in steps):
        raise ValueError("steps must be a list of non-empty texts")
    dose = entry["default_dose"]
    if not isinstance(dose, dict) or set(dose) - set(DOSE_FIELDS):
        raise ValueError(f"default_dose may only hold {', '.join(DOSE_FIELDS)}")
    unknown_equipment = sorted(set(entry.get("equipment", [])) - set(equipment))
    if unknown_equipment:
        raise ValueError(f"unknown equipment {', '.join(unknown_equipment)}")

    exercise = Exercise.objects.filter(slug=entry["slug"], owner__isnull=True).first()
    created = exercise is None
    if exercise is None:
        if Exercise.objects.filter(slug=entry["slug"]).exists():
            raise ValueError("the slug belongs to a therapist's private exercise")
        exercise = Exercise(slug=entry["slug"])
    for name in ENTRY_FIELDS:
        if name in entry:
            setattr(exercise, name, entry[name])
        elif name in ENTRY_DEFAULTS:
            setattr(exercise, name, copy.copy(ENTRY_DEFAULTS[name]))
    for name in DOSE_FIELDS:
        setattr(exercise, name, dose.get(name, 1 if name == "sets" else None))
    for name, cap in (("reps", "max_reps"), ("hold_seconds", "max_hold_seconds")):
        value, most = getattr(exercise, name), getattr(exercise, cap)
        if isinstance(value, int) and isinstance(most, int) and value > most:
            raise ValueError(f"the default {name} ({value}) is above {cap} ({most})")
    exercise.full_clean()
    exercise.save()
    exercise.equipment.set([equipment[slug] for slug in entry.get("equipment", [])])
    exercise.steps.all().delete()
    ExerciseStep.objects.bulk_create(
        ExerciseStep(exercise=exercise, order=order, text=text.strip())
        for order, text in enumerate(steps, start=1)
    )
    return created


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> LoadResult:
    """Load the file into the shared catalogue, all or nothing."""
    data = _read(path)
    created = updated = 0
    with transaction.atomic():
        equipment = _load_equipment(path, data.get("equipment", []))
        for index, entry in enumerate(data["exercises"]):
            label = entry.get("slug") if isinstance(entry, dict) else None
            where = f"{path}: exercise #{index + 1}" + (f" ({label})" if label else "")
            if not isinstance(entry, dict):
                raise CatalogueError(f"{where}: expected an object.")
            try:
                was_created = _load_exercise(entry, equipment)
            except ValidationError as error:
                details = "; ".join(
                    f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
                raise CatalogueError(f"{where}: {details}") from error
            except (ValueError, TypeError, KeyError) as error:
                raise CatalogueError(f"{where}: {error}") from error
            created += was_created
            updated += not was_created
    return LoadResult(created=created, updated=updated, equipment=len(equipment))


def catalogue_as_data() -> dict[str, Any]:
    """The shared catalogue in the file format ``load_catalogue`` reads."""
    exercises = Exercise.objects.shared().prefetch_related("steps", "equipment").order_by("slug")
    return {
        "equipment": [{"slug": e.slug, "name": e.name} for e in Equipment.objects.order_by("slug")],
        "exercises": [
            {
                "slug": exercise.slug,
                **{name: getattr(exercise, name) for name in ENTRY_FIELDS},
                "steps": [step.text for step in exercise.steps.all()],
                "equipment": sorted(e.slug for e in exercise.equipment.all()),
                "default_dose": {name: getattr(exercise, name) for name in DOSE_FIELDS},
            }
            for exercise in exercises
        ],
    }


def dump_catalogue(path: Path) -> int:
    data = catalogue_as_data()
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(data["exercises"])
