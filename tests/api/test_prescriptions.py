"""Programs over the API: a program and its exercises are written in one request."""

from __future__ import annotations

import datetime

import pytest

from exercises.models import Side
from patients.services import record_completion
from prescriptions.models import Prescription, PrescriptionItem, Status
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    ProgramTemplateFactory,
    TherapistFactory,
)
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/prescriptions/"


def detail(program: Prescription) -> str:
    return f"{URL}{program.pk}/"


def new_program(patient, *items, **overrides):
    return {
        "patient": patient.pk,
        "title": "Back to gardening",
        "goal": "Kneel in the garden for half an hour.",
        "start_date": "2026-03-02",
        "days_of_week": [0, 2, 4],
        "times_per_day": 2,
        "items": list(items),
        **overrides,
    }


def test_therapist_prescribes_a_program_with_its_exercises_in_one_request(
    therapist, patient, therapist_api
):
    bridge = ExerciseFactory(name="Bridge", reps=5, hold_seconds=10)
    hamstring = ExerciseFactory(name="Hamstring stretch", sided=True, reps=3, hold_seconds=20)
    response = therapist_api.post(
        URL,
        new_program(
            patient,
            {"exercise": bridge.pk, "sets": 2, "reps": 8, "load": "light band"},
            {"exercise": hamstring.pk},
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    program = Prescription.objects.get(pk=body["id"])
    assert (program.patient, program.prescribed_by, program.status) == (
        patient,
        therapist,
        Status.ACTIVE,
    )
    assert program.start_date == datetime.date(2026, 3, 2)
    assert body["schedule_text"] == "twice a day, Monday, Wednesday, Friday"
    first, second = program.items.order_by("position")
    assert (first.exercise, first.sets, first.reps, first.hold_seconds, first.load) == (
        bridge,
        2,
        8,
        10,  # left out: the exercise's default
        "light band",
    )
    # An item that names only the exercise takes its default dose and side.
    assert (second.sets, second.reps, second.hold_seconds, second.side) == (1, 3, 20, Side.EACH)
    assert [item["exercise_name"] for item in body["items"]] == ["Bridge", "Hamstring stretch"]
    assert [item["position"] for item in body["items"]] == [0, 1]
    assert body["items"][1]["dose_text"] == "3 repetitions, hold 20 seconds, each side"


def test_a_program_is_only_for_a_patient_on_the_care_team(other_patient, therapist_api):
    exercise = ExerciseFactory()
    response = therapist_api.post(
        URL, new_program(other_patient, {"exercise": exercise.pk}), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"patient": ["No such patient on your care team."]}
    assert not Prescription.objects.exists()


def test_a_program_cannot_use_a_colleagues_private_exercise(
    patient, other_therapist, therapist_api
):
    theirs = ExerciseFactory(owner=other_therapist)
    response = therapist_api.post(URL, new_program(patient, {"exercise": theirs.pk}), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "items": {"0": {"exercise": ["No such exercise in your catalogue."]}}
    }


def test_item_errors_are_reported_item_by_item(patient, therapist_api):
    exercise = ExerciseFactory(reps=None, hold_seconds=None, duration_seconds=60)
    response = therapist_api.post(
        URL,
        new_program(
            patient,
            {"exercise": exercise.pk},
            {"exercise": exercise.pk, "duration_seconds": None},
            {"exercise": exercise.pk, "sets": 11},
        ),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["items"]
    assert set(errors) == {"2"}  # the sets out of range; the dose rule waits for valid fields
    assert "sets" in errors["2"]
    assert not Prescription.objects.exists()


def test_dose_rule_is_checked_after_the_defaults_are_applied(patient, therapist_api):
    walk = ExerciseFactory(reps=None, hold_seconds=None, duration_seconds=600)
    response = therapist_api.post(
        URL,
        new_program(
            patient, {"exercise": walk.pk}, {"exercise": walk.pk, "duration_seconds": None}
        ),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "items": {"1": {"reps": ["Give the number of repetitions or a duration."]}}
    }


def test_a_program_needs_exercises_valid_days_and_an_end_after_the_start(patient, therapist_api):
    response = therapist_api.post(
        URL,
        new_program(patient, days_of_week=[1, 1, 9], end_date="2026-03-01"),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"items", "days_of_week"}
    exercise = ExerciseFactory()
    response = therapist_api.post(
        URL,
        new_program(patient, {"exercise": exercise.pk}, end_date="2026-03-01"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"end_date": ["The end date cannot be before the start date."]}


def test_a_program_records_the_template_it_came_from(patient, therapist_api):
    template = ProgramTemplateFactory()
    exercise = ExerciseFactory()
    response = therapist_api.post(
        URL, new_program(patient, {"exercise": exercise.pk}, template=template.pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["template"] == template.pk


def test_therapist_lists_their_care_teams_programs_and_filters_them(
    therapist, patient, therapist_api
):
    second = PatientFactory(therapist=therapist)
    PrescriptionFactory(patient=patient, title="A", status=Status.ACTIVE)
    PrescriptionFactory(patient=second, title="B", status=Status.PAUSED)
    PrescriptionFactory(title="Someone else's")

    def titles(**query: str) -> list[str]:
        return [p["title"] for p in therapist_api.get(URL, query).json()["results"]]

    assert sorted(titles()) == ["A", "B"]
    assert titles(patient=second.pk) == ["B"]
    assert titles(status="paused") == ["B"]
    assert titles(ordering="title") == ["A", "B"]


def test_filtering_by_a_patient_not_on_the_care_team_is_refused(other_patient, therapist_api):
    response = therapist_api.get(URL, {"patient": other_patient.pk})
    assert response.status_code == 400
    assert "patient" in response.json()


def test_another_therapists_program_answers_404(other_patient, therapist_api):
    theirs = PrescriptionFactory(patient=other_patient)
    assert therapist_api.get(detail(theirs)).status_code == 404
    assert therapist_api.patch(detail(theirs), {"title": "x"}, format="json").status_code == 404


def test_patients_do_not_use_the_program_endpoints(program, patient_api):
    assert patient_api.get(URL).status_code == 404
    assert patient_api.get(detail(program)).status_code == 404


def test_updating_a_program_keeps_named_items_and_their_history(
    patient, program, bridge, walk, today, therapist_api
):
    record_completion(patient=patient, item=walk, day=today, session=1)
    stretch = ExerciseFactory(name="Cat-cow")
    response = therapist_api.put(
        detail(program),
        {
            "title": "Phase two",
            "start_date": program.start_date.isoformat(),
            "times_per_day": 1,
            "items": [
                {"exercise": stretch.pk, "reps": 6},
                {"id": bridge.pk, "exercise": bridge.exercise_id, "reps": 12},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    program.refresh_from_db()
    assert (program.title, program.times_per_day) == ("Phase two", 1)
    assert program.days_of_week == [0, 1, 2, 3, 4, 5, 6]
    current = list(program.items.filter(removed_on__isnull=True).order_by("position"))
    assert [item.exercise.name for item in current] == ["Cat-cow", "Bridge"]
    bridge.refresh_from_db()
    assert (bridge.reps, bridge.sets, bridge.load) == (12, 3, "light band")  # the rest kept
    walk.refresh_from_db()
    assert walk.removed_on == today  # logged, so retired rather than deleted
    assert walk.completions.count() == 1
    assert [item["exercise_name"] for item in response.json()["items"]] == ["Cat-cow", "Bridge"]


def test_an_unlogged_item_left_out_is_deleted(program, bridge, walk, therapist_api):
    response = therapist_api.patch(
        detail(program),
        {"items": [{"id": bridge.pk, "exercise": bridge.exercise_id}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert not PrescriptionItem.objects.filter(pk=walk.pk).exists()


def test_items_of_another_program_cannot_be_claimed(program, bridge, other_item, therapist_api):
    response = therapist_api.patch(
        detail(program),
        {
            "items": [
                {"id": other_item.pk, "exercise": bridge.exercise_id},
                {"id": bridge.pk, "exercise": bridge.exercise_id},
                {"id": bridge.pk, "exercise": bridge.exercise_id},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["items"] == {
        "0": {"id": ["Not one of this program's current exercises."]},
        "2": {"id": ["This item is listed twice."]},
    }


def test_a_partial_update_without_items_keeps_them(program, bridge, walk, therapist_api):
    response = therapist_api.patch(detail(program), {"notes": "Go gently."}, format="json")
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["items"]] == [bridge.pk, walk.pk]
    program.refresh_from_db()
    assert program.notes == "Go gently."


def test_a_colleague_can_keep_an_exercise_only_the_other_therapist_owns(
    therapist, patient, program, today
):
    colleague = TherapistFactory()
    patient.care_team.add(colleague)
    own = ExerciseFactory(owner=therapist, name="My special stretch")
    program.items.create(exercise=own, position=0, sets=1, reps=5)
    item = program.items.get()
    response = token_client(colleague).patch(
        detail(program),
        {"items": [{"id": item.pk, "exercise": own.pk, "reps": 6}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.reps == 6


def test_therapist_pauses_resumes_and_ends_a_program(program, bridge, therapist_api, today):
    assert (
        therapist_api.patch(detail(program), {"status": "paused"}, format="json").json()["status"]
        == "paused"
    )
    assert (
        therapist_api.patch(detail(program), {"status": "active"}, format="json").json()["status"]
        == "active"
    )
    response = therapist_api.patch(detail(program), {"status": "ended"}, format="json")
    assert response.json()["status"] == "ended"
    assert response.json()["end_date"] == today.isoformat()


def test_a_status_change_alone_touches_nothing_else(program, therapist_api):
    """Even a program whose exercises were all taken out can be paused."""
    response = therapist_api.patch(detail(program), {"status": "paused"}, format="json")
    assert response.status_code == 200, response.content
    program.refresh_from_db()
    assert program.status == Status.PAUSED


def test_an_ended_program_cannot_be_resumed_and_nothing_else_changes(
    program, bridge, therapist_api
):
    program.status = Status.ENDED
    program.save()
    response = therapist_api.patch(
        detail(program), {"status": "active", "title": "Renamed"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot be resumed" in response.json()["status"][0]
    program.refresh_from_db()
    assert (program.status, program.title) == (Status.ENDED, "Gentle back program")


def test_programs_are_ended_not_deleted(program, therapist_api):
    assert therapist_api.delete(detail(program)).status_code == 405
