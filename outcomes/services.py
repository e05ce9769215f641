"""Writes for episodes of care and questionnaire answers. Keyword-only, typed, atomic.

Callers scope what they pass in (a therapist hands over their own patients, a patient their
own responses); these functions keep the data consistent.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes.models import (
    MAX_EVERY_WEEKS,
    Episode,
    MeasureDefinition,
    MeasureResponse,
    ScheduledMeasure,
    Timing,
)
from outcomes.schedule import Due, due_now
from outcomes.scoring import band_for, compute, missing
from patients.models import Patient

# A sensible start for low back pain: risk at intake, function and pain every 2 weeks, the
# patient's impression of change at discharge.
LOW_BACK_PAIN_DEFAULTS: dict[str, tuple[str, int | None]] = {
    "startback": (Timing.INTAKE, None),
    "psfs": (Timing.REPEAT, 2),
    "pain-week": (Timing.REPEAT, 2),
    "pgic": (Timing.DISCHARGE, None),
}


@dataclass(frozen=True)
class Choice:
    measure: MeasureDefinition
    timing: str
    every_weeks: int | None = None


def open_episode(patient: Patient) -> Episode | None:
    """The patient's episode in progress, with its schedule and answers (three queries)."""
    return (
        Episode.objects.open()
        .filter(patient=patient)
        .prefetch_related(
            Prefetch("schedule", queryset=ScheduledMeasure.objects.select_related("measure")),
            "responses",
        )
        .first()
    )


def waiting_for(patient: Patient, today: datetime.date) -> list[Due]:
    """The questionnaires the patient has to answer today."""
    episode = open_episode(patient)
    if episode is None:
        return []
    return due_now(episode, list(episode.schedule.all()), list(episode.responses.all()), today)


@transaction.atomic
def start_episode(
    *,
    patient: Patient,
    started_by: User,
    started_on: datetime.date,
    choices: Sequence[Choice],
) -> Episode:
    """Open an episode of care with the measures chosen; refused while one is open."""
    if Episode.objects.open().filter(patient=patient).exists():
        raise ValidationError(_("An episode of care is already open for this patient."))
    for choice in choices:
        if choice.timing == Timing.REPEAT and not 1 <= (choice.every_weeks or 0) <= MAX_EVERY_WEEKS:
            raise ValidationError(
                _("Repeat a questionnaire every 1 to %(weeks)d weeks.") % {"weeks": MAX_EVERY_WEEKS}
            )
    try:
        with transaction.atomic():
            episode = Episode.objects.create(
                patient=patient, started_on=started_on, started_by=started_by
            )
    except IntegrityError as error:  # a second start at the same moment
        raise ValidationError(_("An episode of care is already open for this patient.")) from error
    for choice in choices:
        ScheduledMeasure.objects.create(
            episode=episode,
            measure=choice.measure,
            timing=choice.timing,
            every_weeks=choice.every_weeks if choice.timing == Timing.REPEAT else None,
        )
    return episode


@transaction.atomic
def ask_discharge_measures(*, episode: Episode, today: datetime.date) -> None:
    episode.discharge_asked_on = today
    episode.save(update_fields=["discharge_asked_on"])


@transaction.atomic
def discharge(*, episode: Episode, ended_by: User, ended_on: datetime.date, note: str) -> None:
    """Close the episode. Programs are left as the therapist set them (a maintenance program
    may go on); questionnaires stop being due."""
    if not episode.is_open:
        raise ValidationError(_("This episode of care has already ended."))
    if ended_on < episode.started_on:
        raise ValidationError(_("Discharge cannot come before the episode started."))
    episode.ended_on = ended_on
    episode.ended_by = ended_by
    episode.discharge_note = note.strip()
    episode.save(update_fields=["ended_on", "ended_by", "discharge_note"])


def begin_response(*, due: Due, episode: Episode, language: str) -> MeasureResponse:
    """The response for a due questionnaire, created on the first visit (once, even when two
    tabs start it at the same moment)."""
    if due.response is not None:
        return due.response
    measure = due.scheduled.measure
    defaults = {
        "version": measure.version,
        "language": measure.measure.language_for(language),
    }
    try:
        with transaction.atomic():
            response, _created = MeasureResponse.objects.get_or_create(
                episode=episode, measure=measure, due_on=due.due_on, defaults=defaults
            )
    except IntegrityError:
        response = MeasureResponse.objects.get(episode=episode, measure=measure, due_on=due.due_on)
    return response


def _refuse_if_final(response: MeasureResponse) -> None:
    if not response.can_edit:
        raise ValidationError(
            _("Your therapist has already read these answers, so they can no longer change.")
        )


@transaction.atomic
def save_page(*, response: MeasureResponse, answers: dict[str, Any]) -> MeasureResponse:
    """Keep one page's answers (empty ones are taken out); a sent response is scored again."""
    response = (
        MeasureResponse.objects.select_for_update(of=("self",))
        .select_related("measure", "episode")
        .get(pk=response.pk)
    )
    _refuse_if_final(response)
    merged = {**response.answers}
    for item_id, value in answers.items():
        if value is None or value == "":
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    response.answers = merged
    fields = ["answers"]
    if response.is_submitted:
        if missing(response.measure.measure, merged):
            raise ValidationError(_("Answer this question: it is needed for the score."))
        _score(response)
        fields += ["scores", "band"]
    response.save(update_fields=fields)
    return response


def _score(response: MeasureResponse) -> None:
    measure = response.measure.measure
    response.scores = compute(measure, response.answers)
    band = band_for(measure, response.scores)
    response.band = band.key if band else ""


@transaction.atomic
def submit(*, response: MeasureResponse) -> MeasureResponse:
    """Send the answers: scored by the measure's rules; refused while a needed one is missing."""
    response = (
        MeasureResponse.objects.select_for_update(of=("self",))
        .select_related("measure", "episode")
        .get(pk=response.pk)
    )
    _refuse_if_final(response)
    if missing(response.measure.measure, response.answers):
        raise ValidationError(_("Some questions still need an answer."))
    _score(response)
    response.submitted_at = response.submitted_at or timezone.now()
    response.save(update_fields=["scores", "band", "submitted_at"])
    return response


def mark_seen(responses: Sequence[MeasureResponse]) -> None:
    """The therapist has seen these answers: from now on they are final."""
    ids = [response.pk for response in responses if response.is_submitted and not response.seen_at]
    if ids:
        MeasureResponse.objects.filter(pk__in=ids, seen_at__isnull=True).update(
            seen_at=timezone.now()
        )
