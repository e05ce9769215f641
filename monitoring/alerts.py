"""Alerts for the care team, raised from what a patient reports (DESIGN §5).

A new alert rule goes here. Each kind has at most one open alert per patient (a partial
unique constraint). The *report* alert gathers every report that meets a row of the decision
table while it is open: its message follows the latest, its severity follows the worst.
Trend kinds (pain rising, week over week, worse two mornings running) and inactivity
(``monitoring.inactivity``) are alerts of their own.

Each alert's words are kept twice: in English (``Alert.message``, each entry's ``reasons``, the
safety pause's ``reasons``) for the API, the export and the admin, and as the codes and values
they were made from (each entry's ``words``). Pages say them again in the reader's language
from those (``alert_text``, ``entry_text``); an alert stored before ``words`` existed shows its
English text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import dateformat, formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

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
    SafetyPause,
    Severity,
)

Words = dict[str, object]


@dataclass(frozen=True)
class Finding:
    kind: AlertKind
    severity: Severity
    words: Words

    @property
    def message(self) -> str:
        """The words in English, as stored (``Alert.message``)."""
        with translation.override(settings.LANGUAGE_CODE):
            return render_words(self.words)[: Alert._meta.get_field("message").max_length]


def _day(iso: object, format: str) -> str:
    return dateformat.format(datetime.date.fromisoformat(str(iso)), format)


def _when(words: Words) -> str:
    # Translators: when a pain report was sent: its date, then which session of the day.
    return _("%(date)s, session %(session)s") % {
        "date": _day(words["date"], "j M Y"),
        "session": words["session"],
    }


# --- The report alert: one per patient while open, joined by later reports ----------------

# The rows of the decision table a report met, in the therapist's words (DESIGN §5).
REASON_WORDS: dict[Row, Promise] = {
    # Translators: for the care team; %(signs)s lists the emergency signs the patient reported.
    Row.EMERGENCY_SIGN: gettext_lazy("Emergency sign: %(signs)s"),
    # Translators: for the care team; %(legs)s lists symptoms in a leg (numbness, weakness…).
    Row.LEG_SYMPTOMS_NEW: gettext_lazy("New or worse leg symptoms: %(legs)s"),
    Row.UNWELL_OR_FALL: gettext_lazy("Fever, feeling unwell, a fall or an injury: %(other)s"),
    # Translators: pain on a scale from 0 to 10; 7 or more is severe pain.
    Row.SEVERE_PAIN: gettext_lazy("Pain %(pain)s/10 (7 or more)"),
    Row.LASTING_PAIN: gettext_lazy("Pain %(pain)s/10 still there 15 minutes after stopping"),
    # Translators: the program's threshold is the most pain (0-10) the therapist allows.
    Row.ABOVE_THRESHOLD: gettext_lazy(
        "Pain %(pain)s/10, above the program's threshold of %(threshold)s"
    ),
    Row.LEG_SYMPTOMS_USUAL: gettext_lazy("Leg symptoms the patient calls usual: %(legs)s"),
}


def report_words(report: PainReport, decision: Decision, *, threshold: int) -> Words:
    """What a report said that met rows of the decision table: codes and values only."""
    return {
        "code": AlertKind.REPORT.value,
        "rows": [int(row) for row in decision.rows],
        "signs": _answered(report, [sign.value for sign in Sign]),
        "legs": _answered(report, [symptom.value for symptom in LegSymptom]),
        "other": _answered(report, list(OTHER_REASONS)),
        "pain": report.pain,
        "threshold": threshold,
        "date": report.date.isoformat(),
        "session": report.session,
    }


def _answered(report: PainReport, names: list[str]) -> list[str]:
    return [name for name in names if getattr(report, name)]


def _labels(names: object) -> str:
    return ", ".join(PainReport.label(str(name)) for name in names)  # type: ignore[attr-defined]


def _report_text(words: Words) -> str:
    values = {
        "signs": _labels(words["signs"]),
        "legs": _labels(words["legs"]),
        "other": _labels(words["other"]),
        "pain": words["pain"],
        "threshold": words["threshold"],
    }
    rows = [str(REASON_WORDS[Row(row)] % values) for row in words["rows"]]  # type: ignore[attr-defined]
    # Translators: the reasons a pain report needs the care team, then when it was sent.
    return _("%(reasons)s (%(when)s).") % {
        "reasons": pgettext("list separator", "; ").join(rows),
        "when": _when(words),
    }


def reasons(report: PainReport, decision: Decision, *, threshold: int) -> list[str]:
    """Every row the report met, in the therapist's words (in the active language)."""
    words = report_words(report, decision, threshold=threshold)
    values = {
        "signs": _labels(words["signs"]),
        "legs": _labels(words["legs"]),
        "other": _labels(words["other"]),
        "pain": report.pain,
        "threshold": threshold,
    }
    return [str(REASON_WORDS[row] % values) for row in decision.rows]


def report_message(report: PainReport, decision: Decision, *, threshold: int) -> str:
    """The report's reasons and when it was sent, in English, as stored."""
    return Finding(
        AlertKind.REPORT, Severity.ATTENTION, report_words(report, decision, threshold=threshold)
    ).message


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
        report_words(report, decision, threshold=threshold),
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
        "words": finding.words,
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
        {
            "code": AlertKind.PAIN_RISING.value,
            "pain": report.pain,
            "date": report.date.isoformat(),
            "session": report.session,
            "rise": round(report.pain - baseline.mean, 1),
            "mean": round(baseline.mean, 1),
            "reports": baseline.reports,
            "first": baseline.first.isoformat(),
            "last": baseline.last.isoformat(),
        },
    )


