"""Fixtures for the bad-input, constraint, concurrency and log tests."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exercises.models import Side
from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counts live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def therapist_api(therapist) -> APIClient:
    return token_client(therapist)


@pytest.fixture
def patient_api(patient) -> APIClient:
    return token_client(patient.user)


@pytest.fixture
def today(patient) -> datetime.date:
    return patient.local_today()


@pytest.fixture
def program(patient, therapist, today):
    """An active program that started a month ago: every day, twice a day."""
    return PrescriptionFactory(
        patient=patient,
        prescribed_by=therapist,
        title="Gentle back program",
        start_date=today - datetime.timedelta(days=30),
        times_per_day=2,
    )


@pytest.fixture
def bridge(program):
    return PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(name="Bridge"),
        position=0,
        sets=3,
        reps=10,
        hold_seconds=5,
        side=Side.EACH,
    )


@pytest.fixture
def walk(program):
    return PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(
            name="Walking", reps=None, hold_seconds=None, duration_seconds=15 * 60
        ),
        position=1,
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
