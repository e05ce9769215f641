"""The shipped catalogue's precautions, condition by condition, as DESIGN §5 maps them."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from exercises.models import DEFAULT_TIPS, Exercise, Precaution
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

EVERY_EXERCISE = "every exercise"
NOT_FOR = re.compile(r"\bnot for\b", re.IGNORECASE)

# One row per condition: the shipped exercises a patient with it cannot be given without the
# therapist's confirmation. Leg lifts, roll-ups and toe touches are not in the catalogue.
MAPPING = [
    (
        Precaution.OSTEOPOROSIS,
        {
            "double-knee-to-chest",
            "partial-crunch",
            "bicycle",
            "forward-bend",
            "seated-spinal-twist",
        },
    ),
    (Precaution.ACUTE_LOW_BACK_PAIN, {"partial-crunch", "bicycle"}),
    (
        Precaution.HERNIATED_DISC,
        {
            # loaded flexion
            "partial-crunch",
            "bicycle",
            "forward-bend",
            # sustained flexion, kept as before (the safer reading)
            "single-knee-to-chest",
            "double-knee-to-chest",
            "childs-pose",
            "cat-cow",
            # nerve tensioning
            "hamstring-stretch-towel",
        },
    ),
    (Precaution.SPINAL_STENOSIS, {"prone-press-up", "sphinx", "kneeling-back-extension"}),
    (Precaution.SPONDYLOLISTHESIS, {"prone-press-up", "sphinx", "kneeling-back-extension"}),
    (
        Precaution.HIP_REPLACEMENT,
        {
            "single-knee-to-chest",
            "double-knee-to-chest",
            "knee-rolls",
            "thread-the-needle",
            # hip flexion past 90 degrees too (the safer reading of the rule)
            "childs-pose",
            "forward-bend",
            "bicycle",
        },
    ),
    (Precaution.RECENT_SPINAL_SURGERY, EVERY_EXERCISE),
    (Precaution.FALL_RISK, {"wall-sit", "walking"}),
    (
        Precaution.PREGNANCY,
        {
            "single-knee-to-chest",
            "double-knee-to-chest",
            "pelvic-tilt",
            "ta-activation-heel-slide",
            "knee-rolls",
            "hamstring-stretch-towel",
            "bridge",
            "partial-crunch",
            "bicycle",
            "prone-press-up",
            "sphinx",
            "hip-flexor-stretch",
            "childs-pose",
            # deep stretches
            "forward-bend",
            "seated-spinal-twist",
        },
    ),
    (
        Precaution.WRIST,
        {"bird-dog", "prone-press-up", "kneeling-back-extension", "cat-cow", "thread-the-needle"},
    ),
    (
        Precaution.KNEE,
        {
            "bird-dog",
            "wall-sit",
            "kneeling-back-extension",
            "hip-flexor-stretch",
            "cat-cow",
            "childs-pose",
            "thread-the-needle",
        },
    ),
]


def load_catalogue() -> None:
    call_command("load_catalogue", stdout=StringIO())


def conflicting(condition: str) -> set[str]:
    return {
        exercise.slug
        for exercise in Exercise.objects.shared()
        if exercise.precaution_conflicts([condition])
    }


def test_every_condition_has_a_row():
    assert {condition for condition, _ in MAPPING} == set(Precaution.values)


@pytest.mark.parametrize(("condition", "expected"), MAPPING, ids=[c for c, _ in MAPPING])
def test_each_condition_conflicts_with_exactly_its_exercises(condition, expected):
    load_catalogue()
    if expected == EVERY_EXERCISE:
        expected = set(Exercise.objects.shared().values_list("slug", flat=True))
    assert conflicting(condition) == expected


def test_recent_spinal_surgery_conflicts_with_a_therapists_own_exercise_too(therapist):
    own = ExerciseFactory(owner=therapist, precaution_tags=[])
    assert own.precaution_conflicts([Precaution.RECENT_SPINAL_SURGERY, Precaution.KNEE]) == [
        Precaution.RECENT_SPINAL_SURGERY
    ]
    assert own.tips_for([Precaution.RECENT_SPINAL_SURGERY]) == [
        DEFAULT_TIPS[Precaution.RECENT_SPINAL_SURGERY]
    ]


def test_loading_again_updates_the_conflicts_of_an_existing_database():
    load_catalogue()
    press_up = Exercise.objects.get(slug="prone-press-up")
    # As an older catalogue had it: a disc conflict, no stenosis, a "not for" note.
    Exercise.objects.filter(pk=press_up.pk).update(
        precaution_tags=["herniated_disc", "wrist", "pregnancy"],
        precaution_tips={},
        precautions="If you have a slipped (herniated) disc, check with your therapist.",
    )
    Exercise.objects.filter(slug="seated-spinal-twist").update(precaution_tags=[])
    load_catalogue()
    press_up.refresh_from_db()
    assert "herniated_disc" not in press_up.precaution_tags
    assert {"spinal_stenosis", "spondylolisthesis"} <= set(press_up.precaution_tags)
    assert "herniated" not in press_up.precautions
    assert set(press_up.precaution_tips) == set(press_up.precaution_tags)
    assert Exercise.objects.get(slug="seated-spinal-twist").precaution_tags == [
        "osteoporosis",
        "pregnancy",
    ]


def test_an_entry_without_precautions_clears_the_old_ones(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(
        '{"exercises": [{"slug": "press", "name": "Press", "steps": ["Press."], '
        '"body_region": "lower_back", "kind": "mobility", "position": "lying_on_front", '
        '"default_dose": {"reps": 5}, "precaution_tags": ["wrist"], '
        '"precaution_tips": {"wrist": "Rest on your fists."}}]}',
        encoding="utf-8",
    )
    call_command("load_catalogue", str(path), stdout=StringIO())
    path.write_text(
        '{"exercises": [{"slug": "press", "name": "Press", "steps": ["Press."], '
        '"body_region": "lower_back", "kind": "mobility", "position": "lying_on_front", '
        '"default_dose": {"reps": 5}}]}',
        encoding="utf-8",
    )
    call_command("load_catalogue", str(path), stdout=StringIO())
    press = Exercise.objects.get(slug="press")
    assert (press.precaution_tags, press.precaution_tips) == ([], {})


def test_each_conflict_has_a_tip_and_the_text_for_everyone_names_no_condition():
    load_catalogue()
    for exercise in Exercise.objects.shared():
        assert set(exercise.precaution_tips) == set(exercise.precaution_tags), exercise.slug
        general = exercise.precautions.lower()
        assert not NOT_FOR.search(general), exercise.slug
        for word in ("pregnan", "osteoporosis", "disc", "bones", "surgery"):
            assert word not in general, (exercise.slug, word)
        for tip in exercise.precaution_tips.values():
            assert not NOT_FOR.search(tip), exercise.slug
