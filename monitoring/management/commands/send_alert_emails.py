"""Send the urgent-alert emails still owed to the care team. Run every few minutes, with the
reminders (docker-compose.yml does).

Each email is tried first straight after the report that raised its alert; this sends the ones
that failed there or whose process stopped. Safe to run as often as you like, twice at once
and after a crash: see monitoring.notify.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from monitoring.notify import send_owed_alert_emails


class Command(BaseCommand):
    help = "Email the care team about critical and urgent alerts whose email is still owed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_owed_alert_emails()
        self.stdout.write(
            f"Alert emails: {result.sent} sent, {result.failed} failed, "
            f"{result.given_up} given up, {result.skipped} skipped."
        )
        if result.failed or result.given_up:
            # A non-zero exit shows up in monitoring; failed emails are retried on the next run.
            raise CommandError(
                f"{result.failed} alert email(s) could not be sent "
                f"({', '.join(sorted(set(result.errors))) or 'none this run'}) and "
                f"{result.given_up} given up; the rest are retried on the next run."
            )
