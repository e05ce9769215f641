from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prescriptions.starter_templates import DEFAULT_TEMPLATES, TemplateFileError, load_templates


class Command(BaseCommand):
    help = "Load the shared starter program templates (updates by slug, all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_TEMPLATES)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            count = load_templates(file)
        except TemplateFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(self.style.SUCCESS(f"{count} starter templates loaded from {file}."))
