"""Fixtures for the patient app; the program and its exercises are in tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def times_per_day() -> int:
    """The program here runs once a day."""
    return 1
