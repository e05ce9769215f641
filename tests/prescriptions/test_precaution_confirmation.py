"""Prescribing an exercise that conflicts with the patient's conditions needs the therapist's
explicit confirmation, in the builder and the API alike, and the confirmation is recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exercises.models import Precaution
from prescriptions.models import Prescription, PrescriptionItem
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)
from tests.helpers import page_text, read_form

pytestmark = pytest.mark.django_db

CONFIRM = "precautions_acknowledged"


def new_program_url(patient) -> str:
    return reverse("clinic:program_create", args=[patient.pk])


def builder_with(client, patient, *exercises):
    form = read_form(client.get(new_program_url(patient)), "builder")
    for exercise in exercises:
        form = read_form(form.submit(client, f"add:{exercise.pk}"), "builder")
    return form


def tick(form):
    [key] = form.options[CONFIRM]
    return form.set(CONFIRM, key)


@pytest.fixture
def knee_patient(therapist):
    return PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])


# --- The builder ------------------------------------------------------------------------------


def test_saving_a_conflicting_exercise_unconfirmed_names_the_conflict_and_saves_nothing(
    therapist_client, knee_patient, catalogue
):
    form = builder_with(therapist_client, knee_patient, catalogue["wall_sit"])
    response = form.submit(therapist_client, "save")
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert "Not saved yet." in text
    conflict = "Some exercises conflict with the patient’s conditions: Wall sit (Knee problems)."
    assert conflict in text
    assert "I have checked Wall sit (Knee problems) against" in text
    assert not Prescription.objects.exists()


def test_a_confirmed_conflict_is_saved_with_who_confirmed_it_and_when(
    therapist_client, therapist, knee_patient, catalogue
):
    form = builder_with(therapist_client, knee_patient, catalogue["wall_sit"], catalogue["bridge"])
    response = tick(form).submit(therapist_client, "save")
    assert response.status_code == 302
    wall_sit, bridge = Prescription.objects.get().items.order_by("position")
    assert wall_sit.precautions_acknowledged == [Precaution.KNEE]
    assert wall_sit.precautions_acknowledged_by == therapist
    assert wall_sit.precautions_acknowledged_at is not None
    # The bridge conflicts with pregnancy only, which this patient does not have.
    assert (bridge.precautions_acknowledged, bridge.precautions_acknowledged_by) == ([], None)


def test_a_box_ticked_before_another_conflict_was_added_confirms_nothing(
    therapist_client, therapist, catalogue
):
    patient = PatientFactory(
        therapist=therapist, conditions=[Precaution.KNEE, Precaution.PREGNANCY]
    )
    form = tick(builder_with(therapist_client, patient, catalogue["wall_sit"]))
    form = read_form(form.submit(therapist_client, f"add:{catalogue['bridge'].pk}"), "builder")
    assert CONFIRM not in form.names()  # the box is no longer ticked: it named one conflict
    response = form.submit(therapist_client, "save")
    assert response.status_code == 200
    assert "Bridge (Pregnancy)" in page_text(response.content.decode())
    assert not Prescription.objects.exists()


def test_a_program_started_from_a_template_checks_the_templates_exercises(
    therapist_client, knee_patient, catalogue
):
    template = ProgramTemplateFactory(name="Knee basics")
    ProgramTemplateItemFactory(template=template, exercise=catalogue["wall_sit"])
    response = therapist_client.get(new_program_url(knee_patient), {"template": template.pk})
    form = read_form(response, "builder")
    refused = form.submit(therapist_client, "save")
    assert "Wall sit (Knee problems)" in page_text(refused.content.decode())
    assert not Prescription.objects.exists()
    assert tick(form).submit(therapist_client, "save").status_code == 302
    assert Prescription.objects.get().items.get().precautions_acknowledged == [Precaution.KNEE]


def test_editing_a_program_keeps_a_confirmation_already_given(
    therapist_client, therapist, knee_patient, catalogue
):
    program = PrescriptionFactory(patient=knee_patient, prescribed_by=therapist)
    item = PrescriptionItemFactory(prescription=program, exercise=catalogue["wall_sit"])
    url = reverse("clinic:program_edit", args=[program.pk])
    form = read_form(therapist_client.get(url), "builder")
    assert form.submit(therapist_client, "save").status_code == 200  # never confirmed yet
    assert tick(form).submit(therapist_client, "save").status_code == 302
    item.refresh_from_db()
    confirmed_at = item.precautions_acknowledged_at
    assert confirmed_at is not None
    form = read_form(therapist_client.get(url), "builder")
    form.set("title", "Stronger knees")
    assert form.submit(therapist_client, "save").status_code == 302  # no box needed again
    item.refresh_from_db()
    assert item.precautions_acknowledged_at == confirmed_at


def test_a_new_condition_needs_confirming_again(therapist_client, therapist, catalogue):
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    PrescriptionItemFactory(
        prescription=program,
        exercise=catalogue["wall_sit"],
        precautions_acknowledged=[Precaution.KNEE],
        precautions_acknowledged_by=therapist,
        precautions_acknowledged_at=program.created_at,
    )
    patient.conditions = [Precaution.KNEE, Precaution.RECENT_SPINAL_SURGERY]
    patient.save()
    url = reverse("clinic:program_edit", args=[program.pk])
    form = read_form(therapist_client.get(url), "builder")
    response = form.submit(therapist_client, "save")
    assert "Wall sit (Knee problems, Recent spinal surgery)" in page_text(response.content.decode())


def test_the_confirmation_is_in_the_patients_audit_trail(therapist_client, knee_patient, catalogue):
    form = builder_with(therapist_client, knee_patient, catalogue["wall_sit"])
    tick(form).submit(therapist_client, "save")
    url = reverse("clinic:patient_audit", args=[knee_patient.pk])
    text = page_text(therapist_client.get(url).content.decode())
    assert "Precautions confirmed: Knee problems" in text
    assert "Precautions confirmed on:" in text


def test_a_copy_for_a_patient_with_conflicting_conditions_needs_confirming(
    therapist_client, therapist, patient, knee_patient, catalogue
):
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist, title="Legs")
    PrescriptionItemFactory(prescription=program, exercise=catalogue["wall_sit"])
    url = reverse("clinic:program_duplicate", args=[program.pk])
    form = read_form(therapist_client.get(url), "duplicate-form")
    form.set("patient", knee_patient.pk)
    response = form.submit(therapist_client, "", name="")
    assert response.status_code == 200
    assert "Wall sit (Knee problems)" in page_text(response.content.decode())
    assert not knee_patient.prescriptions.exists()
    form.set(CONFIRM, "on")
    assert form.submit(therapist_client, "", name="").status_code == 302
    copy = knee_patient.prescriptions.get()
    assert copy.items.get().precautions_acknowledged == [Precaution.KNEE]


# --- The API ----------------------------------------------------------------------------------

URL = "/api/v1/prescriptions/"


def new_program(patient, *exercises, **extra):
    return {
        "patient": patient.pk,
        "title": "Knees",
        "start_date": "2026-03-02",
        "items": [{"exercise": exercise.pk} for exercise in exercises],
        **extra,
    }


def test_api_answers_400_naming_the_conflicts_until_they_are_confirmed(
    therapist_api, therapist, knee_patient
):
    wall_sit = ExerciseFactory(name="Wall sit", precaution_tags=[Precaution.KNEE])
    plain = ExerciseFactory(name="Breathing")
    response = therapist_api.post(URL, new_program(knee_patient, wall_sit, plain), format="json")
    assert response.status_code == 400
    [message] = response.json()[CONFIRM]
    assert "Wall sit (Knee problems)" in message
    assert "Breathing" not in message
    assert not Prescription.objects.exists()

    response = therapist_api.post(
        URL, new_program(knee_patient, wall_sit, plain, **{CONFIRM: True}), format="json"
    )
    assert response.status_code == 201, response.content
    first, second = response.json()["items"]
    assert first[CONFIRM] == ["knee"]
    assert first["precautions_acknowledged_by"] == therapist.pk
    assert first["precautions_acknowledged_at"]
    assert second[CONFIRM] == []


def test_api_update_adding_a_conflicting_exercise_needs_confirming(
    therapist_api, therapist, knee_patient
):
    program = PrescriptionFactory(patient=knee_patient, prescribed_by=therapist)
    item = PrescriptionItemFactory(prescription=program, exercise=ExerciseFactory())
    wall_sit = ExerciseFactory(name="Wall sit", precaution_tags=[Precaution.KNEE])
    items = [{"id": item.pk, "exercise": item.exercise_id}, {"exercise": wall_sit.pk}]
    url = f"{URL}{program.pk}/"
    response = therapist_api.patch(url, {"items": items}, format="json")
    assert response.status_code == 400
    assert "Wall sit (Knee problems)" in response.json()[CONFIRM][0]
    assert program.items.count() == 1
    response = therapist_api.patch(url, {"items": items, CONFIRM: True}, format="json")
    assert response.status_code == 200, response.content
    added = program.items.get(exercise=wall_sit)
    assert (added.precautions_acknowledged, added.precautions_acknowledged_by) == (
        [Precaution.KNEE],
        therapist,
    )
    # A later change that adds no conflict needs no confirmation.
    response = therapist_api.patch(url, {"title": "Knees, week 2"}, format="json")
    assert response.status_code == 200, response.content


def test_api_starting_from_a_template_checks_its_exercises(therapist_api, knee_patient):
    template = ProgramTemplateFactory(name="Knee basics")
    ProgramTemplateItemFactory(
        template=template,
        exercise=ExerciseFactory(name="Wall sit", precaution_tags=[Precaution.KNEE]),
    )
    url = f"/api/v1/templates/{template.pk}/start/"
    body = {"patient": knee_patient.pk, "start_date": "2026-03-02"}
    response = therapist_api.post(url, body, format="json")
    assert response.status_code == 400
    assert "Wall sit (Knee problems)" in response.json()[CONFIRM][0]
    assert not Prescription.objects.exists()
    response = therapist_api.post(url, {**body, CONFIRM: True}, format="json")
    assert response.status_code == 201, response.content
    assert PrescriptionItem.objects.get().precautions_acknowledged == [Precaution.KNEE]


def test_after_recent_spinal_surgery_every_exercise_needs_confirming(therapist_api, therapist):
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.RECENT_SPINAL_SURGERY])
    breathing = ExerciseFactory(name="Belly breathing", precaution_tags=[])
    response = therapist_api.post(URL, new_program(patient, breathing), format="json")
    assert response.status_code == 400
    assert "Belly breathing (Recent spinal surgery)" in response.json()[CONFIRM][0]
