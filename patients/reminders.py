"""Reminders: preferences, the reminder emails and their one-click unsubscribe.

Sending (``send_due_reminders``, run by ``manage.py send_reminders`` every few minutes):

1. Patients who want email reminders, have an address, are not archived and have an active
   program are read in batches, with their programs, today's ticks, today's pain reports and
   any open alert that told them to stop (a fixed number of queries per batch).
2. For each patient, in their own time zone (``zoneinfo``, so daylight saving is handled by
   the zone database): a session is due for a reminder when its reminder time today has come,
   at most ``SEND_WINDOW`` ago, the day has that session per ``prescriptions.schedule``, and at
   least one of its exercises is not ticked off. No reminder on a day a pain report called for
   stopping, or while a red-flag or lasting-pain alert is open (the patient was told to stop
   until they have spoken to their therapist).
3. Each due reminder is **claimed** before it is sent: a ``ReminderEmail`` row for (patient,
   date, session), inserted in its own committed transaction. The unique constraint lets one
   sender win; a rerun or a second sender finds the row and sends nothing. After sending, the
   row is marked ``sent``.

No duplicates: a row can only be claimed by the insert that creates it, or by a conditional
UPDATE of a ``pending`` row whose claim is free (released after an error) or older than
``CLAIM_LEASE`` (its sender crashed). The database decides both atomically (the unique index;
row locks with a re-check of the WHERE clause), so two senders never hold the same claim. The
lease is far longer than a send can take (the SMTP connection has a timeout), so a live
sender's claim is never taken over.

None lost: the claim is committed before sending, so a crash leaves a ``pending`` row that a
later run re-claims once the lease has passed (if the session is still open and within the
window); a send that raises releases its claim at once for the next run. After
``MAX_ATTEMPTS`` tries, or once the window has passed, the row is marked ``failed``.

Claims and sends are stamped with the run's ``now`` moved on by the time the run has taken
(``RunClock``), so a claim made late in a long run is not mistaken for a stale one.

The one gap no database can close: a crash after the mail server accepted the message but
before the row is marked sent means one more email after the lease. That window is a single
UPDATE long; a lost reminder would be worse than that rare second one.

Logs carry counts and row ids only: no addresses, no pain, no notes.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patients.models import (
    Alert,
    AlertKind,
    Completion,
    Patient,
    ReminderEmail,
    ReminderStatus,
    SafetyPause,
)
from patients.reminder_times import format_time, local_moment, time_in_words
from prescriptions.models import Prescription, PrescriptionItem, Status
from prescriptions.schedule import DueProgram, plan_for_day

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

# No reminder later than this after its time: a sender that was down all afternoon does not
# send the morning's reminder at night. Runs every few minutes fit well inside it.
SEND_WINDOW = datetime.timedelta(hours=2)
# A pending claim this old belongs to a sender that died; another run may take it over.
CLAIM_LEASE = datetime.timedelta(minutes=10)
# Seconds an SMTP connection may hang (unless settings.EMAIL_TIMEOUT says otherwise); far
# below CLAIM_LEASE, so a slow server never lets a second sender take over a live claim.
SEND_TIMEOUT_SECONDS = 30
MAX_ATTEMPTS = 3
BATCH_SIZE = 200
# Alerts of reports from before safety pauses, whose guidance was to stop.
STOP_ALERT_KINDS = (AlertKind.RED_FLAG, AlertKind.LASTING_PAIN)
UNSUBSCRIBE_SALT = "patients.reminders.unsubscribe"


# --- Which sessions, at what time ----------------------------------------------------------------


class RemindedPrograms(TypedDict):
    """What ``programs_for_reminders`` puts on each patient."""

    reminder_programs: list[Prescription]


def programs_for_reminders(
    today: datetime.date,
) -> Prefetch[Literal["prescriptions"], QuerySet[Prescription], Literal["reminder_programs"]]:
    """Active programs not ended before ``today``, with their items and exercises."""
    return Prefetch(
        "prescriptions",
        queryset=Prescription.objects.active()
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .prefetch_related(
            Prefetch("items", queryset=PrescriptionItem.objects.select_related("exercise"))
        ),
        to_attr="reminder_programs",
    )


def session_count(programs: Sequence[Prescription], today: datetime.date) -> int:
    """How many reminder times the patient has: the most sessions a day of any active program
    that has not ended (including one that starts later), at least one."""
    return max(
        (
            program.times_per_day
            for program in programs
            if program.status == Status.ACTIVE
            and (program.end_date is None or program.end_date >= today)
        ),
        default=1,
    )


def reminder_session_count(patient: Patient, today: datetime.date) -> int:
    """``session_count`` for one patient, in one query."""
    programs = Prescription.objects.filter(patient=patient).active()
    return session_count(
        list(programs.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))), today
    )


@dataclass(frozen=True)
class ReminderLine:
    name: str
    dose: str
    done: bool


@dataclass(frozen=True)
class ReminderGroup:
    title: str
    lines: tuple[ReminderLine, ...]


@dataclass(frozen=True)
class DueReminder:
    """A session of today whose reminder time has come and which is not finished."""

    patient: Patient
    day: datetime.date
    session: int
    sessions: int  # sessions on that day
    due_at: datetime.datetime
    groups: tuple[ReminderGroup, ...]

    @property
    def to_do(self) -> int:
        return sum(1 for group in self.groups for line in group.lines if not line.done)

    @property
    def local_time(self) -> datetime.time:
        return self.due_at.astimezone(self.patient.zone).time()


def _session_groups(
    plan: Sequence[DueProgram], session: int, done: set[tuple[int, int]]
) -> tuple[ReminderGroup, ...]:
    return tuple(
        ReminderGroup(
            title=program.prescription.title,
            lines=tuple(
                ReminderLine(
                    name=item.exercise.name,
                    dose=item.dose_text(),
                    done=(item.pk, session) in done,
                )
                for item in program.items
            ),
        )
        for program in plan
        if session <= program.sessions
    )


def reminders_due(
    *,
    patient: Patient,
    programs: Sequence[Prescription],
    done: set[tuple[int, int]],
    now: datetime.datetime,
) -> list[DueReminder]:
    """Today's sessions (in the patient's zone) whose reminder should go out ``now``.

    ``programs`` are the patient's active programs with items prefetched; ``done`` holds the
    (item id, session) pairs ticked off today.
    """
    today = patient.local_today(now)
    plan = plan_for_day(programs, today)
    if not plan:
        return []
    times = patient.reminder_times_for(session_count(programs, today))
    sessions = min(max(program.sessions for program in plan), len(times))
    due: list[DueReminder] = []
    for session in range(1, sessions + 1):
        due_at = local_moment(today, times[session - 1], patient.zone)
        if not due_at <= now < due_at + SEND_WINDOW:
            continue
        with translation.override(patient.language):  # the doses, in the patient's words
            groups = _session_groups(plan, session, done)
        reminder = DueReminder(
            patient=patient,
            day=today,
            session=session,
            sessions=sessions,
            due_at=due_at,
            groups=groups,
        )
        if reminder.to_do:
            due.append(reminder)
    return due


# --- Sending -------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # claimed elsewhere, sent before, or given up
    patients: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)


def _recipients(
    now: datetime.datetime,
) -> Iterator[list[WithAnnotations[Patient, RemindedPrograms]]]:
    """Patients to consider, in batches, with their programs prefetched."""
    # Every patient's local date lies within a day of the UTC date.
    earliest = (now - datetime.timedelta(days=1)).date()
    latest = (now + datetime.timedelta(days=1)).date()
    running = (
        Prescription.objects.active()
        .filter(
            patient=OuterRef("pk"),
            start_date__lte=latest,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=earliest))
    )
    wanted = Q(email_reminders=True) | Q(email_reminders__isnull=True, default_email_reminders=True)
    patients = (
        Patient.objects.current()
        .filter(wanted, user__is_active=True)
        .exclude(user__email="")
        .filter(Exists(running))
        .select_related("user")
        .prefetch_related(programs_for_reminders(earliest))
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(patients.filter(pk__gt=last)[:BATCH_SIZE])
        if batch:
            yield batch
        if len(batch) < BATCH_SIZE:
            return
        last = batch[-1].pk


@dataclass(frozen=True)
class BatchState:
    done: dict[int, set[tuple[int, int]]]
    stopped: set[int]
    records: dict[tuple[int, datetime.date, int], ReminderEmail]


def _batch_state(batch: Sequence[Patient], now: datetime.datetime) -> BatchState:
    """Today's ticks, safety pauses and reminder records for a batch: four queries."""
    today = {patient.pk: patient.local_today(now) for patient in batch}
    days = set(today.values())
    done: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for patient_id, day, item_id, session in Completion.objects.filter(
        patient__in=batch, date__in=days
    ).values_list("patient_id", "date", "item_id", "session"):
        if day == today[patient_id]:
            done[patient_id].add((item_id, session))
    # No reminders while a safety pause is in force, nor while an alert from before safety
    # pauses existed still says stop.
    stopped = set(
        SafetyPause.objects.open().filter(patient__in=batch).values_list("patient_id", flat=True)
    ) | set(
        Alert.objects.open()
        .filter(patient__in=batch, kind__in=STOP_ALERT_KINDS)
        .values_list("patient_id", flat=True)
    )
    records = {
        (record.patient_id, record.date, record.session): record
        for record in ReminderEmail.objects.filter(patient__in=batch, date__in=days)
    }
    return BatchState(done=done, stopped=stopped, records=records)


