"""Alerts for the care team, raised from what a patient reports (DESIGN §5).

A new alert rule goes here. Each kind has at most one open alert per patient (a partial
unique constraint). The *report* alert gathers every report that meets a row of the decision
table while it is open: its message follows the latest, its severity follows the worst.
Trend kinds (pain rising, week over week, worse two mornings running) and inactivity
(``monitoring.inactivity``) are alerts of their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import dateformat, timezone

from monitoring.notify import email_care_team_on_commit
from monitoring.progression import review_progress
from patients.guidance import OTHER_REASONS, Decision, LegSymptom, Row, Sign, alert_rank
from patients.models import (
    EMAILED_SEVERITIES,
    Alert,
    AlertKind,
    MorningAnswer,
    MorningCheck,
    PainReport,
    Patient,
    Severity,
)


@dataclass(frozen=True)
class Finding:
    kind: AlertKind
    severity: Severity
    message: str


def _when(report: PainReport) -> str:
    return f"{dateformat.format(report.date, 'j M Y')}, session {report.session}"


# --- The report alert: one per patient while open, joined by later reports ----------------

REASON_WORDS: dict[Row, str] = {
    Row.EMERGENCY_SIGN: "Emergency sign: {signs}",
    Row.LEG_SYMPTOMS_NEW: "New or worse leg symptoms: {legs}",
    Row.UNWELL_OR_FALL: "Fever, feeling unwell, a fall or an injury: {other}",
    Row.SEVERE_PAIN: "Pain {pain}/10 (7 or more)",
    Row.LASTING_PAIN: "Pain {pain}/10 still there 15 minutes after stopping",
    Row.ABOVE_THRESHOLD: "Pain {pain}/10, above the program's threshold of {threshold}",
    Row.LEG_SYMPTOMS_USUAL: "Leg symptoms the patient calls usual: {legs}",
}


def reasons(report: PainReport, decision: Decision, *, threshold: int) -> list[str]:
    """Every row the report met, in the therapist's words."""
    labels = {
        "signs": ", ".join(_labels(report, [sign.value for sign in Sign])),
        "legs": ", ".join(_labels(report, [symptom.value for symptom in LegSymptom])),
        "other": ", ".join(_labels(report, list(OTHER_REASONS))),
        "pain": report.pain,
        "threshold": threshold,
    }
    return [REASON_WORDS[row].format(**labels) for row in decision.rows]


def _labels(report: PainReport, names: list[str]) -> list[str]:
    return [PainReport.label(name) for name in names if getattr(report, name)]


def report_message(report: PainReport, decision: Decision, *, threshold: int) -> str:
    text = f"{'; '.join(reasons(report, decision, threshold=threshold))} ({_when(report)})."
    return text[: Alert._meta.get_field("message").max_length]


@dataclass(frozen=True)
class AlertChange:
    alert: Alert
    created: bool
    escalated: bool

    @property
    def calls_for_email(self) -> bool:
        """A new or escalated critical or urgent alert is emailed to the care team at once."""
        return (self.created or self.escalated) and self.alert.severity in EMAILED_SEVERITIES


def record_report_alert(
    *, report: PainReport, decision: Decision, threshold: int, now: datetime.datetime
) -> AlertChange | None:
    """Raise the report's alert, or add the report to the patient's open report alert.

    The open alert's message follows the latest report and its severity only rises. The
    joined alert is locked while it changes; one acknowledged meanwhile is left as it is and
    the report opens a new one.
    """
    if decision.alert is None:
        return None
    finding = Finding(
        AlertKind.REPORT,
        Severity(decision.alert.value),
        report_message(report, decision, threshold=threshold),
    )
    alert, created = open_alert(patient=report.patient, finding=finding, report=report, now=now)
    escalated = False
    if not created:
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if not alert.is_open:
            alert, created = open_alert(
                patient=report.patient, finding=finding, report=report, now=now
            )
    if not created:
        escalated = alert_rank(finding.severity) > alert.severity_rank
        if escalated:
            alert.severity = finding.severity
        alert.message, alert.report, alert.updated_at = finding.message, report, now
    alert.entries = [*alert.entries, report_entry(report, finding, now)]
    alert.save(update_fields=["severity", "message", "report", "updated_at", "entries"])
    alert.reports.add(report)
    return AlertChange(alert=alert, created=created, escalated=escalated)


