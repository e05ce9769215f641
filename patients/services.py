"""Writes that touch several models on the patient side. Keyword-only, typed, atomic.

Health data (pain scores, symptoms, notes) is never logged here or anywhere else.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.text import slugify

from patients.alerts import raise_alerts_for
from patients.guidance import Guidance, guidance_for
from patients.models import (
    INVITATION_DAYS,
    PAIN_MAX,
    Completion,
    Difficulty,
    Invitation,
    PainReport,
    Patient,
    hash_token,
)
from prescriptions.models import WEEKDAY_NAMES, Prescription, PrescriptionItem, Status
from prescriptions.schedule import sessions_due

# Check-offs and pain reports may be made for today and for this many days before it.
BACKFILL_DAYS = 1
DEFAULT_PAIN_THRESHOLD: int = Prescription._meta.get_field("pain_threshold").default
NOTE_MAX_LENGTH = 2000


def _free_username(first_name: str, last_name: str, email: str) -> str:
    """A readable, unused username such as "ada.stone" or "ada.stone2"."""
    user_model = get_user_model()
    names = [slugify(part).replace("-", "") for part in (first_name, last_name)]
    base = ".".join(name for name in names if name) or slugify(email.split("@")[0]) or "patient"
    base = base[:30]
    candidate, counter = base, 1
    while user_model._default_manager.filter(username=candidate).exists():
        counter += 1
        candidate = f"{base}{counter}"
    return candidate


@transaction.atomic
def create_patient(
    *,
    therapist: AbstractBaseUser,
    first_name: str,
    last_name: str,
    email: str = "",
    timezone_name: str = "UTC",
    conditions: list[str] | None = None,
    clinic_phone: str = "",
    username: str | None = None,
) -> Patient:
    """A patient login (without a usable password until an invitation is accepted)."""
    user_model = get_user_model()
    user = user_model._default_manager.create_user(
        username=username or _free_username(first_name, last_name, email),
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    patient = Patient(
        user=user, timezone=timezone_name, conditions=conditions or [], clinic_phone=clinic_phone
    )
    patient.full_clean(exclude=["user"])
    patient.save()
    patient.care_team.add(therapist)
    return patient


@transaction.atomic
def create_invitation(
    *,
    patient: Patient,
    created_by: AbstractBaseUser | None,
    now: datetime.datetime | None = None,
) -> tuple[Invitation, str]:
    """A fresh single-use invitation; earlier unused ones are withdrawn. Returns the raw token.

    Only the token's hash is stored, so the link can be shown once (or printed) but never
    read back from the database.
    """
    now = now or timezone.now()
    patient.invitations.filter(used_at__isnull=True).delete()
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        patient=patient,
        token_hash=hash_token(token),
        created_by=created_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    return invitation, token


class InvitationUnusable(Exception):
    """The link was already used, has expired, or never existed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_invitation(token: str, *, now: datetime.datetime | None = None) -> Invitation:
    """The invitation for a raw token, or InvitationUnusable with a reason to show."""
    invitation = (
        Invitation.objects.select_related("patient__user").filter(token_hash=hash_token(token))
    ).first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.is_used:
        raise InvitationUnusable("used")
    if invitation.is_expired(now):
        raise InvitationUnusable("expired")
    return invitation


@transaction.atomic
def accept_invitation(
    *, token: str, password: str, now: datetime.datetime | None = None
) -> AbstractBaseUser:
    """Set the patient's password and use up the invitation (once, even if sent twice)."""
    now = now or timezone.now()
    invitation = find_invitation(token, now=now)
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now)
    if not claimed:
        raise InvitationUnusable("used")
    user = invitation.patient.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


# --- Logging exercises and pain ---------------------------------------------------------------


class NotAllowed(Exception):
    """A log the patient may not make. ``message`` says why in plain words; ``code`` is stable:

    ``future``, ``too_old`` (before yesterday), ``not_yours``, ``not_due`` (outside the program's
    dates or weekdays, paused or ended, exercise removed), ``bad_session``, ``bad_pain``,
    ``bad_difficulty``, ``note_too_long``.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _long_date(day: datetime.date) -> str:
    return dateformat.format(day, "l j F")


def loggable_days(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day a patient may tick off or report on: yesterday and today."""
    return today - datetime.timedelta(days=BACKFILL_DAYS), today


def can_log_on(day: datetime.date, today: datetime.date) -> bool:
    first, last = loggable_days(today)
    return first <= day <= last


def check_day_open(day: datetime.date, today: datetime.date) -> None:
    """Refuse the future and days further back than yesterday."""
    if day > today:
        raise NotAllowed(
            f"{_long_date(day)} has not come yet. You can only record what you have done.",
            code="future",
        )
    if not can_log_on(day, today):
        raise NotAllowed(
            "You can record exercises and pain for today and yesterday only. "
            "If you missed an older day, just carry on today.",
            code="too_old",
        )


def not_due_reason(
    prescription: Prescription, item: PrescriptionItem, day: datetime.date
) -> str | None:
    """Why an item is not due on a day, in plain words; None when it is due."""
    if prescription.status == Status.PAUSED:
        return "Your therapist has paused this program."
    if prescription.status != Status.ACTIVE:
        return "This program has ended."
    if day < prescription.start_date:
        return f"This program starts on {_long_date(prescription.start_date)}."
    if prescription.end_date and day > prescription.end_date:
        return f"This program ended on {_long_date(prescription.end_date)}."
    if day.weekday() not in prescription.days_of_week:
        return f"This exercise is not planned for {WEEKDAY_NAMES[day.weekday()]}s."
    if not item.is_current_on(day):
        return "Your therapist has taken this exercise out of your program."
    return None