def _may_claim(record: ReminderEmail | None, now: datetime.datetime) -> bool:
    """Whether a claim is worth trying (the database has the last word)."""
    if record is None:
        return True
    if record.status != ReminderStatus.PENDING or record.attempts >= MAX_ATTEMPTS:
        return False
    return record.claimed_at is None or record.claimed_at < now - CLAIM_LEASE


# --- Claims, shared with the alert emails (monitoring.notify) ------------------------------------
# A row that records an owed email has ``claimed_at`` (empty: free) and ``attempts``.


def claim_is_free(now: datetime.datetime) -> Q:
    """No sender holds the claim: it was never taken, was released after an error, or is
    older than ``CLAIM_LEASE`` (its sender died)."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)


def take_claim(
    unsent: QuerySet[Any], *, now: datetime.datetime, max_attempts: int = MAX_ATTEMPTS
) -> int:
    """Claim the rows of ``unsent`` (rows still to be sent) whose claim is free and which
    have tries left; how many were claimed.

    One conditional UPDATE: the database locks each row and re-checks the WHERE clause, so of
    two senders only one takes a claim. Call it outside any transaction (or commit straight
    after) so that other senders see the claim before the email goes out.
    """
    return (
        unsent.filter(attempts__lt=max_attempts)
        .filter(claim_is_free(now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


@transaction.atomic
def claim_reminder(
    *,
    patient: Patient,
    day: datetime.date,
    session: int,
    due_at: datetime.datetime,
    now: datetime.datetime,
) -> ReminderEmail | None:
    """Take on sending one reminder; None when another sender has it or it was dealt with.

    Call outside any transaction so that the claim is committed before the email goes out.
    """
    try:
        with transaction.atomic():
            return ReminderEmail.objects.create(
                patient=patient,
                date=day,
                session=session,
                due_at=due_at,
                status=ReminderStatus.PENDING,
                claimed_at=now,
                attempts=1,
                created_at=now,
            )
    except IntegrityError:
        pass  # a row exists: it may still be a pending one to take over
    retry = ReminderEmail.objects.filter(
        patient=patient, date=day, session=session, status=ReminderStatus.PENDING
    )
    if not take_claim(retry, now=now):
        return None
    return ReminderEmail.objects.get(patient=patient, date=day, session=session)


def mark_sent(*, record: ReminderEmail, now: datetime.datetime) -> None:
    """One UPDATE, atomic by itself."""
    ReminderEmail.objects.filter(pk=record.pk).update(
        status=ReminderStatus.SENT, sent_at=now, claimed_at=now
    )


@transaction.atomic
def release_claim(*, record: ReminderEmail) -> bool:
    """After a failed send: free the claim for the next run, or give up. True if given up."""
    record.refresh_from_db(fields=["attempts"])
    give_up = record.attempts >= MAX_ATTEMPTS
    ReminderEmail.objects.filter(pk=record.pk, status=ReminderStatus.PENDING).update(
        claimed_at=None, status=ReminderStatus.FAILED if give_up else ReminderStatus.PENDING
    )
    return give_up


def expire_claims(*, now: datetime.datetime) -> int:
    """Pending rows past the window whose sender is gone: not sent, and never will be.

    One UPDATE, atomic by itself."""
    return (
        ReminderEmail.objects.filter(status=ReminderStatus.PENDING, due_at__lt=now - SEND_WINDOW)
        .filter(claim_is_free(now))
        .update(status=ReminderStatus.FAILED)
    )


def email_connection() -> BaseEmailBackend:
    """The mail server connection for a run, with a timeout far below ``CLAIM_LEASE``."""
    return get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SEND_TIMEOUT_SECONDS)


def send_message(message: EmailMessage, connection: BaseEmailBackend) -> None:
    """Send on the run's connection; raises unless the backend took the message."""
    message.connection = connection
    connection.open()  # one SMTP connection for the whole run; reopened after an error
    if message.send() != 1:
        raise RuntimeError("the email backend accepted no message")


