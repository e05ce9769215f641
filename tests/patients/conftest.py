"""Fixtures for the patient app; the program and its exercises are in tests/conftest.py."""

from __future__ import annotations

import datetime

import pytest

HTMX = {"HTTP_HX_REQUEST": "true"}
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def times_per_day() -> int:
    """The program here runs once a day."""
    return 1
