"""The catalogue over the API: everyone reads; a therapist writes their own exercises."""

from __future__ import annotations

import pytest

from exercises.models import BodyRegion, Exercise, Kind, Position
from tests.factories import (
    EquipmentFactory,
    ExerciseFactory,
    PrescriptionItemFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"


def detail(exercise: Exercise) -> str:
    return f"{URL}{exercise.pk}/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def new_exercise(**overrides):
    return {
        "name": "Towel squeeze",
        "summary": "Squeeze a rolled towel between your knees.",
        "steps": ["Sit on a chair.", "Squeeze the towel for a count of five.", "Relax."],
        "body_region": BodyRegion.HIP,
        "kind": Kind.STRENGTHENING,
        "position": Position.SITTING,
        "reps": 10,
        "hold_seconds": 5,
        **overrides,
    }


def test_patient_reads_the_shared_catalogue_with_steps_and_dose(patient_api):
    towel = EquipmentFactory(name="Towel", slug="towel")
    stretch = ExerciseFactory(name="Hamstring stretch", sided=True, reps=3, hold_seconds=20)
    stretch.equipment.add(towel)
    response = patient_api.get(detail(stretch))
    assert response.status_code == 200
    body = response.json()
    assert body["steps"] == ["Get into position.", "Do the movement.", "Relax."]
    assert body["equipment"] == ["towel"]
    assert body["default_dose"] == "3 repetitions, hold 20 seconds, each side"
    assert body["is_shared"] is True
    assert body["is_own"] is False


def test_catalogue_shows_shared_and_own_exercises_but_not_a_colleagues(
    therapist, other_therapist, therapist_api
):
    ExerciseFactory(name="Bridge")
    ExerciseFactory(name="Mine", owner=therapist)
    ExerciseFactory(name="A colleague's", owner=other_therapist)
    ExerciseFactory(name="Draft", is_published=False)
    assert names(therapist_api.get(URL)) == ["Bridge", "Mine"]


def test_a_colleagues_private_exercise_answers_404(other_therapist, therapist_api):
    theirs = ExerciseFactory(owner=other_therapist)
    response = therapist_api.get(detail(theirs))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_catalogue_filters_by_region_kind_equipment_search_and_source(therapist, therapist_api):
    chair = EquipmentFactory(name="Chair", slug="chair")
    ExerciseFactory(name="Bridge", body_region=BodyRegion.CORE, kind=Kind.STRENGTHENING)
    twist = ExerciseFactory(
        name="Seated twist", body_region=BodyRegion.MID_BACK, kind=Kind.MOBILITY
    )
    twist.equipment.add(chair)
    ExerciseFactory(name="Own knee roll", body_region=BodyRegion.LOWER_BACK, owner=therapist)
    assert names(therapist_api.get(URL, {"body_region": "core"})) == ["Bridge"]
    assert names(therapist_api.get(URL, {"kind": "mobility"})) == ["Seated twist"]
    assert names(therapist_api.get(URL, {"equipment": "chair"})) == ["Seated twist"]
    assert names(therapist_api.get(URL, {"search": "knee"})) == ["Own knee roll"]
    assert names(therapist_api.get(URL, {"search": "mid back"})) == ["Seated twist"]
    assert names(therapist_api.get(URL, {"source": "mine"})) == ["Own knee roll"]
    assert names(therapist_api.get(URL, {"source": "shared"})) == ["Bridge", "Seated twist"]


def test_catalogue_orders_by_request_and_rejects_unknown_filter_values(therapist_api):
    ExerciseFactory(name="Alpha", difficulty=3)
    ExerciseFactory(name="Beta", difficulty=1)
    assert names(therapist_api.get(URL, {"ordering": "difficulty"})) == ["Beta", "Alpha"]
    assert names(therapist_api.get(URL, {"ordering": "-name"})) == ["Beta", "Alpha"]
    response = therapist_api.get(URL, {"kind": "juggling"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_catalogue_is_paginated_by_fifty(therapist_api):
    ExerciseFactory.create_batch(51)
    first = therapist_api.get(URL).json()
    assert (first["count"], len(first["results"])) == (51, 50)
    assert first["next"].endswith("?page=2")
    assert len(therapist_api.get(URL, {"page": 2}).json()["results"]) == 1
    assert therapist_api.get(URL, {"page": 3}).status_code == 404


def test_therapist_adds_their_own_exercise_with_steps_in_one_request(therapist, therapist_api):
    towel = EquipmentFactory(name="Towel", slug="towel")
    response = therapist_api.post(
        URL,
        new_exercise(equipment=["towel"], precaution_tags=["knee"], steps=["1. Sit.", " Go. "]),
        format="json",
    )
    assert response.status_code == 201, response.content
    exercise = Exercise.objects.get(pk=response.json()["id"])
    assert exercise.owner == therapist
    assert [step.text for step in exercise.steps.all()] == ["1. Sit.", "Go."]
    assert list(exercise.equipment.all()) == [towel]
    assert exercise.precaution_tags == ["knee"]
    assert response.json()["is_own"] is True
    assert response.json()["slug"].startswith(f"t{therapist.pk}-towel-squeeze")


def test_new_exercise_needs_at_least_one_step_and_no_blank_ones(therapist_api):
    response = therapist_api.post(URL, new_exercise(steps=[]), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"steps"}
    response = therapist_api.post(URL, new_exercise(steps=["Sit.", " "]), format="json")
    assert response.status_code == 400
    assert response.json() == {"steps": {"1": ["This field may not be blank."]}}
    assert not Exercise.objects.exists()


def test_new_exercise_needs_repetitions_or_a_duration(therapist_api):
    response = therapist_api.post(
        URL, new_exercise(reps=None, duration_seconds=None), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reps": ["Give the number of repetitions or a duration."]}


def test_new_exercise_rejects_out_of_range_doses_and_unknown_codes(therapist_api):
    response = therapist_api.post(
        URL,
        new_exercise(sets=0, hold_seconds=301, kind="juggling", precaution_tags=["gout"]),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"sets", "hold_seconds", "kind", "precaution_tags"}
    assert not Exercise.objects.exists()


def test_patient_cannot_add_exercises(patient_api):
    response = patient_api.post(URL, new_exercise(), format="json")
    assert response.status_code == 403
    assert not Exercise.objects.exists()


def test_therapist_changes_their_own_exercise_and_keeps_steps_left_out(therapist, therapist_api):
    mine = ExerciseFactory(owner=therapist, name="Old name", steps=["Keep me."])
    response = therapist_api.patch(detail(mine), {"name": "New name", "reps": 12}, format="json")
    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert (mine.name, mine.reps) == ("New name", 12)
    assert response.json()["steps"] == ["Keep me."]


def test_a_full_update_replaces_the_steps(therapist, therapist_api):
    mine = ExerciseFactory(owner=therapist)
    response = therapist_api.put(detail(mine), new_exercise(steps=["Only step."]), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["steps"] == ["Only step."]


def test_a_partial_update_cannot_leave_no_repetitions_and_no_duration(therapist, therapist_api):
    mine = ExerciseFactory(owner=therapist, reps=5, duration_seconds=None)
    response = therapist_api.patch(detail(mine), {"reps": None}, format="json")
    assert response.status_code == 400
    assert "reps" in response.json()


def test_shared_exercises_are_read_only(therapist_api):
    shared = ExerciseFactory(name="Bridge")
    response = therapist_api.patch(detail(shared), {"name": "Mine now"}, format="json")
    assert response.status_code == 403
    assert therapist_api.delete(detail(shared)).status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Bridge"


def test_a_colleagues_exercise_cannot_be_changed_or_deleted(other_therapist, therapist_api):
    theirs = ExerciseFactory(owner=other_therapist, name="Theirs")
    assert therapist_api.patch(detail(theirs), {"name": "x"}, format="json").status_code == 404
    assert therapist_api.delete(detail(theirs)).status_code == 404
    assert Exercise.objects.filter(pk=theirs.pk, name="Theirs").exists()


def test_therapist_deletes_an_unused_exercise_of_their_own(therapist, therapist_api):
    mine = ExerciseFactory(owner=therapist)
    assert therapist_api.delete(detail(mine)).status_code == 204
    assert not Exercise.objects.filter(pk=mine.pk).exists()


def test_an_exercise_in_a_program_cannot_be_deleted(therapist, therapist_api, program):
    mine = ExerciseFactory(owner=therapist)
    PrescriptionItemFactory(prescription=program, exercise=mine)
    response = therapist_api.delete(detail(mine))
    assert response.status_code == 409
    assert "part of a program" in response.json()["detail"]
    assert Exercise.objects.filter(pk=mine.pk).exists()
