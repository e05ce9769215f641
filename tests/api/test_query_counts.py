"""Every list answers in a fixed number of queries, whatever the number of rows.

Each test makes a few rows, then many, and pins the same count for both; the comment
names each query. Requests authenticate by token, as the mobile app does.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from patients.models import Alert, AlertKind, Patient
from tests.factories import (
    CompletionFactory,
    EquipmentFactory,
    ExerciseFactory,
    PainReportFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)
from tests.helpers import ONE_DAY

pytestmark = pytest.mark.django_db

SIZES = [2, 10]


def get_ok(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("size", SIZES)
def test_exercise_list_queries(size, therapist, therapist_api, django_assert_num_queries):
    mat = EquipmentFactory()
    for index in range(size):
        ExerciseFactory(owner=therapist if index % 2 else None).equipment.add(mat)
    # token + user, count, page of exercises, their steps, their equipment
    with django_assert_num_queries(5):
        body = get_ok(therapist_api, "/api/v1/exercises/")
    assert body["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_patient_list_queries(size, therapist, therapist_api, django_assert_num_queries):
    PatientFactory.create_batch(size, therapist=therapist)
    # token + user, therapist role, count, page of patients with their logins
    with django_assert_num_queries(4):
        body = get_ok(therapist_api, "/api/v1/patients/")
    assert body["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_prescription_list_queries(size, therapist, therapist_api, django_assert_num_queries):
    for _ in range(size):
        program = PrescriptionFactory(patient=PatientFactory(therapist=therapist))
        PrescriptionItemFactory.create_batch(3, prescription=program)
    # token + user, therapist role, count, page of programs with patients and logins,
    # their current items with exercises
    with django_assert_num_queries(5):
        body = get_ok(therapist_api, "/api/v1/prescriptions/")
    assert body["count"] == size
    assert all(len(program["items"]) == 3 for program in body["results"])


@pytest.mark.parametrize("size", SIZES)
def test_template_list_queries(size, therapist, therapist_api, django_assert_num_queries):
    for index in range(size):
        template = ProgramTemplateFactory(owner=therapist if index % 2 else None)
        ProgramTemplateItemFactory.create_batch(2, template=template)
    # token + user, therapist role, count, page of templates, their items with exercises
    with django_assert_num_queries(5):
        body = get_ok(therapist_api, "/api/v1/templates/")
    assert body["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_alert_list_queries(size, therapist, therapist_api, django_assert_num_queries):
    for _ in range(size):
        patient = PatientFactory(therapist=therapist)
        Alert.objects.create(patient=patient, kind=AlertKind.REPORT, message="Tingling")
    # token + user, therapist role, count, page of alerts with patients and logins
    with django_assert_num_queries(4):
        body = get_ok(therapist_api, "/api/v1/alerts/")
    assert body["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_completion_list_queries(
    size, patient_api, program, bridge, today, django_assert_num_queries
):
    for days in range(size):
        CompletionFactory(item=bridge, date=today - days * ONE_DAY)
    # token + user with their patient profile, count, page of completions
    with django_assert_num_queries(3):
        body = get_ok(patient_api, "/api/v1/me/completions/")
    assert body["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_pain_report_list_queries(
    size, patient, patient_api, program, today, django_assert_num_queries
):
    for days in range(size):
        PainReportFactory(patient=patient, prescription=program, date=today - days * ONE_DAY)
    # token + user with their patient profile, count, page of reports with patient and
    # program (for the guidance), their open safety pause (guidance never below it)
    with django_assert_num_queries(4):
        body = get_ok(patient_api, "/api/v1/me/pain-reports/")
    assert body["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_plan_queries(size, patient, patient_api, program, today, django_assert_num_queries):
    mat = EquipmentFactory()
    for _ in range(size):
        item = PrescriptionItemFactory(prescription=program)
        item.exercise.equipment.add(mat)
        CompletionFactory(item=item, date=today)
    PainReportFactory(patient=patient, prescription=program, date=today)
    # token + user with their patient profile, programs of the day, their items with
    # exercises, the exercises' steps, their equipment, the day's completions, its reports,
    # the open safety pause (if any), "not sure yet" reports to follow up, today's morning
    # check, the items' photos and videos, their exercises' photos and videos
    with django_assert_num_queries(12):
        body = get_ok(patient_api, "/api/v1/me/plan/")
    assert body["due_count"] == size * program.times_per_day


@pytest.mark.parametrize("size", SIZES)
def test_fhir_export_queries(
    size, therapist_api, patient, program, today, django_assert_num_queries
):
    for days in range(size):
        PrescriptionItemFactory(prescription=program)
        PainReportFactory(patient=patient, prescription=program, date=today - days * ONE_DAY)
    PrescriptionFactory(patient=patient)
    ContentType.objects.get_for_model(Patient)  # cached for the audit entry, as in a server
    # token + user, therapist role, the patient with their login, the access entry in the
    # audit trail, programs with their authors, the programs' items with exercises, reports,
    # episodes of care (none here; with some, their measures and sent responses: two more)
    with django_assert_num_queries(8):
        body = get_ok(therapist_api, f"/api/v1/patients/{patient.pk}/fhir/")
    assert len(body["entry"]) == 1 + 2 + size
