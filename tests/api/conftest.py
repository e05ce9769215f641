"""Fixtures for API v1: clients logged in by token, and a patient's program to work on."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exercises.models import Side
from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory

ONE_DAY = datetime.timedelta(days=1)

# The docs page test drives chromium through Playwright, whose sync API keeps an event loop in
# this thread; the test database stays synchronous and safe (as in tests/browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, with the same switches as tests/browser (one browser is shared)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counts live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_header(user) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def token_client(user) -> APIClient:
    """A client that authenticates as a mobile app does: ``Authorization: Token …``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(user)["Authorization"])
    return client


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def therapist_api(therapist) -> APIClient:
    return token_client(therapist)


@pytest.fixture
def other_therapist_api(other_therapist) -> APIClient:
    return token_client(other_therapist)


@pytest.fixture
def patient_api(patient) -> APIClient:
    return token_client(patient.user)


@pytest.fixture
def other_patient_api(other_patient) -> APIClient:
    return token_client(other_patient.user)


@pytest.fixture
def today(patient) -> datetime.date:
    """Today where the patient lives."""
    return patient.local_today()


@pytest.fixture
def program(patient, therapist, today):
    """An active program that started a month ago: every day, twice a day."""
    return PrescriptionFactory(
        patient=patient,
        prescribed_by=therapist,
        title="Gentle back program",
        goal="Walk to the shops without pain.",
        start_date=today - 30 * ONE_DAY,
        times_per_day=2,
        pain_threshold=5,
    )


@pytest.fixture
def bridge(program):
    return PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(
            name="Bridge",
            steps=["Lie on your back with knees bent.", "Lift your hips slowly."],
            precaution_tags=["knee"],
        ),
        position=0,
        sets=3,
        reps=10,
        hold_seconds=5,
        side=Side.EACH,
        load="light band",
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
        prescription=PrescriptionFactory(patient=other_patient, start_date=today - 30 * ONE_DAY),
        exercise=ExerciseFactory(name="Secret stretch"),
    )
