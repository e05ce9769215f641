"""When each questionnaire of an episode is due.

A measure at the start is due on the episode's first day; one repeated is due then and every
``every_weeks`` weeks after; one at discharge from the day the therapist asks for it. Only the
latest due date counts: a questionnaire missed two weeks ago is not asked twice, it is
superseded by the next. One is overdue once it has waited more than ``OVERDUE_AFTER_DAYS``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from outcomes.models import (
    Episode,
    MeasureDefinition,
    MeasureResponse,
    ScheduledMeasure,
    Timing,
)

OVERDUE_AFTER_DAYS = 3


def latest_due_date(
    scheduled: ScheduledMeasure, episode: Episode, today: datetime.date
) -> datetime.date | None:
    """The latest date on or before today the measure was due in the episode, if any."""
    last_day = min(today, episode.ended_on) if episode.ended_on else today
    if scheduled.timing == Timing.DISCHARGE:
        asked = episode.discharge_asked_on
        return asked if asked is not None and asked <= last_day else None
    if episode.started_on > last_day:
        return None
    if scheduled.timing == Timing.INTAKE or not scheduled.every_weeks:
        return episode.started_on
    interval = 7 * scheduled.every_weeks
    rounds = (last_day - episode.started_on).days // interval
    return episode.started_on + datetime.timedelta(days=rounds * interval)


def due_dates(
    scheduled: ScheduledMeasure, episode: Episode, until: datetime.date
) -> list[datetime.date]:
    """Every date the measure was due in the episode up to ``until``."""
    latest = latest_due_date(scheduled, episode, until)
    if latest is None:
        return []
    if scheduled.timing != Timing.REPEAT or not scheduled.every_weeks:
        return [latest]
    step = datetime.timedelta(weeks=scheduled.every_weeks)
    dates, day = [], episode.started_on
    while day <= latest:
        dates.append(day)
        day += step
    return dates


@dataclass(frozen=True)
class Due:
    """A questionnaire waiting for the patient (perhaps begun: ``response``)."""

    scheduled: ScheduledMeasure
    due_on: datetime.date
    response: MeasureResponse | None
    overdue: bool

    @property
    def measure(self) -> MeasureDefinition:
        return self.scheduled.measure

    @property
    def pages_answered(self) -> int:
        if self.response is None:
            return 0
        answers = self.response.answers
        return sum(
            1
            for page in self.measure.measure.pages
            if any(item.id in answers for item in page.items)
        )


def due_now(
    episode: Episode | None,
    schedule: list[ScheduledMeasure],
    responses: list[MeasureResponse],
    today: datetime.date,
) -> list[Due]:
    """The questionnaires the patient has not sent yet for their latest due date."""
    if episode is None or not episode.is_open:
        return []
    by_key = {(response.measure_id, response.due_on): response for response in responses}
    waiting = []
    for scheduled in schedule:
        due_on = latest_due_date(scheduled, episode, today)
        if due_on is None:
            continue
        response = by_key.get((scheduled.measure_id, due_on))
        if response is not None and response.is_submitted:
            continue
        overdue = (today - due_on).days > OVERDUE_AFTER_DAYS
        waiting.append(Due(scheduled, due_on, response, overdue))
    return waiting
