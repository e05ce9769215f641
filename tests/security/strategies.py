"""Hostile values for forms and API fields: what a confused user, a broken app or an attacker
might send. Every strategy draws from the valid range as well, so both paths are exercised."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Function-scoped fixtures (the database, logged-in clients) are shared by the examples of one
# test on purpose: rows pile up, which is what the invariants about stored data should survive.
fuzz = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "\u200f\u202eevil\u202c",  # right-to-left marks and overrides
    "e\u0301\u0301\u0301\u0301",  # stacked combining accents
    "Z\u0336\u0334\u0338a\u0337l\u0335g\u0334o\u0336",
    "👩🏽‍⚕️🦵💥",
    "\ufeff\u200b\u2060",  # byte-order mark, zero-width space and joiner
    "<script>alert(1)</script>",
    "'; DROP TABLE patients_painreport; --",
    "{{ request.user }}{% debug %}",
    "%00%0d%0a",
    "\r\n\r\n",
    "x" * 10_001,
    "ü" * 10_001,
    "🦵" * 10_001,
]

# Any text Hypothesis can make (it never draws lone surrogates, which UTF-8 cannot carry),
# plus the hand-picked oddities above.
hostile_text = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=300))

ODD_NUMBERS = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "11",
    "301",
    "1e3",
    "5.5",
    "0x10",
    "NaN",
    "inf",
    "-inf",
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # Arabic-Indic three
    " 5 ",
    "5 reps",
    "9" * 30,
    "9" * 5_000,  # longer than Python turns into an int by default
    "\x00",
    "1\x00",
]


def hostile_number(low: int = -5, high: int = 400, *, json: bool = False) -> st.SearchStrategy:
    """A number field's value as sent: in and around the valid range, and not a number.

    For a JSON body, floats stay finite: JSON has no NaN or infinity (see the raw-body test).
    """
    return st.one_of(
        st.integers(min_value=low, max_value=high),
        st.integers(),
        st.floats(allow_nan=not json, allow_infinity=not json),
        st.sampled_from(ODD_NUMBERS),
        hostile_text,
    )


ODD_DATES = [
    "",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "20260101",
    "01/02/2026",
    "99999-01-01",
    "-2026-01-01",
    "2026-1-1",
    "today",
    "\x00",
    "2026-01-01\x00",
    "２０２６-０１-０１",  # full-width digits
]


def hostile_date(today: datetime.date) -> st.SearchStrategy[str]:
    """A date as sent: near today (some valid), far past and future, and not a date."""
    near = st.integers(min_value=-40, max_value=40).map(
        lambda days: (today + datetime.timedelta(days=days)).isoformat()
    )
    return st.one_of(
        near,
        st.dates().map(datetime.date.isoformat),
        st.sampled_from(ODD_DATES),
        hostile_text,
    )


def json_value() -> st.SearchStrategy[object]:
    """Any JSON value, for API fields that expect something else."""
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | hostile_text,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=5,
    )
