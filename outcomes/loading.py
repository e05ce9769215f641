"""Loading questionnaires from their data files into ``MeasureDefinition`` rows.

Each ``*.json`` file in a folder is one measure (see outcomes/definitions.py). Loading is keyed
by code: re-running updates, never duplicates; a malformed file raises :class:`MeasureError`
naming it, and nothing is changed. Answers keep the version they were given to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from outcomes.definitions import ORIGINAL_LANGUAGE, MeasureError, parse_measure
from outcomes.models import MeasureDefinition

SHIPPED_MEASURES = Path(__file__).resolve().parent / "data" / "measures"


@dataclass(frozen=True)
class Loaded:
    created: int
    updated: int


def read_files(paths: list[Path]) -> list[tuple[dict, str]]:
    """Each file's data with its checked title; every file is read before anything is saved."""
    read = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MeasureError(f"{path.name}: cannot be read as JSON ({error}).") from error
        measure = parse_measure(data, path.name)
        read.append((data, measure.text("title", ORIGINAL_LANGUAGE)))
    codes = [data["code"] for data, _title in read]
    if len(set(codes)) != len(codes):
        raise MeasureError("Two files give the same code.")
    return read


def measure_files(location: Path) -> list[Path]:
    if location.is_dir():
        return sorted(location.glob("*.json"))
    return [location]


@transaction.atomic
def load_measures(location: Path = SHIPPED_MEASURES) -> Loaded:
    """Load every measure file in a folder (or one file)."""
    files = measure_files(location)
    if not files:
        raise MeasureError(f"{location}: no measure files (*.json) found.")
    created = updated = 0
    for data, title in read_files(files):
        _row, was_created = MeasureDefinition.objects.update_or_create(
            code=data["code"],
            defaults={
                "version": data["version"],
                "title": title,
                "definition": data,
                "loaded_at": timezone.now(),
            },
        )
        created += was_created
        updated += not was_created
    return Loaded(created=created, updated=updated)
