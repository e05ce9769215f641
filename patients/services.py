"""Writes that touch several models on the patient side. Keyword-only, typed, atomic.

Health data (pain scores, symptoms, notes) is never logged here or anywhere else.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.languages import DATE_FORMATS, staff_language
from exercises.models import DOSE_FIELDS
from monitoring.alerts import open_alert, raise_alerts_for, report_message, worse_mornings_finding
from monitoring.progression import review_item
from patients.guidance import (
    OTHER_REASONS,
    Guidance,
    Lasting,
    LegSymptom,
    Level,
    Morning,
    Sign,
    decide,
    guidance_for,
    morning_guidance,
    paused_guidance,
)
from patients.models import (
    INTAKE_FIELDS,
    INTAKE_QUESTIONS,
    INVITATION_DAYS,
    PAIN_MAX,
    Completion,
    Difficulty,
    Invitation,
    LastingChoice,
    MorningAnswer,
    MorningCheck,
    PainReport,
    Patient,
    SafetyPause,
    hash_token,
)
from prescriptions.models import Prescription, PrescriptionItem, Status
from prescriptions.schedule import sessions_due
from prescriptions.services import set_status

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


@dataclass(frozen=True)
class PatientDetails:
    """What a therapist records of a patient, as the form and the API pass it on."""

    first_name: str
    last_name: str
    email: str = ""
    timezone_name: str = "UTC"
    conditions: Sequence[str] = ()
    clinic_phone: str = ""
    # What the patient reads Rehabit in; empty: the therapist's own language (on a new record)
    # or the language the record already has.
    language: str = ""
    # The intake red-flag screen, every question answered (True: yes); None leaves it as it is.
    intake: Mapping[str, bool] | None = None


_DETAIL_FIELDS = ["timezone", "conditions", "clinic_phone", "language"]
_SCREEN_FIELDS = [*INTAKE_FIELDS, "intake_screened_at", "intake_screened_by"]
_CLEARANCE_FIELDS = ["cleared_at", "cleared_by", "clearance_note"]


def _record_screen(
    patient: Patient, intake: Mapping[str, bool], *, by: User | None, now: datetime.datetime
) -> list[str]:
    """Store the intake answers; a yes that was not there before withdraws an earlier
    clearance (it covered other answers). Returns the fields changed."""
    if set(intake) != set(INTAKE_QUESTIONS) or not all(
        isinstance(value, bool) for value in intake.values()
    ):
        raise ValueError("The intake screen needs a yes or no for every question.")
    before = patient.intake_answers()
    if patient.is_screened and before == dict(intake):
        return []
    new_yes = any(yes and before[name] is not True for name, yes in intake.items())
    for name, yes in intake.items():
        setattr(patient, f"intake_{name}", yes)
    patient.intake_screened_at, patient.intake_screened_by = now, by
    if new_yes and patient.cleared_at is not None:
        patient.cleared_at, patient.cleared_by, patient.clearance_note = None, None, ""
        return [*_SCREEN_FIELDS, *_CLEARANCE_FIELDS]
    return _SCREEN_FIELDS


def _apply_details(patient: Patient, details: PatientDetails) -> None:
    user = patient.user
    user.first_name, user.last_name, user.email = (
        details.first_name,
        details.last_name,
        details.email,
    )
    patient.timezone = details.timezone_name
    patient.conditions = list(details.conditions)
    patient.clinic_phone = details.clinic_phone.strip()
    if details.language:
        patient.language = details.language


def default_patient_language(therapist: User) -> str:
    """A new patient reads the language of the therapist who adds them, else the site's."""
    return staff_language(therapist) or settings.LANGUAGE_CODE


@transaction.atomic
def create_patient(
    *, therapist: User, details: PatientDetails, username: str | None = None
) -> Patient:
    """A patient login (without a usable password until an invitation is accepted)."""
    # No password given: an unusable one, until the patient accepts an invitation.
    user = get_user_model()._default_manager.create_user(
        username=username or _free_username(details.first_name, details.last_name, details.email)
    )
    patient = Patient(user=user, language=default_patient_language(therapist))
    _apply_details(patient, details)
    if details.intake is not None:
        _record_screen(patient, details.intake, by=therapist, now=timezone.now())
    user.save(update_fields=["first_name", "last_name", "email"])
    patient.full_clean(exclude=["user"])
    patient.save()
    patient.care_team.add(therapist)
    return patient


