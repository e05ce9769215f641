"""Telling the care team at once: critical and urgent alerts are emailed to every therapist
on the patient's care team, once per alert and per severity it reaches (DESIGN §5).

The email holds no name, pain or symptom, only a link to the alert behind the login. Each
email is recorded (``AlertEmail``) before it goes out, so a retry or a second writer finds the
row instead of sending again; a failed send is kept as failed, for the admin to see.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from patients.models import EMAILED_SEVERITIES, Alert, AlertEmail, Severity

logger = logging.getLogger(__name__)

SUBJECTS = {
    Severity.CRITICAL: "Rehabit: a critical alert needs you now",
    Severity.URGENT: "Rehabit: an urgent alert needs you today",
}


def email_care_team_on_commit(alert: Alert) -> None:
    """Send the alert's emails once the report that raised it is safely stored."""
    alert_id = alert.pk
    transaction.on_commit(lambda: send_alert_emails(alert_id=alert_id))


def alert_link(alert: Alert) -> str:
    return settings.SITE_URL + reverse("monitoring:patient_progress", args=[alert.patient_id])


def alert_email_body(alert: Alert) -> str:
    return (
        "A patient on your care team sent a pain report that needs you "
        f"({alert.get_severity_display().lower()}).\n\n"
        f"Log in to see it: {alert_link(alert)}\n\n"
        "For privacy, this email does not say who it is or what they reported.\n"
    )


def send_alert_emails(*, alert_id: int) -> int:
    """Email each therapist on the care team about the alert at its current severity, once.

    Returns how many emails went out now.
    """
    alert = Alert.objects.select_related("patient").filter(pk=alert_id).first()
    if alert is None or alert.severity not in EMAILED_SEVERITIES:
        return 0
    sent = 0
    for therapist in alert.patient.care_team.exclude(email="").filter(is_active=True):
        try:
            with transaction.atomic():
                record = AlertEmail.objects.create(
                    alert=alert, severity=alert.severity, recipient=therapist
                )
        except IntegrityError:
            continue  # already sent, or being sent, at this severity
        message = EmailMessage(
            subject=SUBJECTS[Severity(alert.severity)],
            body=alert_email_body(alert),
            to=[therapist.email],
        )
        try:
            message.send()
        except Exception:  # the mail server's error: kept as failed, never lost silently
            logger.exception("Alert email %s could not be sent", record.pk)
            AlertEmail.objects.filter(pk=record.pk).update(failed=True)
            continue
        AlertEmail.objects.filter(pk=record.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
