"""An exercise's instructions (steps and equipment), cached: the catalogue changes rarely and
is read on every patient's page.

Entries are keyed by the exercise's id, ``updated_at`` and the reader's language, so saving an
exercise (the admin, ``load_catalogue`` and the therapist's own-exercise form all save it) makes
its old entries unreachable at once; entries also expire after ``CACHE_SECONDS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation
from modeltranslation.utils import resolution_order

from exercises.models import CATALOGUE_LANGUAGES, FALLBACK_LANGUAGE, Exercise, ExerciseStep

CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class ExerciseDetails:
    steps: tuple[str, ...]
    equipment: tuple[str, ...]
    # The language the steps and equipment are shown in: the reader's, unless one of them is
    # not translated yet (then the fallback's). A page marks them with it when it differs.
    language: str = FALLBACK_LANGUAGE


def _key(exercise: Exercise) -> str:
    stamp = exercise.updated_at.timestamp() if exercise.updated_at else 0
    return f"exercise-details:{exercise.pk}:{stamp}:{_active()}"


def _active() -> str:
    language = translation.get_language() or FALLBACK_LANGUAGE
    return language if language in CATALOGUE_LANGUAGES else FALLBACK_LANGUAGE


def _shown(texts: dict[str, str | None], order: tuple[str, ...]) -> tuple[str, str]:
    """The text in the first language of ``order`` that has it, and that language."""
    for language in order:
        if texts.get(language):
            return texts[language] or "", language
    return "", FALLBACK_LANGUAGE


def _load(exercise_ids: list[int]) -> dict[int, ExerciseDetails]:
    """Two queries: the steps, and the equipment, of all the exercises asked for, each in the
    reader's language or its fallback."""
    order = resolution_order(_active())
    languages: dict[int, set[str]] = defaultdict(set)
    steps: dict[int, list[str]] = defaultdict(list)
    step_columns = [f"text_{language}" for language in order]
    for exercise_id, *texts in ExerciseStep.objects.filter(
        exercise_id__in=exercise_ids
    ).values_list("exercise_id", *step_columns):
        text, language = _shown(dict(zip(order, texts, strict=True)), order)
        steps[exercise_id].append(text)
        languages[exercise_id].add(language)
    equipment: dict[int, list[str]] = defaultdict(list)
    name_columns = [f"equipment__name_{language}" for language in order]
    for exercise_id, *names in Exercise.equipment.through.objects.filter(
        exercise_id__in=exercise_ids
    ).values_list("exercise_id", *name_columns):
        name, language = _shown(dict(zip(order, names, strict=True)), order)
        equipment[exercise_id].append(name)
        languages[exercise_id].add(language)
    active = order[0]
    return {
        pk: ExerciseDetails(
            steps=tuple(steps[pk]),
            equipment=tuple(sorted(equipment[pk], key=str.casefold)),
            language=active
            if languages[pk] <= {active}
            else next(language for language in order[1:] if language in languages[pk]),
        )
        for pk in exercise_ids
    }


def details_for(exercises: Iterable[Exercise]) -> dict[int, ExerciseDetails]:
    """Steps and equipment by exercise id: from the cache, the rest in two queries."""
    by_key = {_key(exercise): exercise.pk for exercise in exercises}
    found = cache.get_many(list(by_key))
    details = {by_key[key]: value for key, value in found.items()}
    missing = sorted({pk for pk in by_key.values() if pk not in details})
    if missing:
        loaded = _load(missing)
        cache.set_many(
            {key: loaded[pk] for key, pk in by_key.items() if pk in loaded}, CACHE_SECONDS
        )
        details.update(loaded)
    return details