def _pain_rising_text(words: Words) -> str:
    # Translators: for the care team. Pain on a 0-10 scale; the average is over the 7 days
    # before the report.
    return _(
        "Pain %(pain)s/10 (%(when)s): %(rise)s points above the average of %(mean)s over the "
        "7 days before (%(reports)s reports, %(first)s to %(last)s)."
    ) % {
        "pain": words["pain"],
        "when": _when(words),
        "rise": _one_place(words["rise"]),
        "mean": _one_place(words["mean"]),
        "reports": words["reports"],
        "first": _day(words["first"], "j M"),
        "last": _day(words["last"], "j M"),
    }


def _one_place(number: object) -> str:
    return formats.number_format(float(number), 1)  # type: ignore[arg-type]


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


def _span(first: object, last: object) -> str:
    # Translators: a span of days, e.g. "3 Mar to 9 Mar".
    return _("%(first)s to %(last)s") % {
        "first": _day(first, "j M"),
        "last": _day(last, "j M"),
    }


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
        {
            "code": AlertKind.WEEKLY_RISE.value,
            "mean": round(float(this_week.mean), 1),
            "first": this_week.first.isoformat(),
            "last": this_week.last.isoformat(),
            "days": this_week.days,
            "rise": round(float(this_week.mean - last_week.mean), 1),
            "before_mean": round(float(last_week.mean), 1),
            "before_first": last_week.first.isoformat(),
            "before_last": last_week.last.isoformat(),
            "before_days": last_week.days,
        },
    )


def _weekly_rise_text(words: Words) -> str:
    # Translators: for the care team. "Daily worst pain" is the highest pain (0-10) the
    # patient reported on each day; the two spans are this week and the week before.
    return _(
        "Daily worst pain averaged %(mean)s/10 from %(span)s (%(days)s days with reports), "
        "%(rise)s points above %(before_mean)s from %(before_span)s (%(before_days)s days)."
    ) % {
        "mean": _one_place(words["mean"]),
        "span": _span(words["first"], words["last"]),
        "days": words["days"],
        "rise": _one_place(words["rise"]),
        "before_mean": _one_place(words["before_mean"]),
        "before_span": _span(words["before_first"], words["before_last"]),
        "before_days": words["before_days"],
    }


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
        {
            "code": AlertKind.WORSE_MORNINGS.value,
            "first": yesterday.isoformat(),
            "last": day.isoformat(),
        },
    )


def _worse_mornings_text(words: Words) -> str:
    return _(
        "The patient said their pain was worse than the morning before on two mornings "
        "running (%(first)s and %(last)s)."
    ) % {"first": _day(words["first"], "j M"), "last": _day(words["last"], "j M Y")}


def _inactivity_text(words: Words) -> str:
    from monitoring.inactivity import inactivity_text

    return inactivity_text(words)


TEXTS: dict[str, Callable[[Words], str]] = {
    AlertKind.REPORT.value: _report_text,
    AlertKind.PAIN_RISING.value: _pain_rising_text,
    AlertKind.WEEKLY_RISE.value: _weekly_rise_text,
    AlertKind.WORSE_MORNINGS.value: _worse_mornings_text,
    AlertKind.INACTIVITY.value: _inactivity_text,
}


def render_words(words: Words) -> str:
    """An alert's words in the active language, from their codes and values."""
    return TEXTS[str(words["code"])](words)


def _words_of(entry: object) -> Words | None:
    words = entry.get("words") if isinstance(entry, dict) else None
    return words if isinstance(words, dict) and words.get("code") in TEXTS else None


def entry_text(entry: dict[str, object]) -> str:
    """One entry of ``Alert.entries`` in the reader's language (stored English if older)."""
    words = _words_of(entry)
    return render_words(words) if words is not None else str(entry.get("reasons", ""))


def alert_text(alert: Alert) -> str:
    """The alert's message in the reader's language: said again from its latest entry's
    words; an alert stored before they were kept shows its stored English."""
    words = _words_of(alert.entries[-1]) if alert.entries else None
    return render_words(words) if words is not None else alert.message


def pause_reasons(pause: SafetyPause, alerts: Iterable[Alert]) -> str:
    """Why a safety pause began, in the reader's language: the words of its report's entry in
    the patient's alerts (already loaded), else the pause's stored English."""
    for alert in alerts:
        for entry in alert.entries:
            if isinstance(entry, dict) and entry.get("report") == pause.report_id:
                words = _words_of(entry)
                if words is not None:
                    return render_words(words)
    return pause.reasons


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
                entries=_first_entries(finding, report, now),
            )
    except IntegrityError:
        existing = open_alerts.first()
        if existing is None:
            raise
        return existing, False
    return alert, True


def _first_entries(
    finding: Finding, report: PainReport | None, now: datetime.datetime
) -> list[dict[str, object]]:
    """A trend or inactivity alert keeps its words in its one entry; a report alert's entries
    are its reports (``record_report_alert``)."""
    if finding.kind == AlertKind.REPORT:
        return []
    return [
        {
            "report": report.pk if report is not None else None,
            "severity": finding.severity.value,
            "reasons": finding.message,
            "at": now.isoformat(),
            "words": finding.words,
        }
    ]


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
