"""Outcome measures on the therapist's pages of a patient.

``{% load outcome_panel %}{% outcomes_of patient as outcomes %}`` reads the patient's latest
episode of care with its schedule and answers (three queries); then ``{{ outcomes.risk }}``
is the screening band for the header and ``{% include "outcomes/_panel.html" %}`` draws the
scores. Reading them on the progress page counts as the therapist having seen the answers
(``seen=True``): from then on the patient can no longer change them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.db.models import Prefetch
from django.utils import translation
from django.utils.safestring import SafeString

from outcomes.definitions import Measure
from outcomes.models import Episode, MeasureResponse, ScheduledMeasure
from outcomes.results import MeasureResult, episode_results, risk_reading
from outcomes.schedule import Due, due_now
from outcomes.services import mark_seen
from patients.models import Patient

register = template.Library()


@dataclass
class PatientOutcomes:
    episode: Episode | None
    results: list[MeasureResult] = field(default_factory=list)
    waiting: list[Due] = field(default_factory=list)
    risk: str = ""
    risk_source: str = ""
    language: str = "en"


@register.simple_tag
def outcomes_of(patient: Patient, seen: bool = False) -> PatientOutcomes:
    language = translation.get_language() or "en"
    episode = (
        Episode.objects.filter(patient=patient)
        .select_related("started_by")
        .prefetch_related(
            Prefetch("schedule", queryset=ScheduledMeasure.objects.select_related("measure")),
            "responses",
        )
        .order_by("-started_on", "-pk")
        .first()
    )
    if episode is None:
        return PatientOutcomes(episode=None, language=language)
    today: datetime.date = patient.local_today()
    results = episode_results(episode)
    risk = risk_reading(results, language)
    if seen and patient.archived_at is None:
        mark_seen([response for result in results for response in result.responses])
    waiting = due_now(episode, list(episode.schedule.all()), list(episode.responses.all()), today)
    return PatientOutcomes(
        episode=episode,
        results=results,
        waiting=waiting,
        risk=risk[1] if risk else "",
        risk_source=risk[0] if risk else "",
        language=language,
    )


@register.filter
def chart_for(result: MeasureResult, language: str) -> SafeString:
    return result.chart(language)


@register.filter
def band_label(result: MeasureResult, response: MeasureResponse) -> str:
    return result.band_label(response, translation.get_language() or "en")


@register.filter
def measure_text(measure: Measure, field_name: str) -> str:
    return measure.text(field_name, translation.get_language() or "en")


@register.simple_tag
def overdue_questionnaires(rows: Iterable[Any]) -> dict[int, list[Due]]:
    """The overdue questionnaires of the dashboard's patients on this page, by patient id
    (three queries for the page: open episodes, their schedules, their answers)."""
    patients = {row.patient.pk: row.patient for row in rows}
    episodes = (
        Episode.objects.open()
        .filter(patient_id__in=patients)
        .prefetch_related(
            Prefetch("schedule", queryset=ScheduledMeasure.objects.select_related("measure")),
            "responses",
        )
    )
    overdue: dict[int, list[Due]] = {}
    for episode in episodes:
        today = patients[episode.patient_id].local_today()
        waiting = due_now(
            episode, list(episode.schedule.all()), list(episode.responses.all()), today
        )
        late = [due for due in waiting if due.overdue]
        if late:
            overdue[episode.patient_id] = late
    return overdue


@register.filter
def overdue_of(overdue: dict[int, list[Due]], patient_id: int) -> list[Due]:
    return overdue.get(patient_id, [])
