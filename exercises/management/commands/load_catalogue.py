from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.catalogue import DEFAULT_CATALOGUE, CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "Load the shared exercise catalogue from a JSON file (updates by slug, all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_CATALOGUE)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            result = load_catalogue(file)
        except CatalogueError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogue loaded from {file}: {result.created} created, "
                f"{result.updated} updated, {result.equipment} equipment."
            )
        )
