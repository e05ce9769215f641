"""Alerts over the API: the care team lists them and acknowledges them with a note."""

from __future__ import annotations

import pytest

from patients.models import Alert, AlertKind, Severity
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/alerts/"


def alert_for(patient, kind=AlertKind.REPORT, severity=Severity.URGENT, **fields) -> Alert:
    return Alert.objects.create(
        patient=patient, kind=kind, severity=severity, message=f"{kind} alert", **fields
    )


def acknowledge(client, alert: Alert, **body):
    return client.post(f"{URL}{alert.pk}/acknowledge/", body, format="json")


def test_therapist_lists_alerts_of_their_care_team_only(patient, other_patient, therapist_api):
    mine = alert_for(patient)
    alert_for(other_patient)
    response = therapist_api.get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["patient_name"] == patient.display_name
    assert rows[0]["is_open"] is True


def test_alerts_filter_by_open_kind_severity_and_patient(therapist, patient, therapist_api):
    second = PatientFactory(therapist=therapist)
    red = alert_for(patient)
    pain = alert_for(patient, kind=AlertKind.PAIN_RISING, severity=Severity.ATTENTION)
    seen = alert_for(second, kind=AlertKind.INACTIVITY, severity=Severity.ATTENTION)
    acknowledge(therapist_api, seen)

    def ids(**query: str) -> set[int]:
        response = therapist_api.get(URL, query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(open="true") == {red.pk, pain.pk}
    assert ids(open="false") == {seen.pk}
    assert ids(kind="pain_rising") == {pain.pk}
    assert ids(kind="report") == {red.pk}
    assert ids(severity="urgent") == {red.pk}
    assert ids(severity="attention") == {pain.pk, seen.pk}
    assert ids(patient=str(second.pk)) == {seen.pk}


def test_therapist_acknowledges_an_alert_with_a_note(therapist, patient, therapist_api):
    alert = alert_for(patient)
    response = acknowledge(therapist_api, alert, note=" Called her; resting for two days. ")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_open"] is False
    assert body["acknowledged_by"] == therapist.pk
    assert body["acknowledgement_note"] == "Called her; resting for two days."
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_acknowledging_twice_keeps_the_first_acknowledgement(patient, therapist_api):
    alert = alert_for(patient)
    first = acknowledge(therapist_api, alert, note="First").json()
    second = acknowledge(therapist_api, alert, note="Second")
    assert second.status_code == 200
    assert second.json()["acknowledgement_note"] == "First"
    assert second.json()["acknowledged_at"] == first["acknowledged_at"]


def test_the_note_is_optional(patient, therapist_api):
    response = acknowledge(therapist_api, alert_for(patient))
    assert response.status_code == 200
    assert response.json()["acknowledgement_note"] == ""


def test_another_care_teams_alert_answers_404_and_stays_open(other_patient, therapist_api):
    theirs = alert_for(other_patient)
    assert therapist_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert acknowledge(therapist_api, theirs).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_open


def test_patients_do_not_see_alerts(patient, patient_api):
    alert = alert_for(patient)
    assert patient_api.get(URL).status_code == 404
    assert acknowledge(patient_api, alert).status_code == 404
