"""Alerts for the care team, raised from what a patient reports.

All alert creation lives here so that further kinds (pain rising, inactivity) join the same
rules: at most one open alert per patient and kind (a partial unique constraint), and an open
alert is reused rather than repeated until a therapist acknowledges it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from patients.models import Alert, AlertKind, PainReport, Patient, Severity


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
    """The open alerts this report calls for (new ones created, open ones reused)."""
    return [
        open_alert(patient=report.patient, finding=finding, report=report, now=now)[0]
        for finding in findings_for(report, threshold=threshold)
    ]
