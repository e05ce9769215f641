"""Pictures of exercises drawn from poses: every one renders, mirrored for the side, and only
for those who may see the exercise."""

from __future__ import annotations

import copy
import json
import shutil
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from exercises.catalogue import DEFAULT_CATALOGUE, POSES_FILE
from exercises.illustrations import exercise_svg
from exercises.models import Exercise
from tests.factories import ExerciseFactory, PrescriptionItemFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def load(path: Path | None = None) -> None:
    call_command("load_catalogue", *([str(path)] if path else []), stdout=StringIO())


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def test_every_catalogue_exercise_has_both_positions_and_renders_for_each_side():
    load()
    slugs = {entry["slug"] for entry in json.loads(DEFAULT_CATALOGUE.read_text())["exercises"]}
    exercises = Exercise.objects.shared().prefetch_related("steps")
    assert {exercise.slug for exercise in exercises} == slugs
    for exercise in exercises:
        assert {"start", "end"} <= set(exercise.pose or {}), exercise.slug
        left, right = exercise_svg(exercise, "left"), exercise_svg(exercise, "right")
        assert left
        assert right
        for svg in (left, right):
            root = parsed(svg)
            assert exercise.name in root.findtext(f"{SVG}title", "")
            assert exercise.steps.first().text in root.findtext(f"{SVG}desc", "")
            assert root.find(f".//{SVG}g[@class='pose-start']") is not None, exercise.slug
            assert root.find(f".//{SVG}g[@class='pose-end']") is not None, exercise.slug
        assert "scale(-1 1)" in right
        assert "scale(-1 1)" not in left


def test_a_movement_in_three_steps_shows_its_middle_position_and_says_so():
    load()
    cat_cow = Exercise.objects.get(slug="cat-cow")
    assert set(cat_cow.pose) >= {"start", "middle", "end"}
    root = parsed(exercise_svg(cat_cow))
    assert root.find(f".//{SVG}g[@class='pose-middle']") is not None
    assert "the way through" in root.findtext(f"{SVG}desc", "")


def copy_catalogue(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.json"
    shutil.copy(DEFAULT_CATALOGUE, path)
    shutil.copy(DEFAULT_CATALOGUE.with_name(POSES_FILE), tmp_path / POSES_FILE)
    return path


def write_poses(tmp_path: Path, change) -> None:
    poses = json.loads((tmp_path / POSES_FILE).read_text())
    change(poses)
    (tmp_path / POSES_FILE).write_text(json.dumps(poses))


def test_a_knee_bent_further_than_a_body_can_is_refused_naming_the_exercise(tmp_path):
    path = copy_catalogue(tmp_path)

    def bend_too_far(poses):
        poses["bridge"]["end"]["leg"] = [68, 260, 90]

    write_poses(tmp_path, bend_too_far)
    with pytest.raises(CommandError) as error:
        load(path)
    assert "(bridge)" in str(error.value)
    assert "knee bend" in str(error.value)
    assert not Exercise.objects.exists()


def test_a_pose_without_its_end_position_is_refused_naming_the_exercise(tmp_path):
    path = copy_catalogue(tmp_path)
    write_poses(tmp_path, lambda poses: poses["sphinx"].pop("end"))
    with pytest.raises(CommandError) as error:
        load(path)
    assert "(sphinx)" in str(error.value)
    assert "end position" in str(error.value)


def test_a_pose_for_an_exercise_not_in_the_catalogue_is_refused(tmp_path):
    path = copy_catalogue(tmp_path)
    write_poses(tmp_path, lambda poses: poses.update(juggling=copy.deepcopy(poses["bridge"])))
    with pytest.raises(CommandError) as error:
        load(path)
    assert "juggling" in str(error.value)


def picture(client: Client, slug: str, side: str = ""):
    url = reverse("exercise_picture", kwargs={"slug": slug})
    return client.get(url, {"side": side} if side else {})


def test_a_therapist_gets_the_picture_as_svg_mirrored_for_the_right_side(therapist_client):
    load()
    left = picture(therapist_client, "bird-dog", "left")
    right = picture(therapist_client, "bird-dog", "right")
    assert left.status_code == right.status_code == 200
    assert left["Content-Type"].startswith("image/svg+xml")
    assert "max-age" in left["Cache-Control"]
    assert left.content != right.content
    assert parsed(right.content.decode()).findtext(f"{SVG}title") == (
        "Bird-dog, right side: how to do it"
    )
    assert picture(therapist_client, "bird-dog", "upside-down").status_code == 400


def test_another_therapists_own_exercise_has_no_picture_for_you(
    therapist, other_therapist, therapist_client
):
    theirs = ExerciseFactory(owner=other_therapist)
    mine = ExerciseFactory(owner=therapist, position="standing")
    assert picture(therapist_client, theirs.slug).status_code == 404
    # An own exercise without a pose shows the position it starts in.
    assert picture(therapist_client, mine.slug).status_code == 200


def test_a_patient_sees_their_therapists_own_exercise_only_once_it_is_in_their_program(
    therapist, patient, prescription
):
    exercise = ExerciseFactory(owner=therapist)
    client = Client()
    client.force_login(patient.user)
    assert picture(client, exercise.slug).status_code == 404
    PrescriptionItemFactory(prescription=prescription, exercise=exercise)
    assert picture(client, exercise.slug).status_code == 200


def test_the_contact_sheet_shows_every_catalogue_exercise_with_its_name(therapist_client):
    load()
    response = therapist_client.get(reverse("clinic:exercise_illustrations"))
    html = response.content.decode()
    assert response.status_code == 200
    for exercise in Exercise.objects.shared():
        assert escape(exercise.name) in html
    assert html.count('class="exercise-picture ') == Exercise.objects.shared().count()


def test_the_exercise_page_and_the_api_show_the_picture(therapist_client):
    load()
    bridge = Exercise.objects.get(slug="bridge")
    page = therapist_client.get(reverse("clinic:exercise_detail", kwargs={"pk": bridge.pk}))
    assert "<svg" in page.content.decode()
    api = therapist_client.get(reverse("exercise-detail", kwargs={"pk": bridge.pk}))
    assert api.json()["picture_url"].endswith("/exercises/bridge/picture.svg")
