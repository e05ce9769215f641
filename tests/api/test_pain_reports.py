"""Pain reports over the API: create or replace the session's report, with safety guidance
from the decision table (DESIGN §5), the care team's alert and the safety pause."""

from __future__ import annotations

import pytest
from django.core import mail

from patients.models import Alert, AlertKind, PainReport, SafetyPause, Severity
from prescriptions.models import Status
from tests.factories import PainReportFactory
from tests.helpers import ONE_DAY, REPORT_BOOLEANS, api_report_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/pain-reports/"
PLAN = "/api/v1/me/plan/"
EMERGENCY_SIGNS = ("bladder_bowel", "saddle_numbness", "both_legs", "chest")


def report(client, **answers):
    """Post a complete report: pain 2, settled, every symptom "no" unless ``answers`` say."""
    return client.post(URL, api_report_body(**answers), format="json")


def end_pause(client, patient, **body):
    return client.post(f"/api/v1/patients/{patient.pk}/end-safety-pause/", body, format="json")


def program_status(program) -> str:
    program.refresh_from_db()
    return program.status


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
    assert body["pain_lasting"] == "no"
    assert {name: body[name] for name in REPORT_BOOLEANS} == dict.fromkeys(REPORT_BOOLEANS, False)
    assert body["leg_symptoms_usual"] is None
    assert body["prescription"] == program.pk
    guidance = body["guidance"]
    assert (guidance["level"], guidance["title"]) == ("ok", "Thank you")
    assert (
        f"Mild discomfort up to {program.pain_threshold} out of 10 is expected"
        in (guidance["message"])
    )
    assert not Alert.objects.exists()
    assert not SafetyPause.objects.exists()
    assert program_status(program) == Status.ACTIVE


def test_no_pain_is_praised(patient_api, program):
    guidance = report(patient_api, pain=0).json()["guidance"]
    assert guidance["level"] == "ok"
    assert "No pain: well done." in guidance["message"]


def test_a_second_report_for_the_session_replaces_the_first(patient_api, program, today):
    first = report(patient_api, pain=2, session=2)
    second = report(patient_api, pain=4, session=2, pain_lasting="not_sure")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    saved = PainReport.objects.get()
    assert (saved.pain, saved.pain_lasting) == (4, "not_sure")


def test_a_new_leg_symptom_says_stop_pauses_and_alerts_the_care_team(
    patient, patient_api, therapist, program, django_capture_on_commit_callbacks
):
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        # leg_symptoms_usual left out: an unanswered "is this usual?" counts as new.
        response = report(patient_api, pain=2, pain_down_leg=True)
    assert response.status_code == 201, response.content
    guidance = response.json()["guidance"]
    assert guidance["level"] == "stop"
    assert guidance["title"] == "Stop your exercises for now"
    assert (guidance["show_phone"], guidance["phone_href"]) == (True, "tel:+15550100")
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    assert [m.to for m in mail.outbox] == [[therapist.email]]
    assert program_status(program) == Status.PAUSED
    plan = patient_api.get(PLAN).json()
    assert plan["safety_pause"]["reason"] == "stop"
    assert plan["safety_pause"]["phone"] == "+1 555 0100"
    assert plan["stop"]["level"] == "stop"


def test_a_usual_leg_symptom_says_ease_off_without_a_pause(patient_api, program):
    body = report(patient_api, pain=2, tingling=True, leg_symptoms_usual=True).json()
    assert body["leg_symptoms_usual"] is True
    assert body["guidance"]["level"] == "ease_off"
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.ATTENTION)
    assert program_status(program) == Status.ACTIVE
    assert patient_api.get(PLAN).json()["safety_pause"] is None


@pytest.mark.parametrize("sign", ["unwell", "fall_or_injury"])
def test_feeling_unwell_or_a_fall_says_stop(patient_api, program, sign):
    assert report(patient_api, pain=1, **{sign: True}).json()["guidance"]["level"] == "stop"
    assert Alert.objects.get().severity == Severity.URGENT


def test_pain_of_seven_or_more_says_stop_whatever_the_threshold(patient_api, program):
    program.pain_threshold = 6
    program.save()
    assert report(patient_api, pain=7).json()["guidance"]["level"] == "stop"


def test_pain_above_the_threshold_says_ease_off(patient_api, program):
    guidance = report(patient_api, pain=program.pain_threshold + 1).json()["guidance"]
    assert (guidance["level"], guidance["title"]) == ("ease_off", "Ease off a little")
    assert Alert.objects.get().severity == Severity.ATTENTION
    assert program_status(program) == Status.ACTIVE


def test_pain_above_the_threshold_lasting_long_says_stop(patient_api, program):
    program.pain_threshold = 3
    program.save()
    body = report(patient_api, pain=4, pain_lasting="yes").json()
    assert body["guidance"]["level"] == "stop"
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    assert program_status(program) == Status.PAUSED


