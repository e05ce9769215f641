from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outcomes.definitions import MeasureError
from outcomes.loading import SHIPPED_MEASURES, load_measures


class Command(BaseCommand):
    help = (
        "Load outcome measures (questionnaires) from JSON data files: a folder of them or one "
        "file (updates by code, all or nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("location", nargs="?", type=Path, default=SHIPPED_MEASURES)

    def handle(self, *args: Any, location: Path, **options: Any) -> None:
        try:
            result = load_measures(location)
        except MeasureError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Outcome measures loaded from {location}: {result.created} created, "
                f"{result.updated} updated."
            )
        )