class RunClock:
    """``now`` as given when the run started, moved on by the time the run has taken.

    Claims and sends are stamped with it: a run that takes a while over many patients stamps a
    claim with when it was really made, so no other sender mistakes it for a stale one.
    """

    def __init__(self, start: datetime.datetime) -> None:
        self.start = start
        self.started = time.monotonic()

    def __call__(self) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=time.monotonic() - self.started)


def send_due_reminders(
    *, now: datetime.datetime | None = None, connection: BaseEmailBackend | None = None
) -> SendResult:
    """Send every reminder due ``now``; safe to run often, concurrently and after a crash.

    Not atomic on purpose: each claim commits on its own before its email is sent.
    """
    now = now or timezone.now()
    clock = RunClock(now)
    result = SendResult(expired=expire_claims(now=now))
    connection = connection or email_connection()
    try:
        for batch in _recipients(now):
            state = _batch_state(batch, now)
            for patient in batch:
                result.patients += 1
                if patient.pk in state.stopped:
                    continue
                due = reminders_due(
                    patient=patient,
                    programs=patient.reminder_programs,
                    done=state.done.get(patient.pk, set()),
                    now=now,
                )
                for reminder in due:
                    record = state.records.get((patient.pk, reminder.day, reminder.session))
                    _send_one(reminder, record, connection=connection, clock=clock, result=result)
    finally:
        connection.close()
    logger.info(
        "Reminder emails: %d sent, %d failed, %d skipped, %d patients checked, %d expired.",
        result.sent,
        result.failed,
        result.skipped,
        result.patients,
        result.expired,
    )
    return result


