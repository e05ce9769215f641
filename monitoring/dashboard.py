"""The therapist's dashboard: the whole caseload at a glance, the patients who need them first.

Everything is read in a fixed number of queries whatever the number of patients, programs,
items or days:

1. the therapist's current patients with their user, latest pain, last activity and number of
   suggestions waiting (subqueries, in the same query);
2. their active programs overlapping the last 28 days, and 3. those programs' items;
4. per patient, the number and id sum of their completions over the last 28 days, and
5. the same of their pain reports over the last 14 days, with the latest edit;
6. their open alerts (with what each report said when it joined, ``Alert.entries``).

Adherence is counted in Python exactly as on the patient's own history
(``prescriptions.adherence``), each patient on their own local today, and the sparkline is
drawn; both are cached per patient under a key built from queries 2–5, so they are counted
again only for patients whose programs or logs changed (or on a new day). For those, two more
queries read the completions and pain reports themselves.

The view then sets each row's cells with ``render_cells``: the rendered row but for its open
alerts, cached under a key of everything it shows. The keys name their inputs, so an entry is
never out of date, only unused. Completions and pain reports are only added, deleted or (for
reports) edited through ``save()``, which moves ``updated_at``; the admin shows them read only.

The cache is each worker's own memory (``CACHES`` in config/settings.py). It holds patients'
names and derived health figures, so it must stay process-local, or be protected as the
database is.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import (
    Aggregate,
    Count,
    IntegerField,
    Manager,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from monitoring.charts import SPARKLINE_DAYS, PainChart, sparkline, sparkline_svg
from patients.guidance import alert_rank
from patients.models import Alert, Completion, PainReport, Patient, SafetyPause, Severity
from prescriptions.adherence import Adherence, DoneByDay, adherence_windows, done_by_day
from prescriptions.models import (
    Prescription,
    PrescriptionItem,
    ProgressionSuggestion,
    Status,
    SuggestionStatus,
)
from prescriptions.schedule import Schedule

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

WINDOWS = (7, 28)
FIGURES_CACHE_SECONDS = 15 * 60
ROWS_CACHE_VERSION = 1  # raise when the way rows are counted, drawn or rendered changes
DEFAULT_THRESHOLD: int = Prescription._meta.get_field("pain_threshold").default


@dataclass(frozen=True)
class Figures:
    """What a row counts and draws from a patient's logs: adherence and the pain sparkline.

    Kept in the cache under a key that names every input (``_figures_key``): a change to
    any of them is a miss, never a stale hit.
    """

    week: Adherence
    month: Adherence
    spark: PainChart


class Activity(TypedDict):
    """What ``caseload_with_activity`` reads with each patient."""

    latest_pain: int | None
    latest_pain_date: datetime.date | None
    last_report_at: datetime.datetime | None
    last_completion_at: datetime.datetime | None
    pending_suggestions: int | None
    safety_pause_since: datetime.datetime | None


@dataclass
class DashboardRow:
    patient: WithAnnotations[Patient, Activity]
    today: datetime.date
    programs: list[Prescription]
    figures: Figures
    figures_key: str
    alerts: list[Alert] = field(default_factory=list)
    cells: SafeString = SafeString("")  # the row but for its alerts, set by render_cells()

    @property
    def windows(self) -> list[Adherence]:
        return [self.figures.week, self.figures.month]

    @property
    def spark_svg(self) -> SafeString:
        """Drawn only when the row's cells are rendered (they are cached, see render_cells)."""
        return sparkline_svg(self.figures.spark, uid=self.patient.pk)

    @property
    def pending_suggestions(self) -> int:
        return self.patient.pending_suggestions or 0

    @property
    def safety_pause_since(self) -> datetime.datetime | None:
        """When the patient's open safety pause began (None: not paused)."""
        return self.patient.safety_pause_since

    @property
    def latest_pain(self) -> int | None:
        return self.patient.latest_pain

    @property
    def latest_pain_date(self) -> datetime.date | None:
        return self.patient.latest_pain_date

    @property
    def last_activity(self) -> datetime.datetime | None:
        moments = [
            moment
            for moment in (
                self.patient.last_completion_at,
                self.patient.last_report_at,
            )
            if moment is not None
        ]
        return max(moments, default=None)

    @property
    def days_since_activity(self) -> int | None:
        moment = self.last_activity
        if moment is None:
            return None
        return (self.today - moment.astimezone(self.patient.zone).date()).days

    @property
    def urgent(self) -> bool:
        """A critical or urgent alert is open."""
        return any(alert.severity_rank >= alert_rank(Severity.URGENT) for alert in self.alerts)

    @property
    def threshold(self) -> int:
        return self.figures.spark.threshold

    @property
    def need(self) -> int:
        """0: a critical alert is open; 1: urgent, or paused for safety (only the therapist
        ends the pause, even once its alert is acknowledged); 2: attention; 3: nothing open."""
        need = 3 - max((alert.severity_rank for alert in self.alerts), default=0)
        return min(need, 1) if self.safety_pause_since else need

    def sort_key(self) -> tuple[int, float, int, int, str, int]:
        """By the worst open alert, then its recency (a report joining an alert moves it up),
        then the lowest adherence (7 days, then 28); patients with nothing due last."""
        week = self.figures.week.percent
        month = self.figures.month.percent
        latest = max((alert.updated_at.timestamp() for alert in self.alerts), default=0.0)
        return (
            self.need,
            -latest,
            101 if week is None else week,
            101 if month is None else month,
            self.patient.display_name.lower(),
            self.patient.pk,
        )