def report_entry(report: PainReport, finding: Finding, now: datetime.datetime) -> dict[str, object]:
    """The report as it stood when it raised or joined the alert (``Alert.entries``)."""
    return {
        "report": report.pk,
        "date": report.date.isoformat(),
        "session": report.session,
        "pain": report.pain,
        "severity": finding.severity.value,
        "reasons": finding.message,
        "at": now.isoformat(),
    }


# Pain rising (DESIGN §5): a report whose pain is at least PAIN_RISE_POINTS above the
# patient's baseline. The baseline is the mean pain of all the patient's reports dated in the
# BASELINE_DAYS days before the report's date (the report's own day left out), and exists only
# with at least BASELINE_MIN_REPORTS such reports.
PAIN_RISE_POINTS = 2
PAIN_RISE_MIN = 4  # a rise that ends below this is not worth an alert (DESIGN §5)
BASELINE_DAYS = 7
BASELINE_MIN_REPORTS = 3


@dataclass(frozen=True)
class Baseline:
    mean: float
    reports: int
    first: datetime.date
    last: datetime.date


def pain_baseline(patient: Patient, day: datetime.date) -> Baseline | None:
    """The patient's pain baseline for a report on ``day``; None with too few reports."""
    first, last = day - datetime.timedelta(days=BASELINE_DAYS), day - datetime.timedelta(days=1)
    pains = list(
        PainReport.objects.filter(patient=patient, date__gte=first, date__lte=last).values_list(
            "pain", flat=True
        )
    )
    if len(pains) < BASELINE_MIN_REPORTS:
        return None
    return Baseline(mean=sum(pains) / len(pains), reports=len(pains), first=first, last=last)


def pain_rising_finding(report: PainReport) -> Finding | None:
    """Pain of at least 4 and at least two points above the 7-day baseline, or None."""
    if report.pain < PAIN_RISE_MIN:
        return None
    baseline = pain_baseline(report.patient, report.date)
    if baseline is None or report.pain - baseline.mean < PAIN_RISE_POINTS:
        return None
    return Finding(
        AlertKind.PAIN_RISING,
        Severity.ATTENTION,
        f"Pain {report.pain}/10 ({_when(report)}): {report.pain - baseline.mean:.1f} points "
        f"above the average of {baseline.mean:.1f} over the 7 days before ({baseline.reports} "
        f"reports, {dateformat.format(baseline.first, 'j M')} to "
        f"{dateformat.format(baseline.last, 'j M')}).",
    )


# Over days (DESIGN §5). Week over week: the mean of each day's worst pain over the 7 days
# ending on a report's date, against the 7 days before them; each week needs reports on at
# least WEEK_MIN_DAYS days, so that one report cannot swing it.
WEEK_DAYS = 7
WEEKLY_RISE_POINTS = 2
WEEK_MIN_DAYS = 3


@dataclass(frozen=True)
class WeekMean:
    mean: Fraction
    days: int
    first: datetime.date
    last: datetime.date


def _week_mean(worst: dict[datetime.date, int], last: datetime.date) -> WeekMean | None:
    first = last - datetime.timedelta(days=WEEK_DAYS - 1)
    pains = [pain for day, pain in worst.items() if first <= day <= last]
    if len(pains) < WEEK_MIN_DAYS:
        return None
    return WeekMean(mean=Fraction(sum(pains), len(pains)), days=len(pains), first=first, last=last)


