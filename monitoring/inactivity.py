"""Inactivity alerts: due sessions missed on three scheduled days in a row.

The rule, for each current (not archived) patient with an active program, on the patient's
local today:

- look at the days before today (today is still open), newest first;
- a day with sessions due and none of its due item-sessions ticked off is *missed*; a day
  with nothing due (rest day, program paused or not started) neither counts nor breaks the
  run; a day with anything done ends it;
- ``MISSED_DAYS`` missed days in a row (within ``LOOKBACK_DAYS``) open an inactivity alert.

At most one inactivity alert per patient is open (the partial unique constraint and
``monitoring.alerts.open_alert``), so running the check again changes nothing. Once the
therapist acknowledges it, only days from the day that alert was raised count towards the
next one: the same missed days never alert twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from monitoring.alerts import Finding, Words, open_alert
from patients.models import Alert, AlertKind, Completion, Patient, Severity
from prescriptions.adherence import DoneByDay, done_by_day, missed_run
from prescriptions.models import Prescription, Status

MISSED_DAYS = 3
LOOKBACK_DAYS = 21
BATCH_SIZE = 500


@dataclass
class InactivityCheck:
    checked: int = 0
    raised: list[Alert] = field(default_factory=list)


def inactivity_words(run: Sequence[datetime.date]) -> Words:
    """The alert's words: the scheduled days missed (``monitoring.alerts.render_words``)."""
    return {"code": AlertKind.INACTIVITY.value, "days": [day.isoformat() for day in sorted(run)]}


def inactivity_text(words: Words) -> str:
    """How many scheduled days were missed, and which, in the active language."""
    days = [datetime.date.fromisoformat(day) for day in words["days"]]  # type: ignore[attr-defined]
    if len(days) <= MISSED_DAYS:
        when = ", ".join(dateformat.format(day, "D j M") for day in days)
    else:
        # Translators: a span of days, e.g. "Tue 3 Mar to Wed 11 Mar".
        when = _("%(first)s to %(last)s") % {
            "first": dateformat.format(days[0], "D j M"),
            "last": dateformat.format(days[-1], "D j M"),
        }
    return ngettext(
        "No exercises logged on the last %(count)s scheduled day (%(when)s).",
        "No exercises logged on the last %(count)s scheduled days (%(when)s).",
        len(days),
    ) % {"count": len(days), "when": when}


def inactivity_message(run: Sequence[datetime.date]) -> str:
    """The alert's text in English, as stored."""
    return Finding(AlertKind.INACTIVITY, Severity.ATTENTION, inactivity_words(run)).message


def _batches(size: int) -> Iterator[list[Patient]]:
    """Current patients with an active program, in batches by id."""
    patients = (
        Patient.objects.current()
        .filter(prescriptions__status=Status.ACTIVE)
        .distinct()
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(patients.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _check_batch(patients: list[Patient], now: datetime.datetime) -> list[Alert]:
    """Four queries for the whole batch (programs, items, completions, inactivity alerts),
    then one more per alert raised."""
    todays = {patient.pk: patient.local_today(now) for patient in patients}
    first = min(todays.values()) - datetime.timedelta(days=LOOKBACK_DAYS)
    last = max(todays.values())
    ids = list(todays)
    programs: dict[int, list[Prescription]] = defaultdict(list)
    for program in (
        Prescription.objects.filter(patient_id__in=ids, status=Status.ACTIVE, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .prefetch_related("items")
    ):
        programs[program.patient_id].append(program)
    done: dict[int, DoneByDay] = defaultdict(dict)
    rows: dict[int, list[tuple[int, datetime.date, int]]] = defaultdict(list)
    for patient_id, item_id, day, session in Completion.objects.filter(
        patient_id__in=ids, date__gte=first, date__lte=last
    ).values_list("patient_id", "item_id", "date", "session"):
        rows[patient_id].append((item_id, day, session))
    for patient_id, patient_rows in rows.items():
        done[patient_id] = done_by_day(patient_rows)
    latest: dict[int, Alert] = {}
    for alert in Alert.objects.filter(patient_id__in=ids, kind=AlertKind.INACTIVITY).order_by(
        "created_at"
    ):
        latest[alert.patient_id] = alert

    raised: list[Alert] = []
    for patient in patients:
        previous = latest.get(patient.pk)
        if previous is not None and previous.is_open:
            continue
        today = todays[patient.pk]
        since = today - datetime.timedelta(days=LOOKBACK_DAYS)
        if previous is not None:
            since = max(since, previous.created_at.astimezone(patient.zone).date())
        run = missed_run(programs[patient.pk], done[patient.pk], today=today, since=since)
        if len(run) < MISSED_DAYS:
            continue
        finding = Finding(AlertKind.INACTIVITY, Severity.ATTENTION, inactivity_words(run))
        alert, created = open_alert(patient=patient, finding=finding, now=now)
        if created:
            raised.append(alert)
    return raised


def raise_inactivity_alerts(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> InactivityCheck:
    """Check every current patient with an active program; returns what was raised."""
    now = now or timezone.now()
    result = InactivityCheck()
    for batch in _batches(batch_size):
        result.checked += len(batch)
        result.raised.extend(_check_batch(batch, now))
    return result
