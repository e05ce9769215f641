from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import AdminFactory, PatientFactory, PrescriptionFactory, TherapistFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the catalogue cache lives in it)."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def therapist(db):
    return TherapistFactory()


@pytest.fixture
def other_therapist(db):
    return TherapistFactory()


@pytest.fixture
def admin_user(db):
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