# --- The patient record: edit, archive, restore ---------------------------------------------


@transaction.atomic
def update_patient(*, patient: Patient, details: PatientDetails, by: User | None = None) -> Patient:
    """Change a patient's name, contact and care details (their login stays as it is), and
    their intake screen when ``details`` carries one."""
    _apply_details(patient, details)
    screen_fields: list[str] = []
    if details.intake is not None:
        screen_fields = _record_screen(patient, details.intake, by=by, now=timezone.now())
    patient.user.save(update_fields=["first_name", "last_name", "email"])
    patient.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    patient.save(update_fields=[*_DETAIL_FIELDS, *screen_fields])
    return patient


@transaction.atomic
def record_intake_screen(
    *, patient: Patient, intake: Mapping[str, bool], by: User | None
) -> Patient:
    """Record (or change) the intake red-flag screen alone."""
    fields = _record_screen(patient, intake, by=by, now=timezone.now())
    if fields:
        patient.save(update_fields=fields)
    return patient


@transaction.atomic
def record_medical_clearance(
    *, patient: Patient, by: User, note: str, now: datetime.datetime | None = None
) -> Patient:
    """A therapist confirms medical clearance for the red flags of the intake screen, with a
    note (who cleared the patient, and on what). Only a positive screen can be cleared."""
    note = note.strip()
    if not patient.intake_positives():
        raise ValidationError(
            {"note": _("There is nothing to clear: the intake screen found no red flag.")}
        )
    if not note:
        raise ValidationError(
            {"note": _("Write who gave the clearance and on what it rests, for the record.")}
        )
    patient.cleared_at, patient.cleared_by = now or timezone.now(), by
    patient.clearance_note = note
    patient.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    patient.save(update_fields=_CLEARANCE_FIELDS)
    return patient


@transaction.atomic
def archive_patient(
    *,
    patient: Patient,
    end_programs: bool = False,
    now: datetime.datetime | None = None,
) -> Patient:
    """Take a patient off the caseload and the dashboard, keeping everything they logged.

    ``end_programs`` ends their active and paused programs too (from their local today), so
    they stop seeing exercises. An archived patient can be restored; only the admin deletes.
    """
    now = now or timezone.now()
    if end_programs:
        for program in patient.prescriptions.exclude(status=Status.ENDED).select_for_update():
            set_status(prescription=program, status=Status.ENDED, today=patient.local_today(now))
    if patient.archived_at is None:
        patient.archived_at = now
        patient.save(update_fields=["archived_at"])
    return patient


@transaction.atomic
def restore_patient(*, patient: Patient) -> Patient:
    """Bring an archived patient back to the caseload (their programs stay as they are)."""
    if patient.archived_at is not None:
        patient.archived_at = None
        patient.save(update_fields=["archived_at"])
    return patient


# --- Invitations -----------------------------------------------------------------------------


@transaction.atomic
def create_invitation(
    *,
    patient: Patient,
    created_by: User | None,
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
def accept_invitation(*, token: str, password: str, now: datetime.datetime | None = None) -> User:
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
    ``bad_difficulty``, ``bad_effort``, ``not_done`` (no tick to say how it felt),
    ``note_too_long``.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _long_date(day: datetime.date) -> str:
    return dateformat.format(day, DATE_FORMATS.long_day)


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
            _("%(day)s has not come yet. You can only record what you have done.")
            % {"day": _long_date(day)},
            code="future",
        )
    if not can_log_on(day, today):
        raise NotAllowed(
            _(
                "You can record exercises and pain for today and yesterday only. "
                "If you missed an older day, just carry on today."
            ),
            code="too_old",
        )