@dataclass(frozen=True)
class Dashboard:
    rows: list[DashboardRow]

    @property
    def urgent_count(self) -> int:
        return sum(1 for row in self.rows if row.urgent)

    @property
    def paused_count(self) -> int:
        return sum(1 for row in self.rows if row.safety_pause_since)

    @property
    def alert_count(self) -> int:
        return sum(len(row.alerts) for row in self.rows)

    @property
    def suggestion_count(self) -> int:
        return sum(row.pending_suggestions for row in self.rows)


def caseload_with_activity(therapist: User) -> QuerySet[WithAnnotations[Patient, Activity]]:
    """The therapist's current patients with what the dashboard shows of each (one query)."""
    latest_report = PainReport.objects.filter(patient=OuterRef("pk")).order_by("-date", "-session")
    pending = (
        ProgressionSuggestion.objects.filter(
            prescription__patient=OuterRef("pk"), status=SuggestionStatus.PENDING
        )
        .order_by()
        .values("prescription__patient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Patient.objects.for_therapist(therapist)
        .current()
        .select_related("user")
        .annotate(
            latest_pain=Subquery(latest_report.values("pain")[:1]),
            latest_pain_date=Subquery(latest_report.values("date")[:1]),
            last_report_at=Subquery(
                PainReport.objects.filter(patient=OuterRef("pk"))
                .order_by("-updated_at")
                .values("updated_at")[:1]
            ),
            last_completion_at=Subquery(
                Completion.objects.filter(patient=OuterRef("pk"))
                .order_by("-completed_at")
                .values("completed_at")[:1]
            ),
            pending_suggestions=Subquery(pending, output_field=IntegerField()),
            safety_pause_since=SafetyPause.objects.open_since(),
        )
    )


def _threshold(programs: Sequence[Prescription], today: datetime.date) -> int:
    """The most cautious threshold of the programs running today."""
    return min((p.pain_threshold for p in programs if p.covers(today)), default=DEFAULT_THRESHOLD)


def _schedules(
    patient_ids: list[int], programs: dict[int, list[Prescription]]
) -> dict[int, Schedule]:
    """Each patient's schedule (empty without programs), with the items of all programs read
    in one query.

    (Grouped here rather than with ``prefetch_related``, which builds a queryset per program:
    a tenth of the dashboard's time at 50 patients.)
    """
    items: dict[int, list[PrescriptionItem]] = defaultdict(list)
    for item in PrescriptionItem.objects.filter(
        prescription__in=[program.pk for own in programs.values() for program in own]
    ).only("pk", "prescription_id", "position", "removed_on"):
        items[item.prescription_id].append(item)
    return {
        patient_id: Schedule.of_items(
            (program, items[program.pk]) for program in programs.get(patient_id, [])
        )
        for patient_id in patient_ids
    }


def _digests(
    logs: QuerySet | Manager,
    patient_ids: list[int],
    first: datetime.date,
    last: datetime.date,
    *more: Aggregate,
) -> dict[int, tuple[object, ...]]:
    """Per patient, what identifies their log rows (completions or pain reports) between two
    dates, in one aggregate query: the number of rows and the sum of their ids (ids only grow,
    so within the same dates any row added or removed changes the pair), plus ``more`` (sums
    of the values shown, the latest edit)."""
    return {
        patient_id: tuple(rest)
        for patient_id, *rest in logs.filter(
            patient__in=patient_ids, date__gte=first, date__lte=last
        )
        .order_by()
        .values("patient_id")
        .annotate(Count("pk"), Sum("pk"), *more)
        .values_list("patient_id", "pk__count", "pk__sum", *[m.default_alias for m in more])
    }


def _cache_key(kind: str, patient_id: int, inputs: tuple[object, ...]) -> str:
    """A key that changes whenever any of ``inputs`` (plain values) or the code's version does."""
    digest = hashlib.sha256(repr((ROWS_CACHE_VERSION, inputs)).encode()).hexdigest()
    return f"dashboard-{kind}:{patient_id}:{digest}"


def _figures_key(
    patient_id: int,
    today: datetime.date,
    windows: tuple[datetime.date, ...],
    schedule: Schedule,
    completions: tuple[object, ...] | None,
    reports: tuple[object, ...] | None,
) -> str:
    """A cache key naming everything a row's figures are computed from, including the dates
    the log digests were taken over (they depend on the whole caseload's time zones)."""
    programs = [
        (
            program.pk,
            program.status,
            program.start_date,
            program.end_date,
            tuple(program.days_of_week),
            program.times_per_day,
            repr(program.pauses),
            program.pain_threshold,
            tuple((item.pk, item.position, item.removed_on) for item in items),
        )
        for program, items in schedule.programs
    ]
    return _cache_key("figures", patient_id, (today, windows, programs, completions, reports))


def _count_figures(
    patient_ids: list[int],
    todays: dict[int, datetime.date],
    programs: dict[int, list[Prescription]],
    schedules: dict[int, Schedule],
    first: datetime.date,
    spark_first: datetime.date,
    last: datetime.date,
) -> dict[int, Figures]:
    """Adherence and sparklines of the patients named, from their logs (two queries; none
    when no patient is named)."""
    rows_by_patient: dict[int, list[tuple[int, datetime.date, int]]] = defaultdict(list)
    for patient_id, item_id, day, session in Completion.objects.filter(
        patient__in=patient_ids, date__gte=first, date__lte=last
    ).values_list("patient_id", "item_id", "date", "session"):
        rows_by_patient[patient_id].append((item_id, day, session))
    pain: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for patient_id, day, value in PainReport.objects.filter(
        patient__in=patient_ids, date__gte=spark_first, date__lte=last
    ).values_list("patient_id", "date", "pain"):
        pain[patient_id][day] = max(value, pain[patient_id].get(day, 0))

    figures = {}
    for patient_id in patient_ids:
        today = todays[patient_id]
        done: DoneByDay = done_by_day(rows_by_patient[patient_id])
        week, month = adherence_windows(schedules[patient_id], done, windows=WINDOWS, today=today)
        threshold = _threshold(programs[patient_id], today)
        spark = sparkline(pain[patient_id], today=today, threshold=threshold)
        figures[patient_id] = Figures(week=week, month=month, spark=spark)
    return figures


def load_dashboard(therapist: User, now: datetime.datetime | None = None) -> Dashboard:
    """Every current patient of the therapist, ordered by need (see ``DashboardRow.sort_key``)."""
    now = now or timezone.now()
    patients = list(caseload_with_activity(therapist))
    if not patients:
        return Dashboard(rows=[])
    # The patients just read are the therapist's own: the queries below name them by id
    # (an index lookup each) rather than repeating the care-team join as a subquery.
    scoped = [patient.pk for patient in patients]
    todays = {patient.pk: patient.local_today(now) for patient in patients}
    first = min(todays.values()) - datetime.timedelta(days=max(WINDOWS))
    last = max(todays.values())

    programs: dict[int, list[Prescription]] = defaultdict(list)
    for program in (
        Prescription.objects.filter(patient__in=scoped, status=Status.ACTIVE, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .order_by("start_date", "pk")
    ):
        programs[program.patient_id].append(program)
    schedules = _schedules(scoped, programs)

    spark_first = min(todays.values()) - datetime.timedelta(days=SPARKLINE_DAYS - 1)
    completion_digests = _digests(
        Completion.objects, scoped, first, last, Sum("item_id"), Sum("session")
    )
    report_digests = _digests(
        PainReport.objects, scoped, spark_first, last, Sum("pain"), Max("updated_at")
    )
    keys = {
        patient.pk: _figures_key(
            patient.pk,
            todays[patient.pk],
            (first, spark_first, last),
            schedules[patient.pk],
            completion_digests.get(patient.pk),
            report_digests.get(patient.pk),
        )
        for patient in patients
    }
    cached: dict[str, Figures] = cache.get_many(list(keys.values()))
    figures = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in scoped if pk not in figures]
    figures |= _count_figures(missing, todays, programs, schedules, first, spark_first, last)
    cache.set_many({keys[pk]: figures[pk] for pk in missing}, FIGURES_CACHE_SECONDS)

    by_pk = {patient.pk: patient for patient in patients}
    alerts: dict[int, list[Alert]] = defaultdict(list)
    for alert in Alert.objects.open().filter(patient__in=scoped).order_by("-updated_at", "-pk"):
        alert.patient = by_pk[alert.patient_id]
        alerts[alert.patient_id].append(alert)
    for patient_alerts in alerts.values():
        patient_alerts.sort(key=lambda alert: -alert.severity_rank)

    rows = [
        DashboardRow(
            patient=patient,
            today=todays[patient.pk],
            programs=[p for p in programs[patient.pk] if p.covers(todays[patient.pk])],
            figures=figures[patient.pk],
            figures_key=keys[patient.pk],
            alerts=alerts[patient.pk],
        )
        for patient in patients
    ]
    rows.sort(key=DashboardRow.sort_key)
    return Dashboard(rows=rows)


CELLS_TEMPLATE = "monitoring/dashboard.html#row-cells"


def _cells_key(row: DashboardRow) -> str:
    """A cache key naming everything the row's cells show: its figures (by their own key,
    which holds the day) and what the caseload query read."""
    patient = row.patient
    return _cache_key(
        "cells",
        patient.pk,
        (
            row.figures_key,
            patient.display_name,
            patient.timezone,
            timezone.get_current_timezone_name(),
            translation.get_language(),
            [(program.pk, program.title) for program in row.programs],
            row.pending_suggestions,
            row.latest_pain,
            row.latest_pain_date,
            row.safety_pause_since,
            patient.last_completion_at,
            patient.last_report_at,
        ),
    )


def render_cells(rows: Sequence[DashboardRow]) -> None:
    """Set each row's cells (all but its open alerts, whose forms carry the visitor's CSRF
    token): from the cache, or rendered and kept for the next visit. On a busy caseload most
    rows are unchanged between two visits, and rendering them was most of the page's time."""
    keys = {row.patient.pk: _cells_key(row) for row in rows}
    cached: dict[str, SafeString] = cache.get_many(list(keys.values()))
    fresh: dict[str, SafeString] = {}
    for row in rows:
        key = keys[row.patient.pk]
        if key not in cached:
            fresh[key] = render_to_string(CELLS_TEMPLATE, {"row": row})
        row.cells = cached.get(key) or fresh[key]
    cache.set_many(fresh, FIGURES_CACHE_SECONDS)