def _check_owner(patient: Patient, item: PrescriptionItem) -> None:
    if item.prescription.patient_id != patient.pk:
        raise NotAllowed("This exercise is not in your program.", code="not_yours")


def _check_due(item: PrescriptionItem, day: datetime.date, session: int) -> None:
    reason = not_due_reason(item.prescription, item, day)
    if reason:
        raise NotAllowed(reason, code="not_due")
    sessions = sessions_due(item.prescription, day)
    if not 1 <= session <= sessions:
        raise NotAllowed(
            f"There is no session {session} on this day: it has {sessions}.", code="bad_session"
        )


@transaction.atomic
def record_completion(
    *,
    patient: Patient,
    item: PrescriptionItem,
    day: datetime.date,
    session: int,
    now: datetime.datetime | None = None,
) -> tuple[Completion, bool]:
    """Tick off one exercise in one session of a day, with a copy of the dose done.

    Idempotent: a double tap, a retry or a second tab finds the first row (the unique
    constraint on item, date and session decides; ``get_or_create`` inserts inside a savepoint
    and reads the winner's row if it loses a race). Returns the completion and whether it is new.
    """
    now = now or timezone.now()
    _check_owner(patient, item)
    check_day_open(day, patient.local_today(now))
    _check_due(item, day, session)
    return Completion.objects.get_or_create(
        item=item,
        date=day,
        session=session,
        defaults={
            "patient": patient,
            "completed_at": now,
            "exercise_name": item.exercise.name,
            "sets": item.sets,
            "reps": item.reps,
            "hold_seconds": item.hold_seconds,
            "duration_seconds": item.duration_seconds,
            "rest_seconds": item.rest_seconds,
            "side": item.side,
        },
    )


@transaction.atomic
def undo_completion(
    *,
    patient: Patient,
    item: PrescriptionItem,
    day: datetime.date,
    session: int,
    now: datetime.datetime | None = None,
) -> bool:
    """Take back a tick (today or yesterday). True when there was one to take back."""
    _check_owner(patient, item)
    check_day_open(day, patient.local_today(now))
    deleted, _ = Completion.objects.filter(
        patient=patient, item=item, date=day, session=session
    ).delete()
    return deleted > 0


def report_sessions(programs: Sequence[Prescription], day: datetime.date) -> int:
    """How many sessions a day has for pain reports: the most any due program has, at least 1."""
    return max((sessions_due(program, day) for program in programs), default=0) or 1


def program_for_report(programs: Sequence[Prescription], day: datetime.date) -> Prescription | None:
    """The program a report on the day belongs to: a due one, the most cautious threshold first.

    Without a due program (a report on a rest day), the active program covering the day.
    """
    due = [program for program in programs if sessions_due(program, day)]
    candidates = due or [
        program for program in programs if program.status == Status.ACTIVE and program.covers(day)
    ]
    return min(candidates, key=lambda p: (p.pain_threshold, -p.pk), default=None)


def threshold_for(report: PainReport) -> int:
    return report.prescription.pain_threshold if report.prescription else DEFAULT_PAIN_THRESHOLD


def guidance_for_report(report: PainReport, *, threshold: int | None = None) -> Guidance:
    """The guidance a stored report calls for, with the clinic phone when known."""
    return guidance_for(
        pain=report.pain,
        lasted_over_15_min=report.pain_lasted_over_15_min,
        red_flag=report.has_red_flag,
        threshold=threshold_for(report) if threshold is None else threshold,
        clinic_phone=report.patient.clinic_phone,
    )


@transaction.atomic
def submit_pain_report(
    *,
    patient: Patient,
    day: datetime.date,
    session: int,
    pain: int,
    pain_lasted_over_15_min: bool = False,
    numbness: bool = False,
    tingling: bool = False,
    weakness: bool = False,
    pain_down_leg: bool = False,
    difficulty: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> tuple[PainReport, Guidance]:
    """Save how a session went (a second submission edits it) and say what to do now.

    Raises the care team's alerts that the answer calls for; an open alert of the same kind is
    reused. Concurrent submissions for the same session leave one report and never raise:
    ``update_or_create`` locks the row, and inserts inside a savepoint that yields to a winner.
    """
    now = now or timezone.now()
    check_day_open(day, patient.local_today(now))
    if isinstance(pain, bool) or not 0 <= pain <= PAIN_MAX:
        raise NotAllowed("Choose a number for your pain from 0 to 10.", code="bad_pain")
    if difficulty not in ("", *Difficulty.values):
        raise NotAllowed("Choose too easy, about right or too hard.", code="bad_difficulty")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise NotAllowed(
            f"Please keep the note under {NOTE_MAX_LENGTH} characters.", code="note_too_long"
        )
    programs = list(Prescription.objects.filter(patient=patient).active_on(day))
    sessions = report_sessions(programs, day)
    if not 1 <= session <= sessions:
        raise NotAllowed(
            f"There is no session {session} on this day: it has {sessions}.", code="bad_session"
        )
    program = program_for_report(programs, day)
    report, _ = PainReport.objects.update_or_create(
        patient=patient,
        date=day,
        session=session,
        defaults={
            "prescription": program,
            "pain": pain,
            "pain_lasted_over_15_min": pain_lasted_over_15_min,
            "numbness": numbness,
            "tingling": tingling,
            "weakness": weakness,
            "pain_down_leg": pain_down_leg,
            "difficulty": difficulty,
            "note": note,
        },
    )
    threshold = program.pain_threshold if program else DEFAULT_PAIN_THRESHOLD
    raise_alerts_for(report, threshold=threshold, now=now)
    return report, guidance_for_report(report, threshold=threshold)
