"""Alerts in the reader's language: each therapist's urgent-alert email in their own, and every
alert's words said again on the page from what was stored, whoever reads it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, translation

from patients.models import Alert, AlertKind, Completion, SafetyPause, Severity
from prescriptions.models import TherapistProfile
from tests.factories import CompletionFactory, PainReportFactory, TherapistFactory
from tests.monitoring.test_pain_alerts import send_pain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_each_therapist_gets_the_urgent_alert_email_in_their_own_language(
    patient,
    therapist,
    patient_client,
    today,
    logged_program,
    logged_bridge,
    django_capture_on_commit_callbacks,
):
    TherapistProfile.objects.create(user=therapist, language="de")
    colleague = TherapistFactory()  # no language of their own: the site's
    patient.care_team.add(colleague)
    patient.language = "es"  # the patient's language is not the care team's
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, today, 7, legs=["weakness"], leg_change="new")
    languages = {
        message.to[0]: message.extra_headers["Content-Language"] for message in mail.outbox
    }
    assert languages == {therapist.email: "de", colleague.email: "en"}


def _report_alert(patient, *, day: datetime.date, message: str) -> Alert:
    """A report alert as ``monitoring.alerts`` stores it: English text and the words'
    codes and values (pain 8: row 4 of the decision table)."""
    words = {
        "code": "report",
        "rows": [4],
        "signs": [],
        "legs": [],
        "other": [],
        "pain": 8,
        "threshold": 5,
        "date": day.isoformat(),
        "session": 1,
    }
    entry = {"report": None, "severity": "urgent", "reasons": message, "words": words}
    return Alert.objects.create(
        patient=patient,
        kind=AlertKind.REPORT,
        severity=Severity.URGENT,
        message=message,
        entries=[entry],
    )


def test_an_alert_is_said_again_in_the_readers_language_from_its_stored_words(
    patient, therapist, therapist_client
):
    day = datetime.date(2026, 3, 9)
    _report_alert(patient, day=day, message="Pain 8/10 (7 or more) (9 Mar 2026, session 1).")
    TherapistProfile.objects.create(user=therapist, language="de")
    page = therapist_client.get(reverse("monitoring:patient_progress", args=[patient.pk]))
    html = page.content.decode()
    with translation.override("de"):
        german_day = dateformat.format(day, "j M Y")
    assert german_day == "9 Mär 2026"
    assert f"Schmerzen 8/10 (7 oder mehr) ({german_day}, Einheit 1)." in html
    assert "9 Mar 2026" not in html


def test_an_alert_reads_as_stored_in_english_for_an_english_reader(
    patient, therapist, therapist_client
):
    _report_alert(
        patient,
        day=datetime.date(2026, 3, 9),
        message="Pain 8/10 (7 or more) (9 Mar 2026, session 1).",
    )
    html = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    assert "Pain 8/10 (7 or more) (9 Mar 2026, session 1)." in html


def test_an_alert_stored_before_its_words_were_kept_shows_its_stored_text(
    patient, therapist, therapist_client
):
    Alert.objects.create(
        patient=patient,
        kind=AlertKind.INACTIVITY,
        severity=Severity.ATTENTION,
        message="No exercises logged on the last 3 scheduled days (Mon 9 Mar, Tue 10 Mar).",
    )
    TherapistProfile.objects.create(user=therapist, language="es")
    html = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    assert "No exercises logged on the last 3 scheduled days (Mon 9 Mar, Tue 10 Mar)." in html


def test_a_new_report_alert_keeps_its_english_text_and_its_words_whatever_the_patient_reads(
    patient, patient_client, today, logged_program, logged_bridge
):
    patient.language = "de"
    patient.save()
    send_pain(patient_client, today, 8)
    alert = Alert.objects.get(kind=AlertKind.REPORT)
    with translation.override("en"):
        english_day = dateformat.format(today, "j M Y")
    assert alert.message == (
        "Pain 8/10 (7 or more); Pain 8/10, above the program's threshold of 5 "
        f"({english_day}, session 1)."
    )
    assert alert.entries[-1]["words"]["rows"] == [4, 6]
    assert alert.entries[-1]["words"]["date"] == today.isoformat()


def test_the_dashboard_never_serves_a_reader_rows_cached_in_another_language(
    patient, therapist, therapist_client, logged_bridge
):
    done_at = datetime.datetime(2026, 3, 9, 10, 0, tzinfo=datetime.UTC)
    completion = CompletionFactory(item=logged_bridge, date=done_at.date())
    Completion.objects.filter(pk=completion.pk).update(completed_at=done_at)
    dashboard = reverse("monitoring:dashboard")
    assert "9 Mar, 10:00" in therapist_client.get(dashboard).content.decode()  # now cached
    colleague = TherapistFactory()
    patient.care_team.add(colleague)
    TherapistProfile.objects.create(user=colleague, language="de")
    therapist_client.force_login(colleague)
    german = therapist_client.get(dashboard).content.decode()
    assert '<html lang="de">' in german
    assert "9 Mär, 10:00" in german
    assert "9 Mar, 10:00" not in german


def test_a_safety_pause_says_why_in_the_readers_language(patient, therapist, therapist_client):
    day = datetime.date(2026, 3, 9)
    report = PainReportFactory(patient=patient, date=day, pain=8)
    english = "Pain 8/10 (7 or more) (9 Mar 2026, session 1)."
    alert = _report_alert(patient, day=day, message=english)
    alert.entries[0]["report"] = report.pk
    alert.save(update_fields=["entries"])
    alert.reports.add(report)
    SafetyPause.objects.create(patient=patient, level="stop", report=report, reasons=english)
    TherapistProfile.objects.create(user=therapist, language="de")
    german = therapist_client.get(reverse("clinic:patient_detail", args=[patient.pk]))
    assert "Grund: Schmerzen 8/10 (7 oder mehr) (9 Mär 2026, Einheit 1)." in german.content.decode()
    assert english not in german.content.decode()
