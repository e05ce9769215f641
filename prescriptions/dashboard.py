"""The therapist's dashboard: the whole caseload at a glance, the patients who need them first.

Everything is read in six queries whatever the number of patients, programs, items or days:

1. the therapist's current patients with their user, latest pain, last activity and number of
   suggestions waiting (subqueries, in the same query);
2. their active programs overlapping the last 28 days, and 3. those programs' items;
4. their completions over the last 28 days, as (patient, item, date, session) rows;
5. their pain reports over the last 14 days (for the sparklines);
6. their open alerts.

Adherence is then counted in Python exactly as on the patient's own history
(``prescriptions.adherence``), each patient on their own local today.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString

from patients.models import Alert, Completion, PainReport, Patient, Severity
from prescriptions.adherence import Adherence, DoneByDay, adherence_windows, done_by_day
from prescriptions.charts import SPARKLINE_DAYS, PainChart, sparkline, sparkline_svg
from prescriptions.models import (
    Prescription,
    PrescriptionItem,
    ProgressionSuggestion,
    Status,
    SuggestionStatus,
)
from prescriptions.schedule import Schedule

WINDOWS = (7, 28)
DEFAULT_THRESHOLD: int = Prescription._meta.get_field("pain_threshold").default


@dataclass
class DashboardRow:
    patient: Patient
    today: datetime.date
    programs: list[Prescription]
    week: Adherence
    month: Adherence
    spark: PainChart
    alerts: list[Alert] = field(default_factory=list)

    @property
    def windows(self) -> list[Adherence]:
        return [self.week, self.month]

    @property
    def pending_suggestions(self) -> int:
        return self.patient.pending_suggestions or 0  # type: ignore[attr-defined]

    @property
    def latest_pain(self) -> int | None:
        return self.patient.latest_pain  # type: ignore[attr-defined]

    @property
    def latest_pain_date(self) -> datetime.date | None:
        return self.patient.latest_pain_date  # type: ignore[attr-defined]

    @property
    def last_activity(self) -> datetime.datetime | None:
        moments = [
            moment
            for moment in (
                self.patient.last_completion_at,  # type: ignore[attr-defined]
                self.patient.last_report_at,  # type: ignore[attr-defined]
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
        return any(alert.severity == Severity.URGENT for alert in self.alerts)

    @property
    def threshold(self) -> int:
        return self.spark.threshold

    @property
    def spark_svg(self) -> SafeString:
        return sparkline_svg(self.spark, uid=self.patient.pk)

    @property
    def need(self) -> int:
        """0: an urgent alert is open; 1: another alert is open; 2: nothing open."""
        if self.urgent:
            return 0
        return 1 if self.alerts else 2

    def sort_key(self) -> tuple[int, int, int, str, int]:
        """Urgent first, then other open alerts, then the lowest adherence (7 days, then 28);
        patients with nothing due last."""
        week = self.week.percent
        month = self.month.percent
        return (
            self.need,
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
    def alert_count(self) -> int:
        return sum(len(row.alerts) for row in self.rows)

    @property
    def suggestion_count(self) -> int:
        return sum(row.pending_suggestions for row in self.rows)


def caseload_with_activity(therapist: AbstractBaseUser) -> QuerySet[Patient]:
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


def load_dashboard(therapist: AbstractBaseUser, now: datetime.datetime | None = None) -> Dashboard:
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

    rows_by_patient: dict[int, list[tuple[int, datetime.date, int]]] = defaultdict(list)
    for patient_id, item_id, day, session in Completion.objects.filter(
        patient__in=scoped, date__gte=first, date__lte=last
    ).values_list("patient_id", "item_id", "date", "session"):
        rows_by_patient[patient_id].append((item_id, day, session))

    spark_first = min(todays.values()) - datetime.timedelta(days=SPARKLINE_DAYS - 1)
    pain: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for patient_id, day, value in PainReport.objects.filter(
        patient__in=scoped, date__gte=spark_first, date__lte=last
    ).values_list("patient_id", "date", "pain"):
        pain[patient_id][day] = max(value, pain[patient_id].get(day, 0))

    by_pk = {patient.pk: patient for patient in patients}
    alerts: dict[int, list[Alert]] = defaultdict(list)
    for alert in Alert.objects.open().filter(patient__in=scoped).order_by("-created_at", "-pk"):
        alert.patient = by_pk[alert.patient_id]
        alerts[alert.patient_id].append(alert)
    for patient_alerts in alerts.values():
        patient_alerts.sort(key=lambda alert: alert.severity != Severity.URGENT)

    rows = []
    for patient in patients:
        today = todays[patient.pk]
        own = programs[patient.pk]
        done: DoneByDay = done_by_day(rows_by_patient[patient.pk])
        week, month = adherence_windows(schedules[patient.pk], done, windows=WINDOWS, today=today)
        rows.append(
            DashboardRow(
                patient=patient,
                today=today,
                programs=[p for p in own if p.covers(today)],
                week=week,
                month=month,
                spark=sparkline(pain[patient.pk], today=today, threshold=_threshold(own, today)),
                alerts=alerts[patient.pk],
            )
        )
    rows.sort(key=DashboardRow.sort_key)
    return Dashboard(rows=rows)
