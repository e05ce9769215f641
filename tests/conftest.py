from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from config.translations import compile_all
from exercises.models import Side
from tests.factories import (
    AdminFactory,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    TherapistFactory,
)
from tests.helpers import CHROMIUM, token_client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium for every Playwright test (tests/browser and the API docs page),
    headless, with no network of its own beyond the live server."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
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
def _empty_cache():
    """Each test starts with an empty cache (the catalogue cache and throttle counts live in it)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English, whatever language a request of the test before left
    active on this thread: translated catalogue fields are written in the active language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    """Plain static files (no collectstatic needed) and a fast password hasher."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Client.login() passes no request, which the lockout needs; its own tests switch it on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _media_in_a_scratch_folder(settings, tmp_path):
    """Uploaded photos and videos go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def therapist(db):
    return TherapistFactory()


@pytest.fixture
def other_therapist(db):
    return TherapistFactory()


@pytest.fixture
def admin_user(db):
    """The site admin; pytest-django's ``admin_client`` is logged in as this one."""
    return AdminFactory()


@pytest.fixture
def patient(therapist):
    return PatientFactory(therapist=therapist)


@pytest.fixture
def other_patient(other_therapist):
    return PatientFactory(therapist=other_therapist)


@pytest.fixture
def prescription(patient, therapist):
    return PrescriptionFactory(patient=patient, prescribed_by=therapist)


@pytest.fixture
def therapist_client(therapist) -> Client:
    client = Client()
    client.force_login(therapist)
    return client


@pytest.fixture
def patient_client(patient) -> Client:
    client = Client()
    client.force_login(patient.user)
    return client


@pytest.fixture
def therapist_api(therapist) -> APIClient:
    return token_client(therapist)


@pytest.fixture
def patient_api(patient) -> APIClient:
    return token_client(patient.user)


# The patient's program: two exercises, dosed, and someone else's exercise to be kept out of.


@pytest.fixture
def today(patient) -> datetime.date:
    """Today where the patient lives (what the pages and the API call today)."""
    return patient.local_today()


@pytest.fixture
def times_per_day() -> int:
    """Sessions a day in ``program`` (tests/patients overrides it: once)."""
    return 2


@pytest.fixture
def program(patient, therapist, today, times_per_day):
    """An active program that started a month ago: every day, ``times_per_day`` times."""
    return PrescriptionFactory(
        patient=patient,
        prescribed_by=therapist,
        title="Gentle back program",
        goal="Walk to the shops without pain.",
        start_date=today - datetime.timedelta(days=30),
        times_per_day=times_per_day,
    )


@pytest.fixture
def bridge(program):
    """The program's first exercise: sets of reps with a hold, each side, with a band."""
    return PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(
            name="Bridge",
            steps=["Lie on your back with knees bent.", "Lift your hips slowly."],
            precautions="Keep your neck relaxed.",
            precaution_tags=["knee"],
        ),
        position=0,
        sets=3,
        reps=10,
        hold_seconds=5,
        side=Side.EACH,
        load="light band",
        instructions="Breathe out as you lift.",
    )


@pytest.fixture
def walk(program):
    """The program's second exercise: timed, not counted."""
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


@pytest.fixture(autouse=True, scope="session")
def _compiled_translations():
    """The translations' .mo files, compiled from locale/ if a .po file is newer (``make``
    does this too; a plain ``pytest`` run should not test stale catalogs)."""
    compile_all()
