"""Fixtures for API v1: more clients logged in by token (the rest are in tests/conftest.py)."""

from __future__ import annotations

import os

import pytest
from rest_framework.test import APIClient

from tests.helpers import token_client

# The docs page test drives chromium through Playwright, whose sync API keeps an event loop in
# this thread; the test database stays synchronous and safe (as in tests/browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def other_therapist_api(other_therapist) -> APIClient:
    return token_client(other_therapist)


@pytest.fixture
def other_patient_api(other_patient) -> APIClient:
    return token_client(other_patient.user)
