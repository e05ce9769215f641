"""Fixtures for monitoring: a program with logged days, dates in the patient's zone."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import pytest

from exercises.models import Kind
from patients.models import Completion, PainReport, Patient
from prescriptions.models import Prescription, PrescriptionItem
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import days_ago


@pytest.fixture
def logged_program(patient, therapist, today) -> Prescription:
    """Every day, once a day, started 40 days ago: the program whose logs these tests read."""
    return PrescriptionFactory(
        patient=patient,
        prescribed_by=therapist,
        title="Knee program",
        start_date=days_ago(today, 40),
        pain_threshold=5,
    )


@pytest.fixture
def logged_bridge(logged_program) -> PrescriptionItem:
    return PrescriptionItemFactory(
        prescription=logged_program,
        exercise=ExerciseFactory(name="Bridge", kind=Kind.STRENGTHENING),
        position=0,
        sets=2,
        reps=10,
        hold_seconds=5,
    )


@pytest.fixture
def stretch(logged_program) -> PrescriptionItem:
    return PrescriptionItemFactory(
        prescription=logged_program,
        exercise=ExerciseFactory(name="Hamstring stretch", kind=Kind.STRETCH),
        position=1,
        sets=1,
        reps=3,
        hold_seconds=20,
    )


@pytest.fixture
def log_days() -> Callable[..., list[Completion]]:
    """Tick off the given items (all sessions given) on each of the given days."""

    def log(
        items: Iterable[PrescriptionItem], days: Iterable[datetime.date], sessions: int = 1
    ) -> list[Completion]:
        items = list(items)
        return [
            CompletionFactory(item=item, date=day, session=session)
            for day in days
            for item in items
            for session in range(1, sessions + 1)
        ]

    return log


@pytest.fixture
def report() -> Callable[..., PainReport]:
    def make(patient: Patient, day: datetime.date, pain: int, **fields: object) -> PainReport:
        return PainReportFactory(patient=patient, date=day, pain=pain, **fields)

    return make
