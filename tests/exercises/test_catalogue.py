from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exercises.catalogue import DEFAULT_CATALOGUE
from exercises.models import Exercise, ExerciseStep
from tests.factories import ExerciseFactory, TherapistFactory

pytestmark = pytest.mark.django_db


def load(path: Path | None = None) -> str:
    out = StringIO()
    call_command("load_catalogue", *([str(path)] if path else []), stdout=out)
    return out.getvalue()


def test_shipped_catalogue_loads_at_least_twenty_exercises_with_steps_and_doses():
    load()
    exercises = Exercise.objects.shared().prefetch_related("steps", "equipment")
    assert exercises.count() >= 20
    for exercise in exercises:
        assert exercise.steps.count() >= 2, exercise.slug
        assert exercise.reps or exercise.duration_seconds, exercise.slug
        assert exercise.summary, exercise.slug
    bridge = Exercise.objects.get(slug="bridge")
    assert [s.order for s in bridge.steps.all()] == list(range(1, bridge.steps.count() + 1))


def test_loading_twice_updates_without_duplicating():
    load()
    counts = (Exercise.objects.count(), ExerciseStep.objects.count())
    output = load()
    assert (Exercise.objects.count(), ExerciseStep.objects.count()) == counts
    assert "0 created" in output


def test_reloading_restores_an_edited_exercise_from_the_file():
    load()
    Exercise.objects.filter(slug="bridge").update(name="Changed", reps=99)
    load()
    bridge = Exercise.objects.get(slug="bridge")
    assert bridge.name != "Changed"
    assert bridge.reps != 99


def broken_copy(tmp_path: Path, break_entry) -> Path:
    data = json.loads(DEFAULT_CATALOGUE.read_text())
    break_entry(data["exercises"][3])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return path


def test_malformed_entry_names_file_and_entry_and_changes_nothing(tmp_path):
    path = broken_copy(tmp_path, lambda entry: entry.update(body_region="elbow"))
    slug = json.loads(path.read_text())["exercises"][3]["slug"]
    with pytest.raises(CommandError) as error:
        load(path)
    message = str(error.value)
    assert str(path) in message
    assert slug in message
    assert "body_region" in message
    assert Exercise.objects.count() == 0


def test_entry_without_reps_or_duration_is_refused(tmp_path):
    def no_dose(entry: dict) -> None:
        entry["default_dose"] = {"sets": 1, "reps": None, "duration_seconds": None}

    path = broken_copy(tmp_path, no_dose)
    with pytest.raises(CommandError, match="exercise #4"):
        load(path)
    assert Exercise.objects.count() == 0


def test_a_failure_late_in_the_file_rolls_back_earlier_updates(tmp_path):
    load()
    data = json.loads(DEFAULT_CATALOGUE.read_text())
    data["exercises"][0]["name"] = "Renamed first"
    data["exercises"][-1]["steps"] = []
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="missing steps"):
        load(path)
    assert not Exercise.objects.filter(name="Renamed first").exists()


def test_invalid_json_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="bad.json.*not valid JSON"):
        load(path)


def test_dump_writes_the_format_load_reads(tmp_path):
    load()
    dumped = tmp_path / "dump.json"
    call_command("dump_catalogue", str(dumped), stdout=StringIO())
    original = json.loads(DEFAULT_CATALOGUE.read_text())
    round_trip = json.loads(dumped.read_text())
    assert len(round_trip["exercises"]) == len(original["exercises"])
    by_slug = {e["slug"]: e for e in round_trip["exercises"]}
    for entry in original["exercises"]:
        assert by_slug[entry["slug"]]["steps"] == entry["steps"]
        assert by_slug[entry["slug"]]["name"] == entry["name"]
    Exercise.objects.all().delete()
    assert "created" in load(dumped)
    assert Exercise.objects.count() == len(original["exercises"])


def test_dump_leaves_out_therapists_private_exercises(tmp_path):
    ExerciseFactory(slug="my-own", owner=TherapistFactory())
    dumped = tmp_path / "dump.json"
    call_command("dump_catalogue", str(dumped), stdout=StringIO())
    assert "my-own" not in dumped.read_text()


def test_starter_templates_load_after_the_catalogue():
    from prescriptions.models import ProgramTemplate

    load()
    call_command("load_templates", stdout=StringIO())
    call_command("load_templates", stdout=StringIO())
    templates = ProgramTemplate.objects.filter(owner=None)
    assert set(templates.values_list("slug", flat=True)) == {
        "gentle-low-back-stretches",
        "core-strengthening",
        "mid-back-mobility",
        "walking-program",
    }
    for template in templates:
        assert template.items.count() >= 1


def test_every_shipped_exercises_default_dose_is_below_its_progression_caps():
    load()
    for exercise in Exercise.objects.shared():
        if exercise.reps is not None:
            assert exercise.reps < exercise.max_reps, exercise.slug
        if exercise.hold_seconds is not None:
            assert exercise.hold_seconds < exercise.max_hold_seconds, exercise.slug
    # Child's pose starts at a 30-second rest: the default cap would leave it nowhere to go.
    childs_pose = Exercise.objects.get(slug="childs-pose")
    assert (childs_pose.hold_seconds, childs_pose.max_hold_seconds) == (30, 60)
    bridge = Exercise.objects.get(slug="bridge")
    assert (bridge.max_reps, bridge.max_hold_seconds) == (12, 30)


def entry(**fields) -> dict[str, object]:
    return {
        "slug": "hold",
        "name": "Hold",
        "steps": ["Hold."],
        "body_region": "lower_back",
        "kind": "stretch",
        "position": "sitting",
        "default_dose": {"reps": 3, "hold_seconds": 20},
        **fields,
    }


def test_caps_in_the_file_are_loaded_dumped_and_taken_out_again(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"exercises": [entry(max_reps=8, max_hold_seconds=45)]}))
    load(path)
    dumped = tmp_path / "dump.json"
    call_command("dump_catalogue", str(dumped), stdout=StringIO())
    [written] = json.loads(dumped.read_text())["exercises"]
    assert (written["max_reps"], written["max_hold_seconds"]) == (8, 45)
    Exercise.objects.all().delete()
    load(dumped)
    hold = Exercise.objects.get(slug="hold")
    assert (hold.max_reps, hold.max_hold_seconds) == (8, 45)
    path.write_text(json.dumps({"exercises": [entry()]}))
    load(path)
    hold.refresh_from_db()
    assert (hold.max_reps, hold.max_hold_seconds) == (12, 30)


def test_a_default_dose_above_its_cap_is_refused_naming_the_entry(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"exercises": [entry(max_hold_seconds=15)]}))
    with pytest.raises(CommandError, match=r"\(hold\).*hold_seconds \(20\) is above"):
        load(path)
    assert not Exercise.objects.filter(slug="hold").exists()
