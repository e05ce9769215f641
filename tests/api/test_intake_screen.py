"""The API's side of adding a patient: a required clinic phone, the intake red-flag screen,
and medical clearance before a program can start."""

from __future__ import annotations

import pytest

from patients.models import INTAKE_FIELDS, INTAKE_QUESTIONS, Patient
from prescriptions.models import Prescription
from tests.factories import ExerciseFactory, PatientFactory, ProgramTemplateItemFactory
from tests.helpers import intake_api_answers

pytestmark = pytest.mark.django_db

URL = "/api/v1/patients/"


def new_patient(**overrides):
    return {
        "first_name": "Ada",
        "last_name": "Stone",
        "clinic_phone": "+43 1 555 0100",
        "intake_screen": intake_api_answers(),
        **overrides,
    }


def new_program(patient) -> dict:
    return {
        "patient": patient.pk,
        "title": "Back to gardening",
        "start_date": "2026-03-02",
        "days_of_week": [0, 2, 4],
        "items": [{"exercise": ExerciseFactory().pk}],
    }


def flagged(therapist, *yes: str) -> Patient:
    return PatientFactory(
        therapist=therapist, **{f"intake_{name}": name in yes for name in INTAKE_QUESTIONS}
    )


@pytest.mark.parametrize("phone", [None, "", "   ", "reception", "12 34"])
def test_a_new_patient_without_a_usable_clinic_phone_is_refused(therapist_api, phone):
    body = new_patient()
    if phone is None:
        del body["clinic_phone"]
    else:
        body["clinic_phone"] = phone
    response = therapist_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"clinic_phone"}
    assert not Patient.objects.exists()


def test_a_new_patient_needs_every_intake_answer_and_none_is_taken_as_no(therapist_api):
    response = therapist_api.post(URL, new_patient(intake_screen=None), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"intake_screen"}
    missing = intake_api_answers()
    del missing["night_pain"]
    missing["fever"] = None
    response = therapist_api.post(URL, new_patient(intake_screen=missing), format="json")
    assert response.status_code == 400
    assert set(response.json()["intake_screen"]) == {"night_pain", "fever"}
    body = new_patient()
    del body["intake_screen"]
    assert set(therapist_api.post(URL, body, format="json").json()) == {"intake_screen"}
    assert not Patient.objects.exists()


def test_a_screen_with_no_red_flag_lets_a_program_start(therapist_api):
    created = therapist_api.post(URL, new_patient(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["program_start"] == "allowed"
    assert body["intake_screen"]["fever"] is False
    assert body["medical_clearance"] is None
    patient = Patient.objects.get(pk=body["id"])
    response = therapist_api.post("/api/v1/prescriptions/", new_program(patient), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("question", list(INTAKE_QUESTIONS))
def test_a_yes_refuses_every_program_start_until_clearance(therapist, therapist_api, question):
    created = therapist_api.post(
        URL, new_patient(intake_screen=intake_api_answers(question)), format="json"
    ).json()
    assert created["program_start"] == "clearance_needed"
    assert created["intake_screen"][question] is True
    patient = Patient.objects.get(pk=created["id"])

    refused = therapist_api.post("/api/v1/prescriptions/", new_program(patient), format="json")
    assert refused.status_code == 400
    reason = refused.json()["patient"][0]
    assert "Confirm medical clearance for Ada Stone before starting a program." in reason
    assert str(INTAKE_QUESTIONS[question]) in reason
    template = ProgramTemplateItemFactory().template
    from_template = therapist_api.post(
        f"/api/v1/templates/{template.pk}/start/",
        {"patient": patient.pk, "start_date": "2026-03-02"},
        format="json",
    )
    assert from_template.status_code == 400
    assert "Confirm medical clearance" in from_template.json()["patient"][0]
    assert not Prescription.objects.exists()

    cleared = therapist_api.post(
        f"{URL}{patient.pk}/medical-clearance/", {"note": "GP letter of 3 March."}, format="json"
    )
    assert cleared.status_code == 200, cleared.content
    clearance = cleared.json()["medical_clearance"]
    assert (clearance["cleared_by"], clearance["note"]) == (therapist.pk, "GP letter of 3 March.")
    assert cleared.json()["program_start"] == "allowed"
    response = therapist_api.post("/api/v1/prescriptions/", new_program(patient), format="json")
    assert response.status_code == 201, response.content


def test_clearance_needs_a_note_and_a_red_flag_to_clear(therapist, therapist_api, patient):
    nothing = therapist_api.post(
        f"{URL}{patient.pk}/medical-clearance/", {"note": "Fine."}, format="json"
    )
    assert nothing.status_code == 400
    assert "nothing to clear" in nothing.json()["note"][0]
    waiting = flagged(therapist, "injury")
    empty = therapist_api.post(
        f"{URL}{waiting.pk}/medical-clearance/", {"note": "  "}, format="json"
    )
    assert empty.status_code == 400
    assert set(empty.json()) == {"note"}
    waiting.refresh_from_db()
    assert waiting.cleared_at is None


def test_another_therapists_patient_cannot_be_cleared(therapist_api, other_therapist):
    theirs = flagged(other_therapist, "fever")
    response = therapist_api.post(
        f"{URL}{theirs.pk}/medical-clearance/", {"note": "Fine."}, format="json"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.cleared_at is None


def test_a_patient_from_before_the_screen_reads_as_not_screened_until_it_is_sent(
    therapist, therapist_api
):
    patient = PatientFactory(
        therapist=therapist, intake_screened_at=None, **dict.fromkeys(INTAKE_FIELDS)
    )
    body = therapist_api.get(f"{URL}{patient.pk}/").json()
    assert body["intake_screen"] is None  # not eight "no"s
    assert body["program_start"] == "screen_needed"
    refused = therapist_api.post("/api/v1/prescriptions/", new_program(patient), format="json")
    assert "Record the intake red-flag screen" in refused.json()["patient"][0]

    changed = therapist_api.patch(
        f"{URL}{patient.pk}/", {"intake_screen": intake_api_answers()}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["program_start"] == "allowed"
    patient.refresh_from_db()
    assert patient.intake_screened_by == therapist
