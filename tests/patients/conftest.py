"""Fixtures for the patient app: a program with dosed exercises, dates in the patient's zone."""

from __future__ import annotations

import datetime

import pytest

from exercises.models import Side
from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def today(patient) -> datetime.date:
    """Today where the patient lives (what the pages call today)."""
    return patient.local_today()


@pytest.fixture
def program(patient, therapist, today):
    """A program that started a month ago, every day, once a day."""
    return PrescriptionFactory(
        patient=patient,
        prescribed_by=therapist,
        title="Gentle back program",
        start_date=today - datetime.timedelta(days=30),
        times_per_day=1,
    )


@pytest.fixture
def bridge(program):
    return PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(
            name="Bridge",
            steps=["Lie on your back with knees bent.", "Lift your hips slowly."],
            precautions="Keep your neck relaxed.",
            precaution_tags=["knee"],
        ),
        position=1,
        sets=3,
        reps=10,
        hold_seconds=5,
        rest_seconds=None,
        side=Side.EACH,
        load="light band",
        instructions="Breathe out as you lift.",
    )


@pytest.fixture
def walk(program):
    return PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(
            name="Walking", reps=None, hold_seconds=None, duration_seconds=15 * 60
        ),
        position=2,
        sets=1,
        reps=None,
        hold_seconds=None,
        duration_seconds=15 * 60,
    )


@pytest.fixture
def other_item(other_patient, today):
    """An exercise in someone else's program."""
    return PrescriptionItemFactory(
        prescription=PrescriptionFactory(
            patient=other_patient, start_date=today - datetime.timedelta(days=30)
        ),
        exercise=ExerciseFactory(name="Secret stretch"),
    )