def weekly_means(patient: Patient, day: datetime.date) -> tuple[WeekMean | None, WeekMean | None]:
    """The mean of daily worst pain over the week ending on ``day`` and over the week before
    (None for a week with reports on fewer than WEEK_MIN_DAYS days). One query."""
    first = day - datetime.timedelta(days=2 * WEEK_DAYS - 1)
    worst = dict(
        PainReport.objects.filter(patient=patient, date__gte=first, date__lte=day)
        .order_by()
        .values("date")
        .annotate(worst=Max("pain"))
        .values_list("date", "worst")
    )
    previous_last = day - datetime.timedelta(days=WEEK_DAYS)
    return _week_mean(worst, day), _week_mean(worst, previous_last)


def _span(week: WeekMean) -> str:
    return f"{dateformat.format(week.first, 'j M')} to {dateformat.format(week.last, 'j M')}"


def weekly_rise_finding(report: PainReport) -> Finding | None:
    """This week's mean of daily worst pain at least 2 points above last week's, or None."""
    this_week, last_week = weekly_means(report.patient, report.date)
    if this_week is None or last_week is None:
        return None
    if this_week.mean - last_week.mean < WEEKLY_RISE_POINTS:
        return None
    return Finding(
        AlertKind.WEEKLY_RISE,
        Severity.ATTENTION,
        f"Daily worst pain averaged {float(this_week.mean):.1f}/10 from {_span(this_week)} "
        f"({this_week.days} days with reports), {float(this_week.mean - last_week.mean):.1f} "
        f"points above {float(last_week.mean):.1f} from {_span(last_week)} "
        f"({last_week.days} days).",
    )


def worse_mornings_finding(patient: Patient, day: datetime.date) -> Finding | None:
    """A "worse" morning check on ``day`` after a "worse" one the day before, or None."""
    yesterday = day - datetime.timedelta(days=1)
    if not MorningCheck.objects.filter(
        patient=patient, date=yesterday, answer=MorningAnswer.WORSE
    ).exists():
        return None
    return Finding(
        AlertKind.WORSE_MORNINGS,
        Severity.ATTENTION,
        "The patient said their pain was worse than the morning before on two mornings "
        f"running ({dateformat.format(yesterday, 'j M')} and "
        f"{dateformat.format(day, 'j M Y')}).",
    )


def open_alert(
    *,
    patient: Patient,
    finding: Finding,
    report: PainReport | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Alert, bool]:
    """The patient's open alert of the finding's kind, created if there is none.

    Safe under concurrency: a second writer that loses the race on the partial unique
    constraint rolls back its savepoint and reuses the winner's alert.
    """
    open_alerts = Alert.objects.open().filter(patient=patient, kind=finding.kind)
    existing = open_alerts.first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient,
                kind=finding.kind,
                severity=finding.severity,
                message=finding.message,
                report=report,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        existing = open_alerts.first()
        if existing is None:
            raise
        return existing, False
    return alert, True


def raise_alerts_for(
    report: PainReport,
    *,
    decision: Decision,
    threshold: int,
    now: datetime.datetime | None = None,
) -> list[Alert]:
    """The alerts this report calls for: its report alert (raised, or joined and escalated)
    and the trend alerts (pain rising, week over week), each emailed to the care team when
    critical or urgent.

    Then the items of the report's program are reviewed for a step up or down in dose for the
    therapist (``monitoring.progression``): not an alert, but decided with the same reports.
    """
    now = now or timezone.now()
    alerts: list[Alert] = []
    change = record_report_alert(report=report, decision=decision, threshold=threshold, now=now)
    if change is not None:
        alerts.append(change.alert)
        if change.calls_for_email:
            email_care_team_on_commit(change.alert)
    for trend in (pain_rising_finding(report), weekly_rise_finding(report)):
        if trend is not None:
            alerts.append(
                open_alert(patient=report.patient, finding=trend, report=report, now=now)[0]
            )
    review_progress(report=report, now=now)
    return alerts
