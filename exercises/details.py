"""An exercise's instructions (steps and equipment), cached: the catalogue changes rarely and
is read on every patient's page.

Entries are keyed by the exercise's id and ``updated_at``, so saving an exercise (the admin,
``load_catalogue`` and the therapist's own-exercise form all save it) makes its old entry
unreachable at once; entries also expire after ``CACHE_SECONDS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from exercises.models import Exercise, ExerciseStep

CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class ExerciseDetails:
    steps: tuple[str, ...]
    equipment: tuple[str, ...]


def _key(exercise: Exercise) -> str:
    stamp = exercise.updated_at.timestamp() if exercise.updated_at else 0
    return f"exercise-details:{exercise.pk}:{stamp}"


def _load(exercise_ids: list[int]) -> dict[int, ExerciseDetails]:
    """Two queries: the steps, and the equipment, of all the exercises asked for."""
    steps: dict[int, list[str]] = defaultdict(list)
    for exercise_id, text in ExerciseStep.objects.filter(exercise_id__in=exercise_ids).values_list(
        "exercise_id", "text"
    ):
        steps[exercise_id].append(text)
    equipment: dict[int, list[str]] = defaultdict(list)
    for exercise_id, name in (
        Exercise.equipment.through.objects.filter(exercise_id__in=exercise_ids)
        .order_by("equipment__name")
        .values_list("exercise_id", "equipment__name")
    ):
        equipment[exercise_id].append(name)
    return {
        pk: ExerciseDetails(steps=tuple(steps[pk]), equipment=tuple(equipment[pk]))
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
