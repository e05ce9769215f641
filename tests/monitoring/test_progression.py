"""Progression suggestions: three reports in a row of "too easy" with pain at most 2 suggest a
safe step up per exercise; the therapist applies it with one click or dismisses it."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from exercises.models import Kind
from monitoring.progression import next_step
from prescriptions.models import (
    PrescriptionItem,
    ProgressionSuggestion,
    SuggestionStatus,
)
from tests.factories import (
    ExerciseFactory,
    PainReportFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import days_ago, read_form, report_form_data

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")


def easy_reports(patient, program, today, pains=(1, 0), difficulty="too_easy", start=3):
    """Earlier reports for the program (the latest is sent through the page)."""
    for offset, pain in zip(range(start, start - len(pains), -1), pains, strict=True):
        PainReportFactory(
            patient=patient,
            prescription=program,
            date=days_ago(today, offset),
            pain=pain,
            difficulty=difficulty,
        )


def send(client, day, pain=2, difficulty="too_easy", **answers):
    """Post the report form, every safety question answered "no" unless ``answers`` say."""
    data = report_form_data(
        date=day.isoformat(), session=1, pain=pain, difficulty=difficulty, **answers
    )
    response = client.post(REPORT, data)
    assert response.status_code == 200, response.content.decode()
    return response


def suggestions():
    return {
        (s.item.exercise.name, s.field, s.from_value, s.to_value)
        for s in ProgressionSuggestion.objects.pending().select_related("item__exercise")
    }


def test_three_easy_sessions_in_a_row_suggest_a_step_for_each_exercise(
    patient_client, patient, logged_program, logged_bridge, stretch, today
):
    walk = PrescriptionItemFactory(
        prescription=logged_program,
        exercise=ExerciseFactory(name="Walking", kind=Kind.AEROBIC),
        reps=None,
        hold_seconds=None,
        duration_seconds=900,
    )
    easy_reports(patient, logged_program, today, start=2)
    send(patient_client, today)
    assert suggestions() == {
        ("Bridge", "reps", 10, 12),  # strengthening: two more repetitions
        ("Hamstring stretch", "hold_seconds", 20, 25),  # stretch: five more seconds
    }
    assert not walk.suggestions.exists()
    suggestion = ProgressionSuggestion.objects.get(item=logged_bridge)
    assert suggestion.prescription == logged_program
    assert "Too easy in the last 3 reports, pain 1, 0, 2" in suggestion.reason


@pytest.mark.parametrize(
    ("pains", "difficulty", "last_pain", "last_difficulty"),
    [
        ((1, 3), "too_easy", 2, "too_easy"),  # pain 3 in the run
        ((1, 1), "about_right", 1, "too_easy"),  # not too easy every time
        ((1, 1), "too_easy", 1, "about_right"),  # the latest not too easy
        ((1,), "too_easy", 1, "too_easy"),  # only two reports
    ],
    ids=["pain-3", "about-right-before", "about-right-now", "two-reports"],
)
def test_no_suggestion_unless_the_whole_run_qualifies(
    patient_client,
    patient,
    logged_program,
    logged_bridge,
    today,
    pains,
    difficulty,
    last_pain,
    last_difficulty,
):
    easy_reports(
        patient, logged_program, today, pains=pains, difficulty=difficulty, start=len(pains)
    )
    send(patient_client, today, pain=last_pain, difficulty=last_difficulty)
    assert not ProgressionSuggestion.objects.exists()


def test_reports_for_another_program_neither_join_nor_break_the_run(
    patient_client, patient, logged_program, logged_bridge, today
):
    other = PrescriptionFactory(patient=patient, start_date=days_ago(today, 40), pain_threshold=6)
    other_item = PrescriptionItemFactory(prescription=other, reps=8)
    easy_reports(patient, logged_program, today, pains=(1, 2), start=4)
    easy_reports(patient, other, today, pains=(5,), difficulty="about_right", start=2)
    send(patient_client, today)  # for the program with the lower threshold: ``program``
    assert suggestions() == {("Bridge", "reps", 10, 12)}
    assert not other_item.suggestions.exists()


@pytest.mark.parametrize(
    ("kind", "reps", "hold", "expected"),
    [
        (Kind.STRENGTHENING, 19, 5, ("reps", 19, 20)),  # capped at 20 repetitions
        (Kind.STRENGTHENING, 20, 5, ("hold_seconds", 5, 10)),  # reps at the cap: the hold
        (Kind.STRENGTHENING, 20, None, None),  # nothing left to step up
        (Kind.STRETCH, 3, 58, ("hold_seconds", 58, 60)),  # capped at 60 seconds
        (Kind.STRETCH, 3, 60, ("reps", 3, 5)),  # hold at the cap: the repetitions
        (Kind.STRETCH, 30, 90, None),  # already above both caps
        (Kind.MOBILITY, 8, None, ("reps", 8, 10)),
        (Kind.BREATHING, 10, None, None),
    ],
)
def test_the_step_stays_within_safe_limits(kind, reps, hold, expected):
    item = PrescriptionItem(
        exercise=ExerciseFactory.build(kind=kind), sets=1, reps=reps, hold_seconds=hold
    )
    step = next_step(item)
    assert (None if step is None else (step.field, step.from_value, step.to_value)) == expected


def test_one_suggestion_per_exercise_waits_at_a_time(
    patient_client, patient, logged_program, logged_bridge, today
):
    easy_reports(patient, logged_program, today, pains=(1, 1, 1), start=4)
    send(patient_client, days_ago(today, 1))
    send(patient_client, today)
    assert ProgressionSuggestion.objects.filter(item=logged_bridge).count() == 1


def test_after_a_decision_a_new_suggestion_needs_three_new_easy_reports(
    patient_client, therapist_client, patient, logged_program, logged_bridge, today
):
    easy_reports(patient, logged_program, today, pains=(1, 1), start=3)
    send(patient_client, days_ago(today, 1))
    first = ProgressionSuggestion.objects.get()
    therapist_client.post(reverse("monitoring:suggestion_dismiss", args=[first.pk]))
    send(patient_client, today)  # the run now holds two reports from before the decision
    assert ProgressionSuggestion.objects.count() == 1
    ProgressionSuggestion.objects.filter(pk=first.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=30)
    )
    send(patient_client, today)  # every report of the run came after the decision
    assert ProgressionSuggestion.objects.count() == 2


@pytest.fixture
def waiting(patient_client, patient, logged_program, logged_bridge, today):
    easy_reports(patient, logged_program, today, start=2)
    send(patient_client, today)
    return ProgressionSuggestion.objects.get(item=logged_bridge)


def test_applying_changes_the_dose_and_the_programs_history_keeps_it(
    therapist_client, therapist, patient, logged_bridge, waiting
):
    progress = reverse("monitoring:patient_progress", args=[patient.pk])
    page = therapist_client.get(progress)
    html = page.content.decode()
    assert "Bridge</strong>: 10 → 12 repetitions" in html
    response = read_form(page, f"apply-{waiting.pk}").submit(
        therapist_client, value="", name="", follow=True
    )
    assert response.redirect_chain == [(progress, 302)]
    logged_bridge.refresh_from_db()
    assert logged_bridge.reps == 12
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (SuggestionStatus.APPLIED, therapist)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(PrescriptionItem),
        object_id=logged_bridge.pk,
        action=LogEntry.Action.UPDATE,
    )
    assert entry.actor == therapist
    assert entry.changes_dict["reps"] == ["10", "12"]
    html = response.content.decode()
    assert "Applied: Bridge, 10 → 12 repetitions." in html
    assert "Repetitions: 10 → 12" in html  # the program's changes on the same page
    assert f'id="apply-{waiting.pk}"' not in html


def test_dismissing_leaves_the_dose_as_it_was(therapist_client, therapist, logged_bridge, waiting):
    response = therapist_client.post(
        reverse("monitoring:suggestion_dismiss", args=[waiting.pk]), follow=True
    )
    assert "Dismissed. Bridge keeps its dose." in response.content.decode()
    logged_bridge.refresh_from_db()
    assert logged_bridge.reps == 10
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (SuggestionStatus.DISMISSED, therapist)


def test_a_suggestion_is_decided_once(therapist_client, logged_bridge, waiting):
    therapist_client.post(reverse("monitoring:suggestion_apply", args=[waiting.pk]))
    response = therapist_client.post(
        reverse("monitoring:suggestion_apply", args=[waiting.pk]), follow=True
    )
    assert "This suggestion was already applied." in response.content.decode()
    logged_bridge.refresh_from_db()
    assert logged_bridge.reps == 12


def test_a_dose_changed_since_is_not_overwritten(therapist_client, logged_bridge, waiting):
    logged_bridge.reps = 15
    logged_bridge.save()
    response = therapist_client.post(
        reverse("monitoring:suggestion_apply", args=[waiting.pk]), follow=True
    )
    assert "The dose of Bridge changed since this was suggested" in response.content.decode()
    logged_bridge.refresh_from_db()
    assert logged_bridge.reps == 15
    waiting.refresh_from_db()
    assert waiting.is_pending


def test_an_exercise_taken_out_is_not_changed(therapist_client, logged_bridge, waiting, today):
    logged_bridge.removed_on = today
    logged_bridge.save()
    response = therapist_client.post(
        reverse("monitoring:suggestion_apply", args=[waiting.pk]), follow=True
    )
    assert "Bridge was taken out of the program." in response.content.decode()


def test_another_therapist_cannot_decide(other_therapist, logged_bridge, waiting, client):
    client.force_login(other_therapist)
    for name in ("monitoring:suggestion_apply", "monitoring:suggestion_dismiss"):
        assert client.post(reverse(name, args=[waiting.pk])).status_code == 404
    waiting.refresh_from_db()
    assert waiting.is_pending


def test_the_patient_cannot_decide(patient_client, waiting):
    for name in ("monitoring:suggestion_apply", "monitoring:suggestion_dismiss"):
        assert patient_client.post(reverse(name, args=[waiting.pk])).status_code == 404


def test_admins_can_read_suggestions_but_not_change_them(client, admin_user, waiting):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:prescriptions_progressionsuggestion_changelist"))
    assert listing.status_code == 200
    assert "Bridge in Knee program" in listing.content.decode()
    change = reverse("admin:prescriptions_progressionsuggestion_change", args=[waiting.pk])
    client.post(change, {"status": "applied"})
    waiting.refresh_from_db()
    assert waiting.is_pending


@pytest.mark.parametrize(
    "answers",
    [
        {"legs": ["weakness"], "leg_change": "new"},  # stop: the programs pause
        {"legs": ["tingling"], "leg_change": "usual"},  # a symptom, even a usual one
    ],
    ids=["new-weakness", "usual-tingling"],
)
def test_no_step_up_when_the_latest_easy_report_has_a_symptom(
    patient_client, patient, logged_program, logged_bridge, today, answers
):
    easy_reports(patient, logged_program, today, start=2)
    send(patient_client, today, **answers)
    assert not ProgressionSuggestion.objects.exists()
