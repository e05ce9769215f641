"""Reading and writing the shared catalogue as a JSON data file.

The file holds ``equipment`` and ``exercises`` (see exercises/data/catalogue.json). Loading is
keyed by slug: re-running updates, never duplicates. A malformed entry raises
:class:`CatalogueError` naming the file and the entry, and nothing is changed.

Every text a reader sees holds each language side by side, so a translator reads the English
next to their own: ``"name": {"en": "Bridge", "es": "Puente", "de": "Brücke"}``; each step
likewise; ``precaution_tips`` by condition, then by language; equipment names too. A plain
string is read as English. A language left out is a missing translation: the reader sees the
English and the admin lists the exercise under "needs translation".
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from exercises.illustrations import PoseError, validate_pose
from exercises.models import (
    CATALOGUE_LANGUAGES,
    DEFAULT_MAX_HOLD_SECONDS,
    DEFAULT_MAX_REPS,
    DOSE_FIELDS,
    EXERCISE_FIELDS,
    FALLBACK_LANGUAGE,
    Equipment,
    Exercise,
    ExerciseStep,
)

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"
# The poses each picture is drawn from, by slug, in a file of their own next to the catalogue
# (geometry, not words: translators and therapists reading the catalogue never need it).
POSES_FILE = "poses.json"
# An entry's fields besides its slug, steps, equipment and default dose; ``max_reps`` and
# ``max_hold_seconds`` cap what a progression suggests for the exercise.
ENTRY_FIELDS = (
    *(name for name in EXERCISE_FIELDS if name not in ("name", "summary", "precautions")),
    "is_published",
    "max_reps",
    "max_hold_seconds",
)
# The file is the whole truth about an exercise's precautions and caps: an entry without them
# has none (or the default caps), so a conflict or cap taken out of the file is taken out of the
# database too.
ENTRY_DEFAULTS: dict[str, Any] = {
    "precaution_tags": [],
    "max_reps": DEFAULT_MAX_REPS,
    "max_hold_seconds": DEFAULT_MAX_HOLD_SECONDS,
}
# The texts an entry holds in every language (besides its steps and precaution tips).
TRANSLATED_FIELDS = ("name", "summary", "precautions")
REQUIRED_FIELDS = ("slug", "name", "steps", "body_region", "kind", "position", "default_dose")


class CatalogueError(Exception):
    pass


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    equipment: int


Texts = dict[str, str]


def read_texts(value: object, what: str) -> Texts:
    """A text in each language: ``{"en": ..., "es": ..., "de": ...}``; a plain string is English."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {FALLBACK_LANGUAGE: value.strip()} if value.strip() else {}
    if isinstance(value, dict) and all(
        language in CATALOGUE_LANGUAGES and isinstance(text, str)
        for language, text in value.items()
    ):
        return {language: text.strip() for language, text in value.items() if text.strip()}
    raise ValueError(
        f"{what} must be a text or texts by language ({', '.join(CATALOGUE_LANGUAGES)})"
    )


def english_text(texts: Texts, what: str) -> str:
    if not texts.get(FALLBACK_LANGUAGE):
        raise ValueError(f"{what} needs its English text")
    return texts[FALLBACK_LANGUAGE]


def store_texts(instance: Any, field: str, texts: Texts, empty: Any = None) -> None:
    """Store a text's languages; a language left out stays empty (English is shown)."""
    for language in CATALOGUE_LANGUAGES:
        value = texts.get(language)
        setattr(instance, f"{field}_{language}", value if value else copy.copy(empty))


def stored_texts(instance: Any, field: str) -> Texts:
    """A translated field's languages as the file holds them: the empty ones left out."""
    texts = {}
    for language in CATALOGUE_LANGUAGES:
        value = getattr(instance, f"{field}_{language}", None)
        if value:
            texts[language] = value
    return texts


