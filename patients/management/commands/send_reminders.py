"""Send the reminder emails that are due now. Run every few minutes (docker-compose.yml does).

Safe to run as often as you like, twice at once, and after a crash: see patients.reminders.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from patients.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Email each patient whose reminder time has come and whose session is still open."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_due_reminders()
        self.stdout.write(
            f"Reminder emails: {result.sent} sent, {result.failed} failed, "
            f"{result.skipped} skipped; {result.patients} patients checked."
        )
        if result.failed:
            # A non-zero exit shows up in monitoring; failed emails are retried on the next run.
            raise CommandError(
                f"{result.failed} reminder email(s) could not be sent "
                f"({', '.join(sorted(set(result.errors)))}); they are retried on the next run."
            )
