"""Pain over days in the API: "is the pain still there now?" after `not_sure`
(`me/pain-reports/{id}/still-there/`), the morning check (`me/morning-checks/`), and what
`me/plan` says is to be asked."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from patients.models import Alert, AlertKind, MorningCheck, PainReport, SafetyPause, Severity
from patients.services import record_morning_check
from tests.factories import PainReportFactory
from tests.helpers import api_report_body

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/me/pain-reports/"
MORNING = "/api/v1/me/morning-checks/"
PLAN = "/api/v1/me/plan/"


def still_there(client, report_id, **body):
    return client.post(f"{REPORTS}{report_id}/still-there/", body, format="json")


@pytest.fixture
def not_sure(patient_api, program) -> dict:
    response = patient_api.post(
        REPORTS, api_report_body(pain=6, pain_lasting="not_sure"), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_not_sure_report_says_when_to_ask_and_the_plan_lists_it(patient_api, not_sure):
    report = PainReport.objects.get()
    assert not_sure["guidance"]["level"] == "ease_off"
    assert not_sure["followed_up_at"] is None
    due = datetime.datetime.fromisoformat(not_sure["follow_up_due_at"])
    assert due == report.updated_at + datetime.timedelta(minutes=15)
    plan = patient_api.get(PLAN).json()
    assert [item["id"] for item in plan["pain_follow_ups"]] == [report.pk]


def test_still_there_escalates_to_stop_in_the_same_response(patient, patient_api, not_sure):
    response = still_there(patient_api, not_sure["id"], still_there=True)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["pain_lasting"], body["guidance"]["level"]) == ("yes", "stop")
    assert body["followed_up_at"] is not None
    assert body["follow_up_due_at"] is None
    assert Alert.objects.get(kind=AlertKind.REPORT).severity == Severity.URGENT
    assert SafetyPause.objects.open().filter(patient=patient).exists()
    assert patient_api.get(PLAN).json()["pain_follow_ups"] == []


def test_gone_keeps_ease_off(patient_api, not_sure):
    body = still_there(patient_api, not_sure["id"], still_there=False).json()
    assert (body["pain_lasting"], body["guidance"]["level"]) == ("no", "ease_off")
    assert not SafetyPause.objects.exists()


def test_answering_twice_keeps_the_first_answer(patient_api, not_sure):
    still_there(patient_api, not_sure["id"], still_there=True)
    followed_up_at = PainReport.objects.get().followed_up_at
    again = still_there(patient_api, not_sure["id"], still_there=False)
    assert again.status_code == 200
    assert (again.json()["pain_lasting"], again.json()["guidance"]["level"]) == ("yes", "stop")
    assert PainReport.objects.get().followed_up_at == followed_up_at


def test_someone_elses_report_answers_404(patient_api, other_patient, today):
    report = PainReportFactory(patient=other_patient, date=today, pain_lasting="not_sure")
    assert still_there(patient_api, report.pk, still_there=True).status_code == 404


def test_a_report_that_was_not_not_sure_answers_400(patient, patient_api, program, today):
    report = PainReportFactory(patient=patient, date=today, pain=6, pain_lasting="no")
    response = still_there(patient_api, report.pk, still_there=True)
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("This report already says")


def test_still_there_is_required(patient_api, not_sure):
    response = still_there(patient_api, not_sure["id"])
    assert response.status_code == 400
    assert "still_there" in response.json()


def test_a_therapist_cannot_answer_for_a_patient(therapist_api, not_sure):
    assert still_there(therapist_api, not_sure["id"], still_there=True).status_code == 404
    assert PainReport.objects.get().pain_lasting == "not_sure"


# --- The morning check --------------------------------------------------------------------------


def test_the_plan_says_the_morning_check_is_due_until_it_is_answered(patient, patient_api, program):
    assert patient_api.get(PLAN).json()["morning_check_due"] is True
    response = patient_api.post(MORNING, {"answer": "same"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["date"], body["answer"]) == (patient.local_today().isoformat(), "same")
    assert body["guidance"]["level"] == "ok"
    assert patient_api.get(PLAN).json()["morning_check_due"] is False


def test_a_second_answer_the_same_day_finds_the_first(patient_api, program):
    patient_api.post(MORNING, {"answer": "better"}, format="json")
    again = patient_api.post(MORNING, {"answer": "worse"}, format="json")
    assert again.status_code == 200
    assert again.json()["answer"] == "better"
    assert MorningCheck.objects.count() == 1


def test_skipped_has_no_guidance_and_hides_the_check(patient_api, program):
    body = patient_api.post(MORNING, {"answer": "skipped"}, format="json").json()
    assert body["guidance"] is None
    assert patient_api.get(PLAN).json()["morning_check_due"] is False


def test_two_worse_mornings_answer_ease_off_and_alert(patient, patient_api, program):
    record_morning_check(
        patient=patient, answer="worse", now=timezone.now() - datetime.timedelta(days=1)
    )
    body = patient_api.post(MORNING, {"answer": "worse"}, format="json").json()
    assert body["guidance"]["level"] == "ease_off"
    assert Alert.objects.get().kind == AlertKind.WORSE_MORNINGS


def test_an_unknown_answer_is_a_field_error(patient_api, program):
    response = patient_api.post(MORNING, {"answer": "awful"}, format="json")
    assert response.status_code == 400
    assert "answer" in response.json()


def test_patients_list_only_their_own_morning_checks(patient, other_patient, patient_api):
    record_morning_check(patient=patient, answer="better")
    record_morning_check(patient=other_patient, answer="worse")
    body = patient_api.get(MORNING).json()
    assert [item["answer"] for item in body["results"]] == ["better"]


def test_without_a_program_the_morning_check_is_not_due(patient_api):
    assert patient_api.get(PLAN).json()["morning_check_due"] is False


def test_another_day_asks_nothing(patient, patient_api, program, today):
    PainReportFactory(patient=patient, date=today, pain_lasting="not_sure")
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    plan = patient_api.get(PLAN, {"date": yesterday}).json()
    assert (plan["morning_check_due"], plan["pain_follow_ups"]) == (False, [])
