"""A patient's progress on one program, for the therapist between visits.

Read in a fixed number of queries whatever the number of days, items or reports: the
patient's programs, the chosen program's items, its completions, the patient's pain reports
over the program, the days with data in the last 30 days, the program's change history, the
suggestions waiting and the alerts.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.charts import PainChart, highest_pain_by_day, pain_chart
from patients.models import Alert, Completion, PainReport, Patient
from prescriptions.adherence import (
    NOTHING_DONE,
    ONE_DAY,
    Adherence,
    DayCount,
    DoneByDay,
    adherence_window,
    adherence_windows,
    done_by_day,
    tally,
)
from prescriptions.audit import TrailEntry, describe_all, program_trail
from prescriptions.models import (
    Prescription,
    PrescriptionItem,
    ProgressionSuggestion,
    Status,
    SuggestionStatus,
)
from prescriptions.schedule import Schedule

DATA_WINDOW_DAYS = 30
CALENDAR_MAX_WEEKS = 26
NOTES_SHOWN = 50
CHANGES_SHOWN = 30
ACKNOWLEDGED_SHOWN = 10
ACKNOWLEDGED_DAYS = 30


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    today: datetime.date
    count: DayCount | None  # None outside the program's dates
    pain: int | None

    @property
    def status(self) -> str:
        if self.day > self.today:
            return "future"
        if self.count is None:
            return "outside"
        if not self.count.due:
            return "rest"
        if self.count.done == self.count.due:
            return "done"
        if self.day == self.today:
            return "open"
        return "partly" if self.count.done else "missed"

    @property
    def status_text(self) -> str:
        count = self.count
        values = {"done": count.done if count else 0, "due": count.due if count else 0}
        return {
            "future": _("not yet"),
            "outside": _("outside the program"),
            "rest": _("nothing due"),
            "done": _("all done"),
            "open": _("%(done)s of %(due)s done so far") % values,
            "partly": _("%(done)s of %(due)s done") % values,
            "missed": _("nothing done"),
        }[self.status]

    @property
    def mark(self) -> str:
        return {"done": "✓", "partly": "◐", "missed": "○", "open": "…"}.get(self.status, "")


@dataclass(frozen=True)
class ExerciseRate:
    item: PrescriptionItem
    due: int
    done: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


@dataclass(frozen=True)
class DataDays:
    """Distinct days with a completion or a pain report in the 30 days up to today."""

    first: datetime.date
    last: datetime.date
    days: frozenset[datetime.date]

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def total(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class Progress:
    patient: Patient
    today: datetime.date
    programs: list[Prescription]
    program: Prescription | None
    data_days: DataDays
    first: datetime.date | None = None
    last: datetime.date | None = None
    chart: PainChart | None = None
    reports: list[PainReport] = field(default_factory=list)
    weeks: list[list[CalendarDay]] = field(default_factory=list)
    calendar_cut: bool = False
    rates: list[ExerciseRate] = field(default_factory=list)
    overall: Adherence | None = None
    windows: list[Adherence] = field(default_factory=list)
    notes: list[PainReport] = field(default_factory=list)
    changes: list[TrailEntry] = field(default_factory=list)
    suggestions: list[ProgressionSuggestion] = field(default_factory=list)
    open_alerts: list[Alert] = field(default_factory=list)
    acknowledged_alerts: list[Alert] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.first is not None and self.last is not None and self.first <= self.last


def programs_by_relevance(patient: Patient) -> list[Prescription]:
    """The patient's programs: active, then paused, then ended; newest first within each."""
    return list(
        patient.prescriptions.annotate(
            status_order=Case(
                When(status=Status.ACTIVE, then=Value(0)),
                When(status=Status.PAUSED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("status_order", "-start_date", "-pk")
    )


def _data_days(patient: Patient, today: datetime.date) -> DataDays:
    first = today - datetime.timedelta(days=DATA_WINDOW_DAYS - 1)
    completions = Completion.objects.filter(patient=patient, date__gte=first, date__lte=today)
    reports = PainReport.objects.filter(patient=patient, date__gte=first, date__lte=today)
    # One query: UNION drops the duplicates (and compound queries take no ORDER BY parts).
    days = (
        completions.order_by()
        .values_list("date", flat=True)
        .union(reports.order_by().values_list("date", flat=True))
    )
    return DataDays(first=first, last=today, days=frozenset(days))


def _weeks(
    program: Prescription,
    done: DoneByDay,
    pain_by_day: dict[datetime.date, int],
    first: datetime.date,
    last: datetime.date,
    today: datetime.date,
) -> tuple[list[list[CalendarDay]], bool]:
    """Monday-to-Sunday weeks from the program's start (at most the last 26 weeks)."""
    start = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=6 - last.weekday())
    earliest = end - datetime.timedelta(days=7 * CALENDAR_MAX_WEEKS - 1)
    cut = start < earliest
    start = max(start, earliest)
    weeks: list[list[CalendarDay]] = []
    schedule = Schedule.of([program])
    day = start
    while day <= end:
        inside = first <= day <= last
        count = tally(schedule.plan_for(day), done.get(day, NOTHING_DONE), day) if inside else None
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(CalendarDay(day=day, today=today, count=count, pain=pain_by_day.get(day)))
        day += ONE_DAY
    return weeks, cut


def _rates(
    program: Prescription, done: DoneByDay, first: datetime.date, last: datetime.date
) -> list[ExerciseRate]:
    """Due and done sessions of each item from the program's start to ``last``."""
    due: Counter[int] = Counter()
    finished: Counter[int] = Counter()
    schedule = Schedule.of([program])
    day = first
    while day <= last:
        ticked = done.get(day, NOTHING_DONE)
        for planned in schedule.plan_for(day):
            for item in planned.items:
                for number in planned.session_numbers:
                    due[item.pk] += 1
                    finished[item.pk] += (item.pk, number) in ticked
        day += ONE_DAY
    items = sorted(
        program.items.all(),
        key=lambda item: (item.removed_on is not None, item.position, item.pk),
    )
    return [ExerciseRate(item=item, due=due[item.pk], done=finished[item.pk]) for item in items]


def load_progress(
    patient: Patient,
    *,
    program_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Progress:
    """The progress page's numbers for the chosen program (by default the most relevant)."""
    now = now or timezone.now()
    today = patient.local_today(now)
    programs = programs_by_relevance(patient)
    program = next((p for p in programs if p.pk == program_id), programs[0] if programs else None)
    progress = Progress(
        patient=patient,
        today=today,
        programs=programs,
        program=program,
        data_days=_data_days(patient, today),
    )
    alerts = list(
        Alert.objects.filter(patient=patient)
        .filter(
            Q(acknowledged_at__isnull=True)
            | Q(acknowledged_at__gte=now - datetime.timedelta(days=ACKNOWLEDGED_DAYS))
        )
        .select_related("acknowledged_by")
        .order_by("-created_at", "-pk")
    )
    for alert in alerts:
        alert.patient = patient
    progress.open_alerts = sorted((a for a in alerts if a.is_open), key=lambda a: -a.severity_rank)
    progress.acknowledged_alerts = [a for a in alerts if not a.is_open][:ACKNOWLEDGED_SHOWN]
    if program is None:
        return progress

    items = PrescriptionItem.objects.select_related("exercise")
    prefetch_related_objects([program], Prefetch("items", queryset=items))
    first = program.start_date
    last = min(today, program.end_date) if program.end_date else today
    progress.first, progress.last = first, last
    progress.suggestions = list(
        ProgressionSuggestion.objects.filter(prescription=program, status=SuggestionStatus.PENDING)
        .select_related("item__exercise")
        .order_by("item__position", "pk")
    )
    progress.changes = describe_all(program_trail(program)[:CHANGES_SHOWN], patient=patient)
    if first > last:
        return progress

    done = done_by_day(
        Completion.objects.filter(
            item__prescription=program, date__gte=first, date__lte=last
        ).values_list("item_id", "date", "session")
    )
    reports = list(
        PainReport.objects.filter(patient=patient, date__gte=first, date__lte=last).order_by(
            "date", "session"
        )
    )
    pain_by_day = highest_pain_by_day(reports)
    progress.reports = reports
    progress.chart = pain_chart(
        pain_by_day, first=first, last=last, threshold=program.pain_threshold
    )
    progress.weeks, progress.calendar_cut = _weeks(program, done, pain_by_day, first, last, today)
    counted_last = min(last, today - ONE_DAY)
    progress.rates = _rates(program, done, first, counted_last)
    days = (counted_last - first).days + 1
    if days > 0:
        progress.overall = adherence_window(
            [program], done, days=days, today=counted_last + ONE_DAY
        )
    progress.windows = adherence_windows([program], done, windows=(7, 28), today=today)
    progress.notes = [r for r in reversed(reports) if r.note][:NOTES_SHOWN]
    return progress
