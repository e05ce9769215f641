from __future__ import annotations

import pytest

from exercises.models import BodyRegion, Kind, Position, Precaution
from tests.factories import EquipmentFactory, ExerciseFactory


@pytest.fixture
def catalogue(db):
    """A small shared catalogue with the classifications the builder filters on."""
    towel = EquipmentFactory(name="Towel", slug="towel")
    chair = EquipmentFactory(name="Chair", slug="chair")
    bridge = ExerciseFactory(
        name="Bridge",
        body_region=BodyRegion.CORE,
        kind=Kind.STRENGTHENING,
        position=Position.LYING_ON_BACK,
        reps=5,
        hold_seconds=10,
        rest_seconds=20,
        precaution_tags=[Precaution.PREGNANCY],
    )
    hamstring = ExerciseFactory(
        name="Hamstring stretch with a towel",
        body_region=BodyRegion.HIP,
        kind=Kind.STRETCH,
        position=Position.LYING_ON_BACK,
        sided=True,
        reps=3,
        hold_seconds=20,
    )
    hamstring.equipment.add(towel)
    wall_sit = ExerciseFactory(
        name="Wall sit",
        body_region=BodyRegion.KNEE,
        kind=Kind.STRENGTHENING,
        position=Position.STANDING,
        precautions="If your knees hurt, do not go down so far.",
        precaution_tags=[Precaution.KNEE],
    )
    seated_twist = ExerciseFactory(
        name="Seated spinal twist",
        body_region=BodyRegion.MID_BACK,
        kind=Kind.MOBILITY,
        position=Position.SITTING,
    )
    seated_twist.equipment.add(chair)
    walking = ExerciseFactory(
        name="Walking",
        summary="Walk at an easy pace.",
        body_region=BodyRegion.WHOLE_BODY,
        kind=Kind.AEROBIC,
        position=Position.STANDING,
        reps=None,
        hold_seconds=None,
        duration_seconds=600,
    )
    return {
        "bridge": bridge,
        "hamstring": hamstring,
        "wall_sit": wall_sit,
        "seated_twist": seated_twist,
        "walking": walking,
        "towel": towel,
        "chair": chair,
    }