def test_not_sure_whether_it_lasted_is_not_yet_a_stop(patient_api, program):
    program.pain_threshold = 3
    program.save()
    assert report(patient_api, pain=4, pain_lasting="not_sure").json()["guidance"]["level"] == (
        "ease_off"
    )


def test_a_later_report_joins_the_open_alert_and_raises_it(patient_api, program):
    first = report(patient_api, session=1, pain=program.pain_threshold + 1).json()
    second = report(patient_api, session=2, pain=1, weakness=True).json()
    alert = Alert.objects.get()
    assert alert.severity == Severity.URGENT
    assert set(alert.reports.values_list("pk", flat=True)) == {first["id"], second["id"]}


@pytest.mark.parametrize("sign", EMERGENCY_SIGNS)
def test_an_emergency_sign_says_call_the_emergency_number_and_pauses(
    patient, patient_api, therapist, program, sign, settings, django_capture_on_commit_callbacks
):
    settings.REHABIT_EMERGENCY_NUMBER = "112"
    with django_capture_on_commit_callbacks(execute=True):
        response = report(patient_api, pain=1, **{sign: True})
    assert response.status_code == 201, response.content
    assert response.json()[sign] is True
    guidance = response.json()["guidance"]
    assert guidance["level"] == "emergency"
    assert guidance["title"] == "Call 112 now"
    assert (guidance["emergency_number"], guidance["emergency_href"]) == ("112", "tel:112")
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.CRITICAL)
    assert [m.to for m in mail.outbox] == [[therapist.email]]
    assert program_status(program) == Status.PAUSED
    plan = patient_api.get(PLAN).json()
    assert plan["safety_pause"]["reason"] == "emergency"
    assert plan["safety_pause"]["message"]
    assert plan["stop"]["level"] == "emergency"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"pain": True}, "pain"),
        ({"pain_lasting": "maybe"}, "pain_lasting"),
        ({"numbness": "perhaps"}, "numbness"),
        ({"difficulty": "meh"}, "difficulty"),
        ({"note": "x" * 2001}, "note"),
        ({"session": 3}, "session"),
        ({"date": "2999-01-01"}, "date"),
    ],
    ids=[
        "pain-11",
        "pain-negative",
        "pain-boolean",
        "lasting-unknown",
        "boolean-word",
        "difficulty",
        "note",
        "session",
        "future",
    ],
)
def test_invalid_reports_answer_400_under_the_field_at_fault(patient_api, program, body, field):
    response = report(patient_api, **body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not PainReport.objects.exists()


@pytest.mark.parametrize("field", ["pain", "pain_lasting", *REPORT_BOOLEANS])
def test_a_report_missing_an_answer_answers_400_naming_it(patient_api, program, field):
    body = api_report_body()
    del body[field]
    response = patient_api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not PainReport.objects.exists()
    assert not Alert.objects.exists()


def test_therapist_ends_the_pause_and_resumes_the_programs(
    patient, patient_api, therapist, therapist_api, program
):
    report(patient_api, pain=2, weakness=True)
    assert program_status(program) == Status.PAUSED
    response = end_pause(therapist_api, patient, resume=True, note=" Called her; all clear. ")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == patient.pk
    assert program_status(program) == Status.ACTIVE
    pause = SafetyPause.objects.get()
    assert (pause.ended_by, pause.resumed, pause.end_note) == (
        therapist,
        True,
        "Called her; all clear.",
    )
    plan = patient_api.get(PLAN).json()
    assert (plan["safety_pause"], plan["stop"]) == (None, None)
    # Nothing left to end.
    assert end_pause(therapist_api, patient, resume=True).status_code == 409


def test_ending_the_pause_without_resuming_keeps_the_programs_paused(
    patient, patient_api, therapist_api, program
):
    report(patient_api, pain=2, unwell=True)
    assert end_pause(therapist_api, patient, resume=False).status_code == 200
    assert program_status(program) == Status.PAUSED
    assert SafetyPause.objects.get().ended_at is not None
    assert patient_api.get(PLAN).json()["safety_pause"] is None


def test_ending_the_pause_needs_resume(patient, patient_api, therapist_api, program):
    report(patient_api, pain=2, weakness=True)
    response = end_pause(therapist_api, patient)
    assert response.status_code == 400
    assert list(response.json()) == ["resume"]
    assert SafetyPause.objects.open().exists()


def test_only_the_care_team_ends_a_pause(patient, patient_api, other_therapist_api, program):
    report(patient_api, pain=2, weakness=True)
    assert end_pause(other_therapist_api, patient, resume=True).status_code == 404
    assert end_pause(patient_api, patient, resume=True).status_code == 404
    assert SafetyPause.objects.open().exists()
    assert program_status(program) == Status.PAUSED


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
