"""Pain reports over the API: create or replace the session's report, with safety guidance."""

from __future__ import annotations

import pytest

from patients.models import Alert, AlertKind, PainReport
from tests.api.conftest import ONE_DAY
from tests.factories import PainReportFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/pain-reports/"


def report(client, **body):
    return client.post(URL, {"pain": 2, **body}, format="json")


def test_a_mild_report_is_saved_with_encouragement(patient, patient_api, program, today):
    response = report(patient_api, pain=3, difficulty="about_right", note=" Fine. ")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["date"], body["session"], body["pain"], body["note"]) == (
        today.isoformat(),
        1,
        3,
        "Fine.",
    )
    assert body["prescription"] == program.pk
    assert body["guidance"]["level"] == "ok"
    assert not Alert.objects.exists()


def test_a_second_report_for_the_session_replaces_the_first(patient_api, program, today):
    first = report(patient_api, pain=2, session=2)
    second = report(patient_api, pain=4, session=2)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert PainReport.objects.get().pain == 4


def test_a_red_flag_says_stop_and_call_and_alerts_the_care_team(patient, patient_api, program):
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    response = report(patient_api, pain=2, pain_down_leg=True)
    assert response.status_code == 201
    guidance = response.json()["guidance"]
    assert guidance["level"] == "stop"
    assert guidance["title"] == "Stop and contact your therapist"
    assert (guidance["show_phone"], guidance["phone_href"]) == (True, "tel:+15550100")
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.RED_FLAG, "urgent")


def test_pain_above_the_threshold_says_ease_off(patient_api, program):
    guidance = report(patient_api, pain=program.pain_threshold + 1).json()["guidance"]
    assert guidance["level"] == "ease_off"


def test_pain_above_the_threshold_lasting_long_says_stop(patient_api, program):
    body = report(patient_api, pain=8, pain_lasted_over_15_min=True).json()
    assert body["guidance"]["level"] == "stop"
    assert {a.kind for a in Alert.objects.all()} == {
        AlertKind.PAIN_ABOVE_THRESHOLD,
        AlertKind.LASTING_PAIN,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"pain": True}, "pain"),
        ({"difficulty": "meh"}, "difficulty"),
        ({"note": "x" * 2001}, "note"),
        ({"session": 3}, "session"),
        ({"date": "2999-01-01"}, "date"),
    ],
    ids=["pain-11", "pain-negative", "pain-boolean", "difficulty", "note", "session", "future"],
)
def test_invalid_reports_answer_400_under_the_field_at_fault(patient_api, program, body, field):
    response = report(patient_api, **body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not PainReport.objects.exists()


def test_patient_lists_and_reads_only_their_own_reports(patient, other_patient, patient_api, today):
    mine = PainReportFactory(patient=patient, date=today, pain=4)
    PainReportFactory(patient=patient, date=today - 3 * ONE_DAY)
    theirs = PainReportFactory(patient=other_patient, date=today)
    rows = patient_api.get(URL, {"date_from": (today - ONE_DAY).isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["guidance"]["level"] == "ok"
    assert patient_api.get(f"{URL}{mine.pk}/").status_code == 200
    assert patient_api.get(f"{URL}{theirs.pk}/").status_code == 404


def test_therapists_do_not_report_pain(therapist_api, program):
    assert report(therapist_api).status_code == 404
    assert not PainReport.objects.exists()