def _send_one(
    reminder: DueReminder,
    record: ReminderEmail | None,
    *,
    connection: BaseEmailBackend,
    clock: RunClock,
    result: SendResult,
) -> None:
    if not _may_claim(record, clock()):
        result.skipped += 1
        return
    message = reminder_message(reminder, connection=connection)
    claim = claim_reminder(
        patient=reminder.patient,
        day=reminder.day,
        session=reminder.session,
        due_at=reminder.due_at,
        now=clock(),
    )
    if claim is None:
        result.skipped += 1
        return
    try:
        send_message(message, connection)
    except Exception as error:  # any backend failure: free the claim, carry on with others
        gave_up = release_claim(record=claim)
        result.failed += 1
        result.errors.append(type(error).__name__)
        logger.warning(
            "Reminder email %d not sent (%s)%s.",
            claim.pk,
            type(error).__name__,
            ", giving up" if gave_up else ", will retry",
        )
        connection.close()  # a broken connection is reopened for the next message
        return
    mark_sent(record=claim, now=clock())
    result.sent += 1


# --- The email -----------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(patient: Patient) -> str:
    """A signed token naming the patient: the one-click unsubscribe needs no login."""
    return signing.dumps(patient.pk, salt=UNSUBSCRIBE_SALT)


def patient_for_unsubscribe(token: str) -> Patient | None:
    try:
        patient_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(patient_id, int) or isinstance(patient_id, bool):
        return None
    return Patient.objects.select_related("user").filter(pk=patient_id).first()


