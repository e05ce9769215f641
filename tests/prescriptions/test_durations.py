"""Durations as therapists type them: seconds, minutes or m:ss."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from prescriptions.forms import parse_seconds, seconds_as_text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45", 45),
        ("45 s", 45),
        ("45sec", 45),
        ("15 min", 900),
        ("15m", 900),
        ("2 minutes", 120),
        ("1:30", 90),
        ("1 h", 3600),
        (" 10 MIN ", 600),
    ],
)
def test_parse_seconds_understands_common_ways_of_writing_time(text, seconds):
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "a while", "1:75", "-5", "10 days", "1.5 min"])
def test_parse_seconds_refuses_what_it_cannot_read(text):
    with pytest.raises(ValidationError):
        parse_seconds(text)


@given(st.integers(min_value=1, max_value=3 * 60 * 60))
def test_what_the_form_shows_reads_back_as_the_same_duration(seconds):
    assert parse_seconds(seconds_as_text(seconds)) == seconds
