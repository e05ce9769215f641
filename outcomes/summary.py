"""The discharge summary: what happened in an episode of care, from intake to discharge.

Programs and their changes, how much of each was done, the pain trend, each outcome measure
from baseline to discharge against its MCID, and the alerts with how they were handled. Read
for the episode's days only (up to today while it is still open).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Prefetch, Q

from monitoring.charts import highest_pain_by_day
from outcomes.models import Episode, ScheduledMeasure
from outcomes.results import MeasureResult, episode_results
from patients.models import Alert, Completion, PainReport
from prescriptions.adherence import Adherence, adherence_window, done_by_day
from prescriptions.audit import TrailEntry, describe_all, program_trail
from prescriptions.models import Prescription, PrescriptionItem

CHANGES_PER_PROGRAM = 15
TREND_DAYS = 7


@dataclass
class ProgramPart:
    program: Prescription
    first: datetime.date
    last: datetime.date
    adherence: Adherence | None
    changes: list[TrailEntry]


@dataclass
class PainTrend:
    """The highest pain of each day, on average: over the whole episode, its first week and
    its last week (the two weeks only when they do not overlap)."""

    reports: int
    overall: float | None
    first_week: float | None
    last_week: float | None

    @property
    def change(self) -> float | None:
        if self.first_week is None or self.last_week is None:
            return None
        return round(self.last_week - self.first_week, 1)


@dataclass
class Summary:
    episode: Episode
    first: datetime.date
    last: datetime.date
    programs: list[ProgramPart] = field(default_factory=list)
    pain: PainTrend | None = None
    results: list[MeasureResult] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _program_part(program: Prescription, first: datetime.date, last: datetime.date) -> ProgramPart:
    start = max(first, program.start_date)
    end = min(last, program.end_date) if program.end_date else last
    adherence = None
    if start <= end:
        done = done_by_day(
            Completion.objects.filter(
                item__prescription=program, date__gte=start, date__lte=end
            ).values_list("item_id", "date", "session")
        )
        days = (end - start).days + 1
        adherence = adherence_window(
            [program], done, days=days, today=end + datetime.timedelta(days=1)
        )
    trail = program_trail(program).filter(
        timestamp__date__gte=first, timestamp__date__lte=last + datetime.timedelta(days=1)
    )
    changes = describe_all(trail[:CHANGES_PER_PROGRAM], patient=program.patient)
    return ProgramPart(program=program, first=start, last=end, adherence=adherence, changes=changes)


def _pain_trend(episode: Episode, first: datetime.date, last: datetime.date) -> PainTrend:
    reports = list(
        PainReport.objects.filter(patient=episode.patient, date__gte=first, date__lte=last)
    )
    worst = highest_pain_by_day(reports)
    early = [pain for day, pain in worst.items() if (day - first).days < TREND_DAYS]
    late = [pain for day, pain in worst.items() if (last - day).days < TREND_DAYS]
    overlap = (last - first).days < 2 * TREND_DAYS
    return PainTrend(
        reports=len(reports),
        overall=round(mean(worst.values()), 1) if worst else None,
        first_week=round(mean(early), 1) if early and not overlap else None,
        last_week=round(mean(late), 1) if late and not overlap else None,
    )


def discharge_summary(episode: Episode, *, today: datetime.date) -> Summary:
    first = episode.started_on
    last = episode.ended_on or today
    patient = episode.patient
    programs = list(
        Prescription.objects.filter(patient=patient, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("patient")
        .prefetch_related(
            Prefetch("items", queryset=PrescriptionItem.objects.select_related("exercise"))
        )
        .order_by("start_date", "pk")
    )
    for program in programs:
        program.patient = patient
    episode = (
        Episode.objects.filter(pk=episode.pk)
        .select_related("patient__user", "started_by", "ended_by")
        .prefetch_related(
            Prefetch("schedule", queryset=ScheduledMeasure.objects.select_related("measure")),
            "responses",
        )
        .get()
    )
    alerts = list(
        Alert.objects.filter(
            patient=patient, created_at__date__gte=first, created_at__date__lte=last
        )
        .select_related("acknowledged_by")
        .order_by("created_at", "pk")
    )
    return Summary(
        episode=episode,
        first=first,
        last=last,
        programs=[_program_part(program, first, last) for program in programs],
        pain=_pain_trend(episode, first, last),
        results=episode_results(episode),
        alerts=alerts,
    )