def _tips_by_language(value: object) -> dict[str, dict[str, str]]:
    """``{code: {language: tip}}`` from the file, as ``{language: {code: tip}}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("precaution_tips must map a condition code to its tip")
    by_language: dict[str, dict[str, str]] = {}
    for code, tip in value.items():
        texts = read_texts(tip, f"the {code} tip")
        english_text(texts, f"the {code} tip")
        for language, text in texts.items():
            by_language.setdefault(language, {})[code] = text
    return by_language


def _tips_as_data(exercise: Exercise) -> dict[str, Texts]:
    tips: dict[str, Texts] = {}
    for language in CATALOGUE_LANGUAGES:
        value = getattr(exercise, f"precaution_tips_{language}", None)
        for code, text in (value if isinstance(value, dict) else {}).items():
            if text:
                tips.setdefault(code, {})[language] = text
    # By code: PostgreSQL's jsonb keeps no key order, so the file's order is set here.
    return {code: tips[code] for code in sorted(tips)}


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
        try:
            if not isinstance(entry, dict) or not entry.get("slug"):
                raise ValueError("needs a slug")
            names = read_texts(entry.get("name"), "its name")
            english_text(names, "its name")
        except ValueError as error:
            raise CatalogueError(f"{path}: equipment #{index + 1} {error}.") from error
        equipment = by_slug.get(entry["slug"]) or Equipment(slug=entry["slug"])
        store_texts(equipment, "name", names)
        equipment.save()
        by_slug[equipment.slug] = equipment
    return by_slug


def _read_poses(path: Path) -> dict[str, Any]:
    """The poses next to the catalogue file, by slug (none when there is no such file)."""
    poses_path = path.with_name(POSES_FILE)
    if not poses_path.exists():
        return {}
    try:
        poses = json.loads(poses_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogueError(f"{poses_path}: cannot be read ({error}).") from error
    if not isinstance(poses, dict):
        raise CatalogueError(f"{poses_path}: expected an object of poses by exercise slug.")
    return poses


def _load_exercise(
    entry: dict[str, Any], equipment: dict[str, Equipment], pose: object = None
) -> bool:
    """Create or update one exercise from its entry; True when it was created."""
    if pose is not None:
        try:
            validate_pose(pose)
        except PoseError as error:
            raise ValueError(f"its picture's pose: {error}") from error
    missing = [name for name in REQUIRED_FIELDS if entry.get(name) in (None, "", [])]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if not isinstance(entry["steps"], list):
        raise ValueError("steps must be a list of texts")
    steps = [read_texts(step, f"step {number}") for number, step in enumerate(entry["steps"], 1)]
    for number, step in enumerate(steps, 1):
        english_text(step, f"step {number}")
    texts = {name: read_texts(entry.get(name), name) for name in TRANSLATED_FIELDS}
    english_text(texts["name"], "the name")
    tips = _tips_by_language(entry.get("precaution_tips"))
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
    store_texts(exercise, "name", texts["name"])
    store_texts(exercise, "summary", texts["summary"], empty="")
    store_texts(exercise, "precautions", texts["precautions"], empty="")
    for language in CATALOGUE_LANGUAGES:
        setattr(exercise, f"precaution_tips_{language}", tips.get(language, {}))
    for name in ENTRY_FIELDS:
        if name in entry:
            setattr(exercise, name, entry[name])
        elif name in ENTRY_DEFAULTS:
            setattr(exercise, name, copy.copy(ENTRY_DEFAULTS[name]))
    for name in DOSE_FIELDS:
        setattr(exercise, name, dose.get(name, 1 if name == "sets" else None))
    exercise.pose = pose
    for name, cap in (("reps", "max_reps"), ("hold_seconds", "max_hold_seconds")):
        value, most = getattr(exercise, name), getattr(exercise, cap)
        if isinstance(value, int) and isinstance(most, int) and value > most:
            raise ValueError(f"the default {name} ({value}) is above {cap} ({most})")
    exercise.full_clean()
    exercise.save()
    exercise.equipment.set([equipment[slug] for slug in entry.get("equipment", [])])
    exercise.steps.all().delete()
    new_steps = []
    for order, step in enumerate(steps, start=1):
        new_step = ExerciseStep(exercise=exercise, order=order)
        store_texts(new_step, "text", step)
        new_steps.append(new_step)
    ExerciseStep.objects.bulk_create(new_steps)
    return created


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> LoadResult:
    """Load the file into the shared catalogue, all or nothing."""
    data = _read(path)
    poses = _read_poses(path)
    slugs = {entry.get("slug") for entry in data["exercises"] if isinstance(entry, dict)}
    strays = sorted(set(poses) - slugs)
    if strays:
        raise CatalogueError(
            f"{path.with_name(POSES_FILE)}: poses for exercises not in the catalogue: "
            f"{', '.join(strays)}."
        )
    created = updated = 0
    with transaction.atomic():
        equipment = _load_equipment(path, data.get("equipment", []))
        for index, entry in enumerate(data["exercises"]):
            label = entry.get("slug") if isinstance(entry, dict) else None
            where = f"{path}: exercise #{index + 1}" + (f" ({label})" if label else "")
            if not isinstance(entry, dict):
                raise CatalogueError(f"{where}: expected an object.")
            try:
                was_created = _load_exercise(entry, equipment, poses.get(str(label)))
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
        "equipment": [
            {"slug": e.slug, "name": stored_texts(e, "name")}
            for e in Equipment.objects.order_by("slug")
        ],
        "exercises": [
            {
                "slug": exercise.slug,
                **{name: stored_texts(exercise, name) for name in TRANSLATED_FIELDS},
                "precaution_tips": _tips_as_data(exercise),
                **{name: getattr(exercise, name) for name in ENTRY_FIELDS},
                "steps": [stored_texts(step, "text") for step in exercise.steps.all()],
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