def not_due_reason(
    prescription: Prescription, item: PrescriptionItem, day: datetime.date
) -> str | None:
    """Why an item is not due on a day, in plain words; None when it is due."""
    if prescription.status == Status.PAUSED:
        if prescription.safety_pauses.filter(ended_at__isnull=True).exists():
            return _(
                "Your exercises are paused for your safety until your therapist has spoken "
                "with you."
            )
        return _("Your therapist has paused this program.")
    if prescription.status != Status.ACTIVE:
        return _("This program has ended.")
    if day < prescription.start_date:
        return _("This program starts on %(day)s.") % {"day": _long_date(prescription.start_date)}
    if prescription.end_date and day > prescription.end_date:
        return _("This program ended on %(day)s.") % {"day": _long_date(prescription.end_date)}
    if day.weekday() not in prescription.days_of_week:
        return _not_planned_on(day.weekday())
    if not item.is_current_on(day):
        return _("Your therapist has taken this exercise out of your program.")
    return None


def _not_planned_on(weekday: int) -> str:
    """ "This exercise is not planned for Mondays.", a whole sentence for each day."""
    return (
        _("This exercise is not planned for Mondays."),
        _("This exercise is not planned for Tuesdays."),
        _("This exercise is not planned for Wednesdays."),
        _("This exercise is not planned for Thursdays."),
        _("This exercise is not planned for Fridays."),
        _("This exercise is not planned for Saturdays."),
        _("This exercise is not planned for Sundays."),
    )[weekday]


def _no_such_session(session: int, sessions: int) -> str:
    return ngettext(
        "There is no session %(session)s on this day: it has %(count)d.",
        "There is no session %(session)s on this day: it has %(count)d.",
        sessions,
    ) % {"session": session, "count": sessions}


def _check_owner(patient: Patient, item: PrescriptionItem) -> None:
    if item.prescription.patient_id != patient.pk:
        raise NotAllowed(_("This exercise is not in your program."), code="not_yours")


def _check_due(item: PrescriptionItem, day: datetime.date, session: int) -> None:
    reason = not_due_reason(item.prescription, item, day)
    if reason:
        raise NotAllowed(reason, code="not_due")
    sessions = sessions_due(item.prescription, day)
    if not 1 <= session <= sessions:
        raise NotAllowed(_no_such_session(session, sessions), code="bad_session")


