"""A therapist acknowledges an alert with an optional note: a plain form POST, no script needed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import Alert, AlertKind, Severity
from tests.helpers import read_form, service_report_answers

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")


def acknowledge_url(alert: Alert) -> str:
    return reverse("monitoring:alert_acknowledge", args=[alert.pk])


@pytest.fixture
def alert(patient):
    return Alert.objects.create(
        patient=patient,
        kind=AlertKind.REPORT,
        severity=Severity.ATTENTION,
        message="Pain 7/10, above the program's threshold of 5.",
    )


def test_the_dashboards_form_acknowledges_with_a_note_and_comes_back(
    therapist_client, therapist, alert
):
    page = therapist_client.get(DASHBOARD)
    html = page.content.decode()
    assert f'<label class="form-label" for="ack-note-{alert.pk}">Note (optional)</label>' in html
    form = read_form(page, f"ack-{alert.pk}")
    assert (form.action, form.method) == (acknowledge_url(alert), "post")
    assert form.names() == {"csrfmiddlewaretoken", "next", "note"}
    form.set("note", "Phoned, all fine.")
    response = form.submit(therapist_client, value="", name="")
    assert response["Location"] == f"{DASHBOARD}#patient-{alert.patient_id}"  # back to the row
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledgement_note) == (therapist, "Phoned, all fine.")


def test_acknowledging_with_a_note_records_who_when_and_why(
    therapist_client, therapist, alert, patient
):
    response = therapist_client.post(
        acknowledge_url(alert),
        {"note": "  Called her: eased the program.  ", "next": DASHBOARD},
        follow=True,
    )
    assert response.redirect_chain == [(DASHBOARD, 302)]
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_by == therapist
    assert alert.acknowledgement_note == "Called her: eased the program."
    html = response.content.decode()
    assert f"Acknowledged: pain report for {patient.display_name}." in html
    assert acknowledge_url(alert) not in html  # no longer open on the dashboard

    progress = therapist_client.get(reverse("monitoring:patient_progress", args=[patient.pk]))
    assert "Called her: eased the program." in progress.content.decode()


def test_the_note_is_optional(therapist_client, alert):
    therapist_client.post(acknowledge_url(alert))
    alert.refresh_from_db()
    assert not alert.is_open
    assert alert.acknowledgement_note == ""


def test_a_second_press_keeps_the_first_acknowledgement(therapist_client, alert):
    therapist_client.post(acknowledge_url(alert), {"note": "first"})
    alert.refresh_from_db()
    first = alert.acknowledged_at
    response = therapist_client.post(acknowledge_url(alert), {"note": "second"}, follow=True)
    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.acknowledgement_note) == (first, "first")
    assert "This alert was already acknowledged." in response.content.decode()


def test_a_note_that_is_too_long_is_refused_and_the_alert_stays_open(therapist_client, alert):
    response = therapist_client.post(acknowledge_url(alert), {"note": "x" * 1001}, follow=True)
    alert.refresh_from_db()
    assert alert.is_open
    assert "at most 1000 characters" in response.content.decode()


def test_it_goes_back_to_the_page_it_came_from_but_never_to_another_site(
    therapist_client, alert, patient
):
    progress = reverse("monitoring:patient_progress", args=[patient.pk])
    response = therapist_client.post(acknowledge_url(alert), {"next": progress})
    assert response["Location"] == progress
    alert.acknowledged_at = None
    alert.save()
    response = therapist_client.post(acknowledge_url(alert), {"next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD


def test_acknowledging_needs_a_post(therapist_client, alert):
    assert therapist_client.get(acknowledge_url(alert)).status_code == 405
    alert.refresh_from_db()
    assert alert.is_open


def test_another_therapists_alert_answers_404_and_stays_open(therapist_client, other_patient):
    theirs = Alert.objects.create(
        patient=other_patient, kind=AlertKind.REPORT, severity=Severity.CRITICAL, message="x"
    )
    assert therapist_client.post(acknowledge_url(theirs), {"note": "mine"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_open


def test_after_acknowledging_a_new_report_opens_a_new_alert(
    therapist_client, patient, logged_program, today
):
    from patients.services import submit_pain_report

    def send(session: int, pain: int) -> None:
        submit_pain_report(
            patient=patient, day=today, session=session, pain=pain, **service_report_answers()
        )

    send(1, 6)  # above the threshold of 5: attention
    first = Alert.objects.get(kind=AlertKind.REPORT)
    send(1, 6)  # the same report again joins the open alert
    assert Alert.objects.filter(kind=AlertKind.REPORT).count() == 1

    therapist_client.post(acknowledge_url(first))
    send(1, 6)
    again = Alert.objects.open().get(kind=AlertKind.REPORT)
    assert again.pk != first.pk
    assert Alert.objects.filter(kind=AlertKind.REPORT).count() == 2
