"""The database itself refuses what no form or serializer should let through.

Each case writes past validation (a queryset ``update`` or ``bulk_create``) and expects an
IntegrityError. tests/patients/test_constraints.py and tests/prescriptions/test_constraints.py
cover pain 0–10, one completion per session, one pain report per session, one open alert per
kind, a program's dates, threshold and sessions, and a program item's dose; these cover the
rest of every model's constraints.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises.models import MAX_HOLD_SECONDS, MAX_REPS, MAX_SETS, Exercise, ExerciseStep
from patients.models import (
    Alert,
    AlertKind,
    Completion,
    Invitation,
    PainReport,
    Patient,
    ReminderEmail,
    ReminderStatus,
    SafetyPause,
)
from prescriptions.models import (
    MAX_TIMES_PER_DAY,
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    ProgramTemplateItem,
    ProgressionSuggestion,
    SuggestionStatus,
)
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = datetime.date(2026, 3, 2)


def refused(write: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def accepted(write: Callable[[], object]) -> bool:
    with transaction.atomic():
        write()
    return True


# --- Doses, wherever they are stored -----------------------------------------------------------

IMPOSSIBLE_DOSES = {
    "no-reps-or-duration": {"reps": None, "duration_seconds": None},
    "zero-sets": {"sets": 0},
    "too-many-sets": {"sets": MAX_SETS + 1},
    "zero-reps": {"reps": 0},
    "too-many-reps": {"reps": MAX_REPS + 1},
    "zero-hold": {"hold_seconds": 0},
    "hold-over-limit": {"hold_seconds": MAX_HOLD_SECONDS + 1},
    "zero-duration": {"duration_seconds": 0},
    "negative-duration": {"duration_seconds": -60},
    "negative-rest": {"rest_seconds": -1},
}

DOSE_HOLDERS = {
    "exercise": (Exercise, lambda: ExerciseFactory()),
    "template-item": (ProgramTemplateItem, lambda: ProgramTemplateItemFactory()),
    "completion": (Completion, lambda: CompletionFactory()),
    "program-item": (PrescriptionItem, lambda: PrescriptionItemFactory()),
}


@pytest.mark.parametrize("holder", DOSE_HOLDERS)
@pytest.mark.parametrize("change", IMPOSSIBLE_DOSES.values(), ids=IMPOSSIBLE_DOSES.keys())
def test_database_refuses_an_impossible_dose_in_every_table_that_stores_one(holder, change):
    model, make = DOSE_HOLDERS[holder]
    row = make()
    assert refused(lambda: model.objects.filter(pk=row.pk).update(**change))


@pytest.mark.parametrize("holder", DOSE_HOLDERS)
def test_the_limits_themselves_are_accepted(holder):
    model, make = DOSE_HOLDERS[holder]
    row = make()
    assert accepted(
        lambda: model.objects.filter(pk=row.pk).update(
            sets=MAX_SETS, reps=MAX_REPS, hold_seconds=MAX_HOLD_SECONDS, rest_seconds=0
        )
    )


def test_bulk_created_exercise_without_reps_or_duration_is_refused():
    template = ExerciseFactory.build(slug="no-dose", reps=None, duration_seconds=None)
    assert refused(lambda: Exercise.objects.bulk_create([template]))


# --- Sessions of logs and schedules ------------------------------------------------------------


@pytest.mark.parametrize("session", [0, MAX_TIMES_PER_DAY + 1])
def test_database_refuses_a_completion_session_out_of_range(session):
    completion = CompletionFactory()
    assert refused(lambda: Completion.objects.filter(pk=completion.pk).update(session=session))


@pytest.mark.parametrize("session", [0, MAX_TIMES_PER_DAY + 1])
def test_database_refuses_a_pain_report_session_out_of_range(session):
    report = PainReportFactory()
    assert refused(lambda: PainReport.objects.filter(pk=report.pk).update(session=session))


@pytest.mark.parametrize("times", [0, MAX_TIMES_PER_DAY + 1])
def test_database_refuses_a_template_with_impossible_sessions_a_day(times):
    template = ProgramTemplateFactory()
    assert refused(
        lambda: ProgramTemplate.objects.filter(pk=template.pk).update(times_per_day=times)
    )


def test_database_refuses_a_program_with_more_sessions_a_day_than_allowed():
    program = PrescriptionFactory()
    assert refused(
        lambda: Prescription.objects.filter(pk=program.pk).update(
            times_per_day=MAX_TIMES_PER_DAY + 1
        )
    )


@pytest.mark.parametrize("status", ["", "deleted", "ACTIVE"])
def test_database_refuses_an_unknown_program_status(status):
    program = PrescriptionFactory()
    assert refused(lambda: Prescription.objects.filter(pk=program.pk).update(status=status))


# --- Alerts: one open alert of a kind per patient ---------------------------------------------


def test_database_refuses_reopening_an_alert_while_one_of_its_kind_is_open():
    patient = PatientFactory()
    Alert.objects.create(patient=patient, kind=AlertKind.PAIN_RISING, message="Open")
    closed = Alert.objects.create(
        patient=patient, kind=AlertKind.INACTIVITY, message="Closed", acknowledged_at=NOW
    )
    Alert.objects.filter(pk=closed.pk).update(kind=AlertKind.PAIN_RISING)  # still closed: fine
    assert refused(lambda: Alert.objects.filter(pk=closed.pk).update(acknowledged_at=None))


def test_bulk_created_duplicate_open_alerts_are_refused_but_closed_ones_pile_up():
    patient = PatientFactory()
    kind = AlertKind.REPORT
    assert refused(
        lambda: Alert.objects.bulk_create(
            [Alert(patient=patient, kind=kind, message=str(n)) for n in range(2)]
        )
    )
    assert accepted(
        lambda: Alert.objects.bulk_create(
            [
                Alert(patient=patient, kind=kind, message=str(n), acknowledged_at=NOW)
                for n in range(3)
            ]
            + [Alert(patient=patient, kind=kind, message="open")]
        )
    )


@pytest.mark.parametrize("severity", ["warning", "", "CRITICAL"])
def test_database_refuses_an_unknown_alert_severity(severity):
    alert = Alert.objects.create(patient=PatientFactory(), kind=AlertKind.REPORT, message="m")
    assert refused(lambda: Alert.objects.filter(pk=alert.pk).update(severity=severity))


# --- Pain reports' answers and safety pauses ---------------------------------------------------


@pytest.mark.parametrize("lasting", ["maybe", "YES", "yes "])
def test_database_refuses_an_unknown_answer_to_the_15_minute_question(lasting):
    report = PainReportFactory(pain_lasting="no")
    assert refused(lambda: PainReport.objects.filter(pk=report.pk).update(pain_lasting=lasting))
    for known in ("yes", "no", "not_sure", ""):  # "" only on reports from before the question
        assert accepted(
            lambda k=known: PainReport.objects.filter(pk=report.pk).update(pain_lasting=k)
        )


def test_database_refuses_a_second_open_safety_pause_but_keeps_ended_ones():
    patient = PatientFactory()
    SafetyPause.objects.create(patient=patient, level="stop", started_at=NOW)
    assert refused(
        lambda: SafetyPause.objects.create(patient=patient, level="emergency", started_at=NOW)
    )
    ended = [
        SafetyPause(patient=patient, level="stop", started_at=NOW, ended_at=NOW) for _ in range(2)
    ]
    assert accepted(lambda: SafetyPause.objects.bulk_create(ended))


@pytest.mark.parametrize(
    "values",
    [
        {"level": "ease_off"},
        {"level": "ok"},
        {"level": ""},
        {"ended_at": NOW - datetime.timedelta(seconds=1)},
    ],
)
def test_database_refuses_a_safety_pause_of_an_unknown_level_or_ending_before_it_starts(values):
    pause = SafetyPause.objects.create(patient=PatientFactory(), level="stop", started_at=NOW)
    assert refused(lambda: SafetyPause.objects.filter(pk=pause.pk).update(**values))


# --- Invitations ---------------------------------------------------------------------------------


def invitation(patient: Patient, token_hash: str, **values: object) -> Invitation:
    return Invitation(
        patient=patient,
        token_hash=token_hash,
        created_at=values.pop("created_at", NOW),
        expires_at=values.pop("expires_at", NOW + datetime.timedelta(days=14)),
        **values,
    )


@pytest.mark.parametrize("lifetime", [datetime.timedelta(0), -datetime.timedelta(days=1)])
def test_database_refuses_an_invitation_that_expires_before_it_is_made(lifetime):
    patient = PatientFactory()
    assert refused(
        lambda: Invitation.objects.bulk_create(
            [invitation(patient, "a" * 64, expires_at=NOW + lifetime)]
        )
    )


def test_database_refuses_two_invitations_with_the_same_token():
    patient = PatientFactory()
    Invitation.objects.bulk_create([invitation(patient, "b" * 64)])
    assert refused(lambda: Invitation.objects.bulk_create([invitation(patient, "b" * 64)]))


# --- Reminder emails -----------------------------------------------------------------------------


def reminder(patient: Patient, **values: object) -> ReminderEmail:
    return ReminderEmail(
        patient=patient,
        date=values.pop("date", TODAY),
        session=values.pop("session", 1),
        due_at=values.pop("due_at", NOW),
        **values,
    )


def test_database_keeps_one_reminder_email_per_patient_day_and_session():
    patient = PatientFactory()
    ReminderEmail.objects.bulk_create([reminder(patient)])
    assert refused(lambda: ReminderEmail.objects.bulk_create([reminder(patient)]))
    assert accepted(lambda: ReminderEmail.objects.bulk_create([reminder(patient, session=2)]))


@pytest.mark.parametrize(
    "change",
    [
        {"session": 0},
        {"session": MAX_TIMES_PER_DAY + 1},
        {"status": "lost"},
        {"status": ""},
        {"status": ReminderStatus.SENT, "sent_at": None},
    ],
    ids=["session-0", "session-too-high", "unknown-status", "empty-status", "sent-without-time"],
)
def test_database_refuses_an_impossible_reminder_email(change):
    record = ReminderEmail.objects.bulk_create([reminder(PatientFactory())])[0]
    assert refused(lambda: ReminderEmail.objects.filter(pk=record.pk).update(**change))


def test_a_sent_reminder_with_its_time_is_accepted():
    record = ReminderEmail.objects.bulk_create([reminder(PatientFactory())])[0]
    assert accepted(
        lambda: ReminderEmail.objects.filter(pk=record.pk).update(
            status=ReminderStatus.SENT, sent_at=NOW
        )
    )


# --- Progression suggestions ---------------------------------------------------------------------


def suggestion(item: PrescriptionItem, **values: object) -> ProgressionSuggestion:
    return ProgressionSuggestion(
        prescription=item.prescription,
        item=item,
        field=values.pop("field", "reps"),
        from_value=values.pop("from_value", 10),
        to_value=values.pop("to_value", 12),
        reason="Too easy three times running.",
        **values,
    )


def test_database_keeps_one_pending_suggestion_per_item():
    item = PrescriptionItemFactory()
    ProgressionSuggestion.objects.bulk_create([suggestion(item)])
    assert refused(lambda: ProgressionSuggestion.objects.bulk_create([suggestion(item)]))
    decided = suggestion(item, status=SuggestionStatus.DISMISSED, decided_at=NOW)
    assert accepted(lambda: ProgressionSuggestion.objects.bulk_create([decided]))


@pytest.mark.parametrize(
    "change",
    [
        {"to_value": 10},
        {"to_value": 8},
        {"direction": "regression"},  # a step down that goes up
        {"direction": "sideways"},
        {"field": "load"},
        {"field": ""},
        {"status": "maybe"},
        {"status": SuggestionStatus.APPLIED},  # decided, but no time of decision
        {"decided_at": NOW},  # still pending, yet decided
    ],
    ids=[
        "same-value",
        "step-down",
        "regression-going-up",
        "unknown-direction",
        "unknown-field",
        "empty-field",
        "unknown-status",
        "applied-without-time",
        "pending-with-time",
    ],
)
def test_database_refuses_an_impossible_progression_suggestion(change):
    row = ProgressionSuggestion.objects.bulk_create([suggestion(PrescriptionItemFactory())])[0]
    assert refused(lambda: ProgressionSuggestion.objects.filter(pk=row.pk).update(**change))


# --- Templates, exercises and patients ------------------------------------------------------


def test_database_keeps_shared_template_slugs_unique_but_not_therapists_own():
    ProgramTemplateFactory(slug="low-back-starter")
    assert refused(lambda: ProgramTemplateFactory(slug="low-back-starter"))
    therapist = TherapistFactory()
    assert accepted(lambda: ProgramTemplateFactory(slug="low-back-starter", owner=therapist))
    assert accepted(lambda: ProgramTemplateFactory(slug="low-back-starter", owner=therapist))
    assert accepted(lambda: ProgramTemplateFactory(slug=""))
    assert accepted(lambda: ProgramTemplateFactory(slug=""))


def test_a_therapists_template_cannot_be_turned_into_a_second_shared_one():
    ProgramTemplateFactory(slug="neck-starter")
    own = ProgramTemplateFactory(slug="neck-starter", owner=TherapistFactory())
    assert refused(lambda: ProgramTemplate.objects.filter(pk=own.pk).update(owner=None))


def test_database_refuses_two_steps_with_the_same_number():
    exercise = ExerciseFactory(steps=["One.", "Two."])
    assert refused(
        lambda: ExerciseStep.objects.bulk_create(
            [ExerciseStep(exercise=exercise, order=1, text="Again one.")]
        )
    )


def test_database_refuses_two_exercises_with_the_same_slug():
    ExerciseFactory(slug="bridge")
    assert refused(lambda: ExerciseFactory(slug="bridge"))


def test_database_refuses_two_patients_with_the_same_calendar_key():
    first, second = PatientFactory(), PatientFactory()
    Patient.objects.filter(pk=first.pk).update(calendar_key="same-key")
    assert refused(lambda: Patient.objects.filter(pk=second.pk).update(calendar_key="same-key"))
    assert accepted(lambda: Patient.objects.filter(pk=second.pk).update(calendar_key=None))


def test_database_refuses_a_second_patient_profile_for_one_login():
    patient = PatientFactory()
    assert refused(lambda: Patient.objects.bulk_create([Patient(user=patient.user)]))
