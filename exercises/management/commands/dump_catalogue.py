from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from exercises.catalogue import dump_catalogue


class Command(BaseCommand):
    help = "Write the shared exercise catalogue to a JSON file that load_catalogue reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        count = dump_catalogue(file)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} exercises to {file}."))
