"""What the database must never hold, whatever was posted."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F, Q

from exercises.models import MAX_HOLD_SECONDS, MAX_REPS, MAX_SETS, Exercise, ExerciseStep
from patients.models import PAIN_MAX, Completion, PainReport, Patient
from patients.services import NOTE_MAX_LENGTH
from prescriptions.models import (
    MAX_TIMES_PER_DAY,
    PAIN_THRESHOLD_MAX,
    Prescription,
    PrescriptionItem,
)

OK_STATUSES = {200, 204, 301, 302, 400, 404, 405, 410}


def no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code
    assert response.status_code in OK_STATUSES, response.status_code


def refused_with_a_message(response) -> None:
    """A refusal a person can read: the page again (200/400) with a message, or an API 400."""
    assert response.status_code in {200, 400}, response.status_code
    assert response.content.strip()


def nul_free(*values: str) -> bool:
    return all("\x00" not in value for value in values)


def stored_data_is_valid() -> None:
    assert not PainReport.objects.filter(Q(pain__lt=0) | Q(pain__gt=PAIN_MAX)).exists()
    assert not PainReport.objects.filter(
        Q(session__lt=1) | Q(session__gt=MAX_TIMES_PER_DAY)
    ).exists()
    # Every report stored through the app answered the 15-minute question ("" is for old rows).
    assert not PainReport.objects.exclude(pain_lasting__in=["yes", "no", "not_sure"]).exists()
    for note in PainReport.objects.values_list("note", flat=True):
        assert len(note) <= NOTE_MAX_LENGTH
        assert nul_free(note)
    assert not Completion.objects.filter(
        Q(session__lt=1) | Q(session__gt=MAX_TIMES_PER_DAY)
    ).exists()
    for model in (PrescriptionItem, Exercise, Completion):
        rows = model.objects.all()
        assert not rows.filter(reps__isnull=True, duration_seconds__isnull=True).exists()
        assert not rows.filter(Q(sets__lt=1) | Q(sets__gt=MAX_SETS)).exists()
        assert not rows.filter(Q(reps__lt=1) | Q(reps__gt=MAX_REPS)).exists()
        assert not rows.filter(
            Q(hold_seconds__lt=1) | Q(hold_seconds__gt=MAX_HOLD_SECONDS)
        ).exists()
        assert not rows.filter(duration_seconds__lt=1).exists()
    for item in PrescriptionItem.objects.values("load", "instructions"):
        assert nul_free(*item.values())
    for program in Prescription.objects.values("title", "goal", "notes", "pain_threshold"):
        assert nul_free(program["title"], program["goal"], program["notes"])
        assert program["title"].strip()
        assert 0 <= program["pain_threshold"] <= PAIN_THRESHOLD_MAX
    assert not Prescription.objects.filter(end_date__lt=F("start_date")).exists()
    for exercise in Exercise.objects.values("name", "summary", "precautions"):
        assert nul_free(*exercise.values())
        assert exercise["name"].strip()
    assert nul_free(*ExerciseStep.objects.values_list("text", flat=True))
    for user in get_user_model().objects.values("first_name", "last_name", "email"):
        assert nul_free(*user.values())
        assert len(user["first_name"]) <= 150
        assert len(user["last_name"]) <= 150
    assert nul_free(*Patient.objects.values_list("clinic_phone", flat=True))