def paused_for_safety(patient: Patient, day: datetime.date) -> SafetyPause | None:
    """The patient's open safety pause if it covers ``day`` (from its start, in the patient's
    time zone), with its report: nothing is due then, whatever the programs' status."""
    pause = (
        SafetyPause.objects.open()
        .filter(patient=patient)
        .select_related("report__prescription", "patient")
        .first()
    )
    if pause is None or day < pause.started_at.astimezone(patient.zone).date():
        return None
    return pause


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
    if paused_for_safety(patient, day) is not None:
        raise NotAllowed(
            _(
                "Your exercises are paused for your safety until your therapist has spoken "
                "with you."
            ),
            code="safety_pause",
        )
    _check_due(item, day, session)
    return Completion.objects.get_or_create(
        item=item,
        date=day,
        session=session,
        defaults={
            "patient": patient,
            "completed_at": now,
            "exercise_name": item.exercise.name,
            **{name: getattr(item, name) for name in DOSE_FIELDS},
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


@transaction.atomic
def record_effort(
    *,
    patient: Patient,
    item: PrescriptionItem,
    day: datetime.date,
    session: int,
    effort: str,
    now: datetime.datetime | None = None,
) -> Completion:
    """Say how an exercise ticked off today or yesterday felt (too easy, about right, too
    hard); a second answer replaces the first. Then the item is reviewed for a step up or down
    for the therapist (``monitoring.progression``)."""
    now = now or timezone.now()
    _check_owner(patient, item)
    check_day_open(day, patient.local_today(now))
    if effort not in Difficulty.values:
        raise NotAllowed(_("Choose too easy, about right or too hard."), code="bad_effort")
    completion = (
        Completion.objects.select_for_update()
        .filter(patient=patient, item=item, date=day, session=session)
        .first()
    )
    if completion is None:
        raise NotAllowed(_("Mark the exercise as done first."), code="not_done")
    if completion.effort != effort:
        completion.effort = effort
        completion.save(update_fields=["effort"])
        review_item(item=item, now=now)
    return completion


def report_sessions(programs: Sequence[Prescription], day: datetime.date) -> int:
    """How many sessions a day has for pain reports: the most any due program has, at least 1."""
    return max((sessions_due(program, day) for program in programs), default=0) or 1


def check_report_session(session: int, sessions: int) -> None:
    """A pain report is about one of the day's sessions (1 to ``sessions``)."""
    if not 1 <= session <= sessions:
        raise NotAllowed(_no_such_session(session, sessions), code="bad_session")


def program_for_report(programs: Sequence[Prescription], day: datetime.date) -> Prescription | None:
    """The program a report on the day belongs to: a due one, the most cautious threshold first.

    Without a due program (a report on a rest day), the active program covering the day.
    """
    due = [program for program in programs if sessions_due(program, day)]
    candidates = due or [
        program for program in programs if program.status == Status.ACTIVE and program.covers(day)
    ]
    return min(candidates, key=lambda p: (p.pain_threshold, -p.pk), default=None)


def _paused_program(patient: Patient, day: datetime.date) -> Prescription | None:
    """During a (safety) pause a report still belongs to the paused program, so that its
    own threshold, the most cautious first, keeps deciding."""
    paused = [
        program
        for program in Prescription.objects.filter(patient=patient, status=Status.PAUSED)
        if program.covers(day)
    ]
    return min(paused, key=lambda p: (p.pain_threshold, -p.pk), default=None)


def threshold_for(report: PainReport) -> int:
    return report.prescription.pain_threshold if report.prescription else DEFAULT_PAIN_THRESHOLD


def clinic_phone_for(patient: Patient) -> str:
    """The number on every stop screen: the patient's clinic, else the clinic-wide setting."""
    return patient.clinic_phone.strip() or settings.REHABIT_CLINIC_PHONE


def guidance_for_report(report: PainReport, *, threshold: int | None = None) -> Guidance:
    """The guidance a stored report calls for, with the clinic and emergency numbers."""
    answers = report.answers(threshold_for(report) if threshold is None else threshold)
    return guidance_for(
        answers,
        clinic_phone=clinic_phone_for(report.patient),
        emergency_number=settings.REHABIT_EMERGENCY_NUMBER,
    )


def pause_guidance(pause: SafetyPause) -> Guidance:
    """What the patient reads while the pause lasts, from the level it began with (or rose to),
    never from its report as it stands now: a report changed later does not soften it."""
    return paused_guidance(
        level=Level(pause.level),
        clinic_phone=clinic_phone_for(pause.patient),
        emergency_number=settings.REHABIT_EMERGENCY_NUMBER,
    )


def guidance_to_show(report: PainReport, *, threshold: int | None = None) -> Guidance:
    """What the patient reads about a report: the decision table's answer, unless a safety
    pause is open at a more urgent level (see :func:`guidance_under`)."""
    pause = SafetyPause.objects.open().filter(patient=report.patient_id).first()
    return guidance_under(report, pause, threshold=threshold)


def guidance_under(
    report: PainReport, pause: SafetyPause | None, *, threshold: int | None = None
) -> Guidance:
    """The report's guidance while ``pause`` (the patient's open safety pause, already read) is
    open: the pause's words when it is more urgent. Only a therapist ends a pause, so nothing
    may read as "keep going" or "ease off" meanwhile."""
    guidance = guidance_for_report(report, threshold=threshold)
    if pause is None or Level(pause.level).rank <= guidance.level.rank:
        return guidance
    pause.patient = report.patient
    return pause_guidance(pause)


# The yes/no safety questions of a pain report (DESIGN §5): none may default to "no".
SAFETY_QUESTIONS = (
    *(symptom.value for symptom in LegSymptom),
    *(sign.value for sign in Sign),
    *OTHER_REASONS,
)
# The answers of a pain report, as the form and the API pass them on.
REPORT_ANSWERS = ("pain_lasting", *SAFETY_QUESTIONS, "leg_symptoms_usual", "difficulty", "note")
# What a report holds for an answer left out (the form and the API require the yes/no ones):
# a second report for the session replaces every answer of the first, never keeps one.
UNANSWERED: dict[str, Any] = {
    **dict.fromkeys(SAFETY_QUESTIONS, False),
    "leg_symptoms_usual": None,
    "difficulty": "",
}


def _check_answers(pain: int, answers: dict[str, Any]) -> dict[str, Any]:
    if isinstance(pain, bool) or not 0 <= pain <= PAIN_MAX:
        raise NotAllowed(_("Choose a number for your pain from 0 to 10."), code="bad_pain")
    unknown = set(answers) - set(REPORT_ANSWERS)
    if unknown:
        raise TypeError(f"Unknown answers: {', '.join(sorted(unknown))}")
    if answers.get("pain_lasting") not in LastingChoice.values:
        raise NotAllowed(
            _(
                "Say whether the pain is still there 15 minutes after stopping: yes, no or not "
                "sure yet."
            ),
            code="bad_lasting",
        )
    if answers.get("difficulty", "") not in ("", *Difficulty.values):
        raise NotAllowed(_("Choose too easy, about right or too hard."), code="bad_difficulty")
    note = str(answers.get("note", "")).strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise NotAllowed(
            _("Please keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH},
            code="note_too_long",
        )
    return {**UNANSWERED, **answers, "note": note}


@transaction.atomic
def submit_pain_report(
    *,
    patient: Patient,
    day: datetime.date,
    session: int,
    pain: int,
    now: datetime.datetime | None = None,
    **answers: Any,
) -> tuple[PainReport, Guidance]:
    """Save how a session went (a second submission edits it) and say what to do now.

    ``answers`` are the fields of ``REPORT_ANSWERS``; ``pain_lasting`` is required. The
    decision table (DESIGN §5) decides in the same transaction: the care team's alert, its
    email, and after ``stop`` or ``emergency`` a safety pause of the patient's programs.
    Concurrent submissions for the same session leave one report and never raise:
    ``update_or_create`` locks the row, and inserts inside a savepoint that yields to a winner.
    """
    now = now or timezone.now()
    check_day_open(day, patient.local_today(now))
    answers = _check_answers(pain, answers)
    programs = list(Prescription.objects.filter(patient=patient).active_on(day))
    check_report_session(session, report_sessions(programs, day))
    program = program_for_report(programs, day) or _paused_program(patient, day)
    report, _ = PainReport.objects.update_or_create(
        patient=patient,
        date=day,
        session=session,
        # A new "not sure yet" is asked about again, even after an earlier follow-up.
        defaults={"prescription": program, "pain": pain, **answers, "followed_up_at": None},
    )
    threshold = program.pain_threshold if program else DEFAULT_PAIN_THRESHOLD
    _act_on_report(report, threshold=threshold, now=now)
    return report, guidance_to_show(report, threshold=threshold)


def _act_on_report(report: PainReport, *, threshold: int, now: datetime.datetime) -> None:
    """The decision table's consequences for a stored report: the care team's alerts (and
    their emails), and after ``stop`` or ``emergency`` a safety pause."""
    decision = decide(report.answers(threshold))
    raise_alerts_for(report, decision=decision, threshold=threshold, now=now)
    if decision.pauses:
        start_safety_pause(
            patient=report.patient,
            level=decision.level,
            report=report,
            reasons=report_message(report, decision, threshold=threshold),
            now=now,
        )


@transaction.atomic
def answer_pain_follow_up(
    *, report: PainReport, still_there: bool, now: datetime.datetime | None = None
) -> tuple[PainReport, Guidance]:
    """The answer to Today's "is the pain still there now?" after a "not sure yet".

    It becomes the report's answer to the 15-minute question, and the decision table decides
    again as when the report was sent: a "yes" can raise the level (row 5: ``stop``, an urgent
    alert joined or escalated, a safety pause). "No" reads as "not sure yet" did, so no answer
    lowers the level already shown, and nothing new is raised. Answering twice (a double tap,
    a second tab) keeps the first answer and shows its guidance again.
    """
    now = now or timezone.now()
    locked = (
        PainReport.objects.select_for_update(of=("self",))
        .select_related("prescription", "patient")
        .get(pk=report.pk)
    )
    threshold = threshold_for(locked)
    if locked.followed_up_at is not None:
        return locked, guidance_to_show(locked, threshold=threshold)
    if locked.pain_lasting != Lasting.NOT_SURE:
        raise NotAllowed(
            _("This report already says whether the pain was still there after 15 minutes."),
            code="not_asked",
        )
    check_day_open(locked.date, locked.patient.local_today(now))
    before = decide(locked.answers(threshold))
    locked.pain_lasting = (Lasting.YES if still_there else Lasting.NO).value
    locked.followed_up_at = now
    locked.save(update_fields=["pain_lasting", "followed_up_at", "updated_at"])
    if decide(locked.answers(threshold)).rows != before.rows:
        _act_on_report(locked, threshold=threshold, now=now)
    return locked, guidance_to_show(locked, threshold=threshold)


# --- Over days: the morning check (DESIGN §5) ---------------------------------------------------


@dataclass(frozen=True)
class MorningCheckResult:
    check: MorningCheck
    created: bool
    guidance: Guidance | None  # None for a skip


@transaction.atomic
def record_morning_check(
    *, patient: Patient, answer: str, now: datetime.datetime | None = None
) -> MorningCheckResult:
    """Today's one-tap morning check (better, same, worse, or skipped for today).

    Once per local day: a second answer (a double tap, a second tab) finds the first and says
    the same again. A "worse" after yesterday's "worse" calls for easing off and opens (or
    keeps) the patient's one "worse mornings" attention alert. During a safety pause the
    pause's own guidance is shown: a morning answer never lowers what the patient is told.
    """
    now = now or timezone.now()
    if answer not in MorningAnswer.values:
        raise NotAllowed(_("Choose better, the same or worse."), code="bad_answer")
    day = patient.local_today(now)
    check, created = MorningCheck.objects.get_or_create(
        patient=patient, date=day, defaults={"answer": answer, "created_at": now}
    )
    if check.answer == MorningAnswer.SKIPPED:
        return MorningCheckResult(check=check, created=created, guidance=None)
    worse_mornings = None
    if check.answer == MorningAnswer.WORSE:
        worse_mornings = worse_mornings_finding(patient, day)
        if worse_mornings is not None and created:
            open_alert(patient=patient, finding=worse_mornings, now=now)
    pause = paused_for_safety(patient, day)
    if pause is not None:
        guidance = pause_guidance(pause)
    else:
        guidance = morning_guidance(
            Morning(check.answer),
            worse_mornings=worse_mornings is not None,
            clinic_phone=clinic_phone_for(patient),
            emergency_number=settings.REHABIT_EMERGENCY_NUMBER,
        )
    return MorningCheckResult(check=check, created=created, guidance=guidance)


# --- The safety pause (DESIGN §5) --------------------------------------------------------------


@transaction.atomic
def start_safety_pause(
    *,
    patient: Patient,
    level: Level,
    report: PainReport | None,
    reasons: str = "",
    now: datetime.datetime,
) -> SafetyPause:
    """Pause the patient's active programs for safety; a pause already open stays (and rises
    to ``emergency`` when this is one). ``reasons`` are kept as the report said them then.
    Only a therapist on the care team ends it."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # one pause at a time
    pause = SafetyPause.objects.open().filter(patient=patient).first()
    if pause is None:
        pause = SafetyPause.objects.create(
            patient=patient, level=level.value, report=report, reasons=reasons, started_at=now
        )
    elif level == Level.EMERGENCY and pause.level != Level.EMERGENCY:
        pause.level, pause.report, pause.reasons = level.value, report, reasons
        pause.save(update_fields=["level", "report", "reasons"])
    today = patient.local_today(now)
    for program in Prescription.objects.filter(patient=patient, status=Status.ACTIVE):
        set_status(prescription=program, status=Status.PAUSED, today=today)
        pause.programs.add(program)
    return pause


@transaction.atomic
def end_safety_pause(
    *,
    pause: SafetyPause,
    by: User,
    resume: bool,
    note: str = "",
    now: datetime.datetime | None = None,
) -> SafetyPause:
    """A therapist ends the pause: ``resume`` restarts the programs it paused (those still
    paused); otherwise they stay paused for the therapist to edit and resume. Ending a pause
    that is already ended changes nothing."""
    now = now or timezone.now()
    locked = SafetyPause.objects.select_for_update().get(pk=pause.pk)
    if locked.ended_at is not None:
        return locked
    locked.ended_at, locked.ended_by, locked.resumed = now, by, resume
    locked.end_note = note.strip()
    locked.save(update_fields=["ended_at", "ended_by", "resumed", "end_note"])
    if resume:
        today = locked.patient.local_today(now)
        for program in locked.programs.filter(status=Status.PAUSED):
            set_status(prescription=program, status=Status.ACTIVE, today=today)
    return locked
