"""Templates over the API: shared and own ones, saved from a program, used to start one."""

from __future__ import annotations

import datetime

import pytest

from prescriptions.models import Prescription, ProgramTemplate
from tests.factories import (
    ExerciseFactory,
    PrescriptionFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/templates/"


def detail(template: ProgramTemplate) -> str:
    return f"{URL}{template.pk}/"


def test_therapist_sees_starter_templates_and_their_own_not_a_colleagues(
    therapist, other_therapist, therapist_api
):
    ProgramTemplateFactory(name="Starter")
    ProgramTemplateFactory(name="Mine", owner=therapist)
    ProgramTemplateFactory(name="Theirs", owner=other_therapist)
    response = therapist_api.get(URL)
    assert [t["name"] for t in response.json()["results"]] == ["Mine", "Starter"]
    mine = therapist_api.get(URL, {"source": "mine"}).json()["results"]
    assert [(t["name"], t["is_own"], t["is_shared"]) for t in mine] == [("Mine", True, False)]
    shared = therapist_api.get(URL, {"source": "shared"}).json()["results"]
    assert [t["name"] for t in shared] == ["Starter"]


def test_a_template_shows_its_exercises_with_their_dose(therapist_api):
    item = ProgramTemplateItemFactory(exercise=ExerciseFactory(name="Bridge"), sets=2, reps=8)
    response = therapist_api.get(detail(item.template))
    assert response.status_code == 200
    assert response.json()["items"][0]["exercise_name"] == "Bridge"
    assert response.json()["items"][0]["dose_text"] == "2 sets of 8 repetitions"


def test_a_colleagues_template_answers_404(other_therapist, therapist_api):
    theirs = ProgramTemplateFactory(owner=other_therapist)
    assert therapist_api.get(detail(theirs)).status_code == 404
    assert therapist_api.delete(detail(theirs)).status_code == 404


def test_patients_do_not_see_templates(patient_api):
    assert patient_api.get(URL).status_code == 404


def test_therapist_saves_a_program_as_their_own_template(
    therapist, program, bridge, walk, therapist_api
):
    response = therapist_api.post(
        URL,
        {"prescription": program.pk, "name": "Back basics", "description": "Weeks 1–4"},
        format="json",
    )
    assert response.status_code == 201, response.content
    template = ProgramTemplate.objects.get(pk=response.json()["id"])
    assert template.owner == therapist
    assert template.times_per_day == program.times_per_day
    assert [item.exercise for item in template.items.order_by("position")] == [
        bridge.exercise,
        walk.exercise,
    ]
    assert response.json()["is_own"] is True


def test_only_programs_of_the_care_team_can_become_templates(other_patient, therapist_api):
    theirs = PrescriptionFactory(patient=other_patient)
    response = therapist_api.post(URL, {"prescription": theirs.pk, "name": "Mine?"}, format="json")
    assert response.status_code == 400
    assert "prescription" in response.json()
    assert not ProgramTemplate.objects.exists()


def test_a_program_without_exercises_cannot_become_a_template(program, therapist_api):
    response = therapist_api.post(URL, {"prescription": program.pk, "name": "Empty"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Add at least one exercise to the template."]}


def test_therapist_deletes_their_own_template_but_not_a_starter(therapist, therapist_api):
    mine = ProgramTemplateFactory(owner=therapist)
    starter = ProgramTemplateFactory()
    assert therapist_api.delete(detail(starter)).status_code == 403
    assert therapist_api.delete(detail(mine)).status_code == 204
    assert list(ProgramTemplate.objects.all()) == [starter]


def test_therapist_starts_a_program_from_a_starter_template(therapist, patient, therapist_api):
    item = ProgramTemplateItemFactory(
        template=ProgramTemplateFactory(name="Knee basics", times_per_day=2, days_of_week=[0, 3]),
        sets=2,
        reps=8,
    )
    response = therapist_api.post(
        f"{detail(item.template)}start/",
        {"patient": patient.pk, "start_date": "2026-04-06", "end_date": "2026-05-03"},
        format="json",
    )
    assert response.status_code == 201, response.content
    program = Prescription.objects.get(pk=response.json()["id"])
    assert (program.patient, program.prescribed_by, program.template) == (
        patient,
        therapist,
        item.template,
    )
    assert (program.title, program.times_per_day, program.days_of_week) == (
        "Knee basics",
        2,
        [0, 3],
    )
    assert (program.start_date, program.end_date) == (
        datetime.date(2026, 4, 6),
        datetime.date(2026, 5, 3),
    )
    assert response.json()["items"][0]["dose_text"] == "2 sets of 8 repetitions"


def test_a_program_from_a_template_is_only_for_the_care_team(other_patient, therapist_api):
    template = ProgramTemplateFactory()
    response = therapist_api.post(
        f"{detail(template)}start/",
        {"patient": other_patient.pk, "start_date": "2026-04-06", "end_date": "2026-04-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"patient": ["No such patient on your care team."]}
    assert not Prescription.objects.exists()