def unsubscribe_url(patient: Patient) -> str:
    return absolute_url(reverse("patients:unsubscribe", args=[unsubscribe_token(patient)]))


def reminder_subject(reminder: DueReminder) -> str:
    if reminder.sessions > 1:
        return _("Time for your exercises (session %(session)s of %(sessions)s)") % {
            "session": reminder.session,
            "sessions": reminder.sessions,
        }
    return _("Time for your exercises")


def reminder_message(
    reminder: DueReminder, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The reminder email, in the patient's language: plain text with an HTML alternative,
    and one-click unsubscribe."""
    with translation.override(reminder.patient.language):
        return _reminder_message(reminder, connection=connection)


def _reminder_message(
    reminder: DueReminder, *, connection: BaseEmailBackend | None
) -> EmailMultiAlternatives:
    patient = reminder.patient
    unsubscribe = unsubscribe_url(patient)
    context = {
        "reminder": reminder,
        "first_name": patient.user.first_name,
        "time_words": time_in_words(reminder.local_time),
        "today_url": absolute_url(reverse("patients:today")),
        "preferences_url": absolute_url(reverse("patients:reminders")),
        "unsubscribe_url": unsubscribe,
        "subject": reminder_subject(reminder),
    }
    message = EmailMultiAlternatives(
        subject=reminder_subject(reminder),
        body=render_to_string("patients/email/reminder.txt", context),
        to=[patient.user.email],
        connection=connection,
        headers={
            # RFC 8058: mail programs show an unsubscribe button that POSTs to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Content-Language": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )
    message.attach_alternative(
        render_to_string("patients/email/reminder.html", context), "text/html"
    )
    return message


# --- Preferences ---------------------------------------------------------------------------------


@transaction.atomic
def save_reminder_preferences(
    *, patient: Patient, times: Sequence[datetime.time], email_reminders: bool, email: str
) -> Patient:
    """The patient's own reminder times and email choice (and address)."""
    user = patient.user
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    patient.reminder_times = [format_time(value) for value in sorted(times)]
    patient.email_reminders = email_reminders
    patient.full_clean(exclude=["user"])
    patient.save(update_fields=["reminder_times", "email_reminders"])
    return patient


@transaction.atomic
def use_therapist_times(*, patient: Patient) -> Patient:
    """Drop the patient's own times: the therapist's (or the suggested) ones apply again."""
    patient.reminder_times = []
    patient.save(update_fields=["reminder_times"])
    return patient


@transaction.atomic
def save_reminder_defaults(
    *, patient: Patient, times: Sequence[datetime.time], email_reminders: bool
) -> Patient:
    """The therapist's defaults: they apply until the patient makes their own choice."""
    patient.default_reminder_times = [format_time(value) for value in sorted(times)]
    patient.default_email_reminders = email_reminders
    patient.full_clean(exclude=["user"])
    patient.save(update_fields=["default_reminder_times", "default_email_reminders"])
    return patient


@transaction.atomic
def unsubscribe(*, patient: Patient) -> bool:
    """Stop reminder emails (a one-click unsubscribe). True when they were on."""
    changed = (
        Patient.objects.filter(pk=patient.pk)
        .exclude(email_reminders=False)
        .update(email_reminders=False)
    )
    patient.email_reminders = False
    return changed > 0


@transaction.atomic
def reset_calendar_link(*, patient: Patient) -> None:
    """A new private calendar link; the old one stops working at once."""
    patient.calendar_key = Patient.new_calendar_key()
    patient.save(update_fields=["calendar_key"])


@transaction.atomic
def remove_calendar_link(*, patient: Patient) -> None:
    patient.calendar_key = None
    patient.save(update_fields=["calendar_key"])
