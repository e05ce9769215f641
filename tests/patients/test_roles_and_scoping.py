"""Who may see what: roles on pages and for_user() on querysets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exercises.models import Exercise
from patients.models import Alert, AlertKind, Completion, PainReport, Patient
from prescriptions.models import Prescription, ProgramTemplate
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
)

pytestmark = pytest.mark.django_db


def test_patient_cannot_open_the_therapist_workspace(patient_client):
    assert patient_client.get(reverse("clinic:caseload")).status_code == 404


def test_therapist_has_no_today_page(therapist_client):
    assert therapist_client.get(reverse("patients:today")).status_code == 404


def test_anonymous_visitor_is_asked_to_log_in(client):
    response = client.get(reverse("patients:today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_therapist_sees_only_patients_on_their_care_team(therapist, patient, other_patient):
    assert list(Patient.objects.for_user(therapist)) == [patient]
    assert list(Patient.objects.for_therapist(therapist)) == [patient]


def test_patient_sees_only_themself(patient, other_patient):
    assert list(Patient.objects.for_user(patient.user)) == [patient]


def test_programs_completions_and_reports_are_scoped(therapist, patient, other_patient):
    mine = PrescriptionItemFactory(prescription=PrescriptionFactory(patient=patient))
    theirs = PrescriptionItemFactory(prescription=PrescriptionFactory(patient=other_patient))
    CompletionFactory(item=mine)
    CompletionFactory(item=theirs)
    PainReportFactory(patient=patient)
    PainReportFactory(patient=other_patient)
    for user in (therapist, patient.user):
        assert list(Prescription.objects.for_user(user)) == [mine.prescription]
        assert {c.patient for c in Completion.objects.for_user(user)} == {patient}
        assert {r.patient for r in PainReport.objects.for_user(user)} == {patient}


def test_alerts_are_for_the_care_team_only(therapist, other_therapist, patient):
    Alert.objects.create(patient=patient, kind=AlertKind.RED_FLAG, message="Tingling")
    assert Alert.objects.for_user(therapist).count() == 1
    assert Alert.objects.for_user(other_therapist).count() == 0
    assert Alert.objects.for_user(patient.user).count() == 0


def test_private_exercises_and_templates_belong_to_their_owner(therapist, other_therapist):
    shared = ExerciseFactory()
    mine = ExerciseFactory(owner=therapist)
    ExerciseFactory(owner=other_therapist)
    ExerciseFactory(is_published=False)
    assert set(Exercise.objects.for_user(therapist)) == {shared, mine}
    starter = ProgramTemplateFactory()
    my_template = ProgramTemplateFactory(owner=therapist)
    ProgramTemplateFactory(owner=other_therapist)
    assert set(ProgramTemplate.objects.for_user(therapist)) == {starter, my_template}


def test_caseload_lists_only_my_patients_with_their_active_program(
    therapist_client, patient, other_patient
):
    PrescriptionFactory(patient=patient, title="Gentle stretches")
    PrescriptionFactory(patient=other_patient, title="Not yours")
    html = therapist_client.get(reverse("clinic:caseload")).content.decode()
    assert patient.display_name in html
    assert "Gentle stretches" in html
    assert other_patient.display_name not in html
    assert "Not yours" not in html


def test_caseload_search_by_name(therapist_client, therapist):
    from tests.factories import PatientFactory, UserFactory

    PatientFactory(therapist=therapist, user=UserFactory(first_name="Ada", last_name="Stone"))
    PatientFactory(therapist=therapist, user=UserFactory(first_name="Bo", last_name="Reed"))
    html = therapist_client.get(reverse("clinic:caseload"), {"q": "ston"}).content.decode()
    assert "Ada Stone" in html
    assert "Bo Reed" not in html
