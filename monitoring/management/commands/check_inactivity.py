"""Raise an alert for each patient who missed their due sessions three scheduled days running.

Safe to run any number of times (for example hourly from cron): a patient has at most one
open inactivity alert, and the same missed days never alert twice. See
``monitoring.inactivity`` for the rule.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from monitoring.inactivity import raise_inactivity_alerts


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: “{value}” is not an ISO date and time.") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Alert care teams about patients who missed three scheduled days of exercises running."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=_moment,
            help="Check as of this moment (ISO 8601, e.g. 2026-03-09T07:00+01:00); default: now.",
        )

    def handle(self, *args: Any, now: datetime.datetime | None = None, **options: Any) -> None:
        result = raise_inactivity_alerts(now=now)
        raised = len(result.raised)
        self.stdout.write(
            f"Checked {result.checked} patient{'s' if result.checked != 1 else ''} with an "
            f"active program: {raised} new inactivity alert{'s' if raised != 1 else ''}."
        )
