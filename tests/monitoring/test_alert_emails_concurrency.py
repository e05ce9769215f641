"""Senders running at the same moment on PostgreSQL send each owed alert email exactly once.

Real threads, each with its own connection and transaction, released together (SQLite
serialises writers, so there is no race to show there).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from monitoring.notify import send_owed_alert_emails
from patients.models import Alert, AlertEmail
from tests.factories import PatientFactory, TherapistFactory
from tests.patients.test_concurrency import THREADS, all_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]

ALERTS = 4
TEAM = 2


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://rehabit.example.org"


def owed_emails() -> list[AlertEmail]:
    emails = []
    for _ in range(ALERTS):
        team = [TherapistFactory() for _ in range(TEAM)]
        patient = PatientFactory()
        patient.care_team.add(*team)
        alert = Alert.objects.create(patient=patient, kind="report", severity="urgent")
        emails += [
            AlertEmail.objects.create(alert=alert, severity="urgent", recipient=therapist)
            for therapist in team
        ]
    return emails


def test_simultaneous_senders_send_each_alert_email_once():
    emails = owed_emails()
    results, errors = all_at_once(lambda index: send_owed_alert_emails())
    assert errors == []
    assert len(results) == THREADS
    assert sum(result.sent for result in results) == len(emails)
    assert sum(result.failed for result in results) == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        email.recipient.email for email in emails
    )
    assert AlertEmail.objects.filter(sent_at__isnull=True).count() == 0
    assert set(AlertEmail.objects.values_list("attempts", flat=True)) == {1}
