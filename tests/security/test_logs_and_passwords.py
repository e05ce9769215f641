"""Application logs carry no pain score, note or password, and passwords are long enough."""

from __future__ import annotations

import datetime
import logging
import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from patients.models import Completion, PainReport
from patients.services import create_invitation

pytestmark = pytest.mark.django_db

NOTE = "Private-note-zq81: my left knee swelled after the wedding"
LOGIN_PASSWORD = "Wrong-login-secret-5527"
API_PASSWORD = "Wrong-api-secret-9931"
PAIN = 7
PAIN_PATTERN = re.compile(rf"pain\W{{0,6}}{PAIN}\b", re.IGNORECASE)
SECRETS = (NOTE, "zq81", LOGIN_PASSWORD, API_PASSWORD)


def record_texts(record: logging.LogRecord) -> list[str]:
    """Everything a handler could write out: the message, its arguments and any traceback."""
    texts = [record.getMessage(), str(record.msg), repr(record.args)]
    if record.exc_info:
        texts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        texts.append(record.exc_text)
    return texts


def quarter_hour_before(moment: datetime.datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute // 15 * 15:02d}"


def test_logs_carry_no_pain_score_note_or_password(
    caplog,
    client,
    patient,
    patient_client,
    therapist,
    bridge,
    today,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.AXES_ENABLED = True  # the lockout's own logging runs too
    caplog.set_level(logging.DEBUG)  # the root logger: every logger that propagates
    caplog.set_level(logging.DEBUG, logger="django.request")
    patient.email_reminders = True
    patient.reminder_times = [quarter_hour_before(datetime.datetime.now(patient.zone))]
    patient.save()
    bridge.prescription.times_per_day = 1
    bridge.prescription.save()
    call_command("send_reminders", stdout=StringIO())  # before anything is ticked off

    ticked = patient_client.post(
        reverse("patients:check_off", args=[today, bridge.pk, 1]),
    )
    assert ticked.status_code == 302  # before the report, which pauses the program
    report = {
        "pain": PAIN,
        "pain_lasting": "yes",
        "note": NOTE,
        "emergency": "none",
        "legs": "numbness",
        "other": "none",
    }
    refused = patient_client.post(reverse("patients:report"), {**report, "pain": 11})
    assert refused.status_code == 400  # logged as a bad request, with the note in the form
    with django_capture_on_commit_callbacks(execute=True):  # the care team's alert email
        saved = patient_client.post(reverse("patients:report"), report)
    assert saved.status_code == 200  # the stop guidance, in the same response
    assert "Stop your exercises for now" in saved.content.decode()
    failed_login = client.post(
        reverse("login"), {"username": therapist.username, "password": LOGIN_PASSWORD}
    )
    assert failed_login.status_code == 200
    failed_token = APIClient().post(
        "/api/v1/auth/token/",
        {"username": therapist.username, "password": API_PASSWORD},
        format="json",
    )
    assert failed_token.status_code == 400

    assert PainReport.objects.get(patient=patient).note == NOTE
    assert Completion.objects.filter(item=bridge).exists()
    assert len(mail.outbox) == 2  # the reminder and the alert email went out: their logging ran
    assert caplog.records  # the failed login and the bad request were logged
    for record in caplog.records:
        for text in record_texts(record):
            for secret in SECRETS:
                assert secret not in text, (record.name, text)
            assert not PAIN_PATTERN.search(text), (record.name, text)


def test_sql_with_its_parameters_is_not_logged():
    """django.db.backends logs every query with its values at DEBUG: it stays above that."""
    assert settings.LOGGING["loggers"]["django.db.backends"]["level"] not in {"DEBUG", "NOTSET"}
    assert logging.getLogger("django.db.backends").getEffectiveLevel() > logging.DEBUG
    assert logging.getLogger().getEffectiveLevel() > logging.DEBUG or (
        logging.getLogger("django.db.backends").level > logging.DEBUG
    )


NINE = "Kq7#vbn2x"
TEN = "Kq7#vbn2xP"


def test_passwords_need_at_least_ten_characters():
    minimum = [
        validator
        for validator in settings.AUTH_PASSWORD_VALIDATORS
        if validator["NAME"].endswith("MinimumLengthValidator")
    ]
    assert minimum[0]["OPTIONS"]["min_length"] >= 10
    with pytest.raises(ValidationError, match="at least 10 characters"):
        validate_password(NINE)
    validate_password(TEN)


def test_invitation_refuses_a_nine_character_password(client, patient, therapist):
    patient.user.set_unusable_password()
    patient.user.save()
    _, token = create_invitation(patient=patient, created_by=therapist)
    url = reverse("patients:accept_invitation", args=[token])

    response = client.post(url, {"new_password1": NINE, "new_password2": NINE})

    assert response.status_code == 200
    assert "at least 10 characters" in response.content.decode()
    patient.user.refresh_from_db()
    assert not patient.user.has_usable_password()
    response = client.post(url, {"new_password1": TEN, "new_password2": TEN})
    assert response.status_code == 302
    patient.user.refresh_from_db()
    assert patient.user.check_password(TEN)
