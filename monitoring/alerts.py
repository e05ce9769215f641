"""Alerts for the care team, raised from what a patient reports (DESIGN §5).

A new alert rule goes here. Each kind has at most one open alert per patient (a partial
unique constraint). The *report* alert gathers every report that meets a row of the decision
table while it is open: its message follows the latest, its severity follows the worst.
Trend kinds (pain rising) and inactivity (``monitoring.inactivity``) are alerts of their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from monitoring.notify import email_care_team_on_commit
from monitoring.progression import review_progress
from patients.guidance import OTHER_REASONS, Decision, LegSymptom, Row, Sign, alert_rank
from patients.models import EMAILED_SEVERITIES, Alert, AlertKind, PainReport, Patient, Severity


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
        alert.save(update_fields=["severity", "message", "report", "updated_at"])
    alert.reports.add(report)
    return AlertChange(alert=alert, created=created, escalated=escalated)


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
    and the pain-rising trend alert, each emailed to the care team when critical or urgent.

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
    rising = pain_rising_finding(report)
    if rising is not None:
        alerts.append(open_alert(patient=report.patient, finding=rising, report=report, now=now)[0])
    review_progress(report=report, now=now)
    return alerts
