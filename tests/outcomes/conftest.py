"""Fixtures for outcome measures: the shipped questionnaires loaded, an episode under way."""

from __future__ import annotations

import datetime

import pytest

from outcomes.loading import load_measures
from outcomes.models import MeasureDefinition
from outcomes.services import Choice, start_episode


@pytest.fixture
def measures(db) -> dict[str, MeasureDefinition]:
    load_measures()
    return {row.code: row for row in MeasureDefinition.objects.all()}


@pytest.fixture
def episode(patient, therapist, measures, today):
    """Started 10 days ago with the low back pain set: STarT Back at the start, the activities
    scale and weekly pain every 2 weeks, the impression of change at discharge."""
    return start_episode(
        patient=patient,
        started_by=therapist,
        started_on=today - datetime.timedelta(days=10),
        choices=[
            Choice(measures["startback"], "intake"),
            Choice(measures["psfs"], "repeat", 2),
            Choice(measures["pain-week"], "repeat", 2),
            Choice(measures["pgic"], "discharge"),
        ],
    )
