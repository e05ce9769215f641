"""Alerts for the care team, raised from what a patient reports.

All alert creation lives here so that further kinds (pain rising, inactivity) join the same
rules: at most one open alert per patient and kind (a partial unique constraint), and an open
alert is reused rather than repeated until a therapist acknowledges it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from patients.models import Alert, AlertKind, PainReport, Patient, Severity
from prescriptions.progression import review_progress


@dataclass(frozen=True)
class Finding:
    kind: AlertKind
    severity: Severity
    message: str


def _when(report: PainReport) -> str:
    return f"{dateformat.format(report.date, 'j M Y')}, session {report.session}"


def findings_for(report: PainReport, *, threshold: int) -> list[Finding]:
    """What in a report calls for the care team's attention (DESIGN §5)."""
    findings: list[Finding] = []
    if report.has_red_flag:
        symptoms = report.symptom_labels()
        findings.append(
            Finding(
                AlertKind.RED_FLAG,
                Severity.URGENT,
                f"Red-flag symptoms reported: {', '.join(symptoms)} ({_when(report)}).",
            )
        )
    if report.pain > threshold:
        findings.append(
            Finding(
                AlertKind.PAIN_ABOVE_THRESHOLD,
                Severity.WARNING,
                f"Pain {report.pain}/10, above the program's threshold of {threshold} "
                f"({_when(report)}).",
            )
        )
        if report.pain_lasted_over_15_min:
            findings.append(
                Finding(
                    AlertKind.LASTING_PAIN,
                    Severity.WARNING,
                    f"Pain {report.pain}/10 lasted more than 15 minutes ({_when(report)}).",
                )
            )
    return findings


# Pain rising (DESIGN §5): a report whose pain is at least PAIN_RISE_POINTS above the
# patient's baseline. The baseline is the mean pain of all the patient's reports dated in the
# BASELINE_DAYS days before the report's date (the report's own day left out), and exists only
# with at least BASELINE_MIN_REPORTS such reports.
PAIN_RISE_POINTS = 2
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
    """Pain at least two points above the 7-day baseline, or None."""
    baseline = pain_baseline(report.patient, report.date)
    if baseline is None or report.pain - baseline.mean < PAIN_RISE_POINTS:
        return None
    return Finding(
        AlertKind.PAIN_RISING,
        Severity.WARNING,
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
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient,
                kind=finding.kind,
                severity=finding.severity,
                message=finding.message,
                report=report,
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        existing = open_alerts.first()
        if existing is None:
            raise
        return existing, False
    return alert, True


def raise_alerts_for(
    report: PainReport, *, threshold: int, now: datetime.datetime | None = None
) -> list[Alert]:
    """The open alerts this report calls for (new ones created, open ones reused).

    Then the report's program is reviewed for a progression suggestion to the therapist
    (``prescriptions.progression``): not an alert, but decided from the same reports.
    """
    findings = findings_for(report, threshold=threshold)
    rising = pain_rising_finding(report)
    if rising is not None:
        findings.append(rising)
    alerts = [
        open_alert(patient=report.patient, finding=finding, report=report, now=now)[0]
        for finding in findings
    ]
    review_progress(report=report, now=now)
    return alerts


@transaction.atomic
def acknowledge_alert(
    *,
    alert: Alert,
    by: AbstractBaseUser,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Alert:
    """Mark an alert as seen by a therapist, with an optional note.

    Acknowledging an alert that already is leaves it as it was (the first acknowledgement
    stands), so a retry or a second tab is harmless. Afterwards a new finding of the same kind
    opens a new alert.
    """
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = now or timezone.now()
        locked.acknowledged_by = by
        locked.acknowledgement_note = note.strip()
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return locked
