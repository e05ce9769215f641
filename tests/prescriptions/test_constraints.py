"""The database itself refuses bad programs, whatever the forms let through."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from prescriptions.models import Prescription, PrescriptionItem
from tests.factories import PrescriptionFactory, PrescriptionItemFactory

pytestmark = pytest.mark.django_db


def refused(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_database_refuses_end_date_before_start_date():
    program = PrescriptionFactory(start_date=datetime.date(2026, 5, 10))
    assert refused(
        lambda: Prescription.objects.filter(pk=program.pk).update(
            end_date=datetime.date(2026, 5, 9)
        )
    )


def test_database_refuses_pain_threshold_above_ten():
    program = PrescriptionFactory()
    assert refused(lambda: Prescription.objects.filter(pk=program.pk).update(pain_threshold=11))


def test_database_refuses_zero_sessions_a_day():
    program = PrescriptionFactory()
    assert refused(lambda: Prescription.objects.filter(pk=program.pk).update(times_per_day=0))


@pytest.mark.parametrize(
    "change",
    [
        {"reps": None, "duration_seconds": None},
        {"sets": 0},
        {"reps": 0},
        {"hold_seconds": 0},
        {"hold_seconds": 301},
        {"duration_seconds": 0},
    ],
    ids=[
        "no-reps-or-duration",
        "zero-sets",
        "zero-reps",
        "zero-hold",
        "hold-over-300",
        "zero-time",
    ],
)
def test_database_refuses_an_impossible_dose(change):
    item = PrescriptionItemFactory()
    assert refused(lambda: PrescriptionItem.objects.filter(pk=item.pk).update(**change))


def test_a_dose_by_duration_alone_is_accepted():
    item = PrescriptionItemFactory(reps=None, hold_seconds=None, duration_seconds=600)
    assert item.dose_text() == "2 sets, for 10 minutes"
