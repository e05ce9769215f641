"""The bad-input, constraint, concurrency and log tests use the fixtures in tests/conftest.py."""

from __future__ import annotations

from tests.conftest import token_client as token_client  # the tests import it from here
