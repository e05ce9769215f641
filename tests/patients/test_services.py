"""The services the pages (and later the API) call to log exercises and pain."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.utils import timezone

from monitoring.alerts import raise_alerts_for
from patients.guidance import decide
from patients.models import Alert, AlertKind, Completion, PainReport, SafetyPause, Severity
from patients.services import (
    NotAllowed,
    end_safety_pause,
    guidance_for_report,
    record_completion,
    submit_pain_report,
    undo_completion,
)
from prescriptions.models import Status
from tests.factories import PrescriptionFactory, PrescriptionItemFactory
from tests.helpers import ONE_DAY

pytestmark = pytest.mark.django_db


def test_a_completion_keeps_a_copy_of_the_dose_done(patient, bridge, today):
    completion, created = record_completion(patient=patient, item=bridge, day=today, session=1)
    assert created
    assert completion.patient == patient
    assert completion.exercise_name == "Bridge"
    assert (completion.sets, completion.reps, completion.hold_seconds) == (3, 10, 5)
    assert completion.side == "each"
    bridge.reps = 15
    bridge.exercise.name = "Renamed"
    bridge.save()
    bridge.exercise.save()
    completion.refresh_from_db()
    assert (completion.reps, completion.exercise_name) == (10, "Bridge")


def test_recording_twice_returns_the_first_completion(patient, bridge, today):
    first, created_first = record_completion(patient=patient, item=bridge, day=today, session=1)
    again, created_again = record_completion(patient=patient, item=bridge, day=today, session=1)
    assert created_first
    assert not created_again
    assert again.pk == first.pk
    assert Completion.objects.count() == 1


def test_a_patient_cannot_record_another_patients_exercise(patient, other_item, today):
    with pytest.raises(NotAllowed) as refusal:
        record_completion(patient=patient, item=other_item, day=today, session=1)
    assert refusal.value.code == "not_yours"
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    ("days_back", "code"), [(-1, "future"), (-30, "future"), (2, "too_old"), (10, "too_old")]
)
def test_only_today_and_yesterday_can_be_recorded(patient, bridge, today, days_back, code):
    day = today - datetime.timedelta(days=days_back)
    with pytest.raises(NotAllowed) as refusal:
        record_completion(patient=patient, item=bridge, day=day, session=1)
    assert refusal.value.code == code


def test_a_forgotten_session_can_be_recorded_for_yesterday(patient, bridge, today):
    completion, _ = record_completion(patient=patient, item=bridge, day=today - ONE_DAY, session=1)
    assert completion.date == today - ONE_DAY


def test_the_patients_own_date_decides_what_today_is(patient, bridge):
    """Late evening in Berlin is already tomorrow in Berlin, not in UTC."""
    now = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)  # 00:30 in Berlin
    berlin_today = datetime.date(2026, 3, 11)
    bridge.prescription.start_date = datetime.date(2026, 3, 1)
    bridge.prescription.save()
    completion, _ = record_completion(
        patient=patient, item=bridge, day=berlin_today, session=1, now=now
    )
    assert completion.date == berlin_today
    with pytest.raises(NotAllowed, match="has not come yet"):
        record_completion(
            patient=patient, item=bridge, day=berlin_today + ONE_DAY, session=1, now=now
        )


def test_days_outside_the_program_are_refused_with_the_reason(patient, bridge, today):
    program = bridge.prescription
    program.start_date = today
    program.save()
    with pytest.raises(NotAllowed, match="This program starts on"):
        record_completion(patient=patient, item=bridge, day=today - ONE_DAY, session=1)
    program.start_date = today - datetime.timedelta(days=10)
    program.end_date = today - ONE_DAY - ONE_DAY
    program.save()
    with pytest.raises(NotAllowed, match="This program ended on"):
        record_completion(patient=patient, item=bridge, day=today - ONE_DAY, session=1)


def test_an_unscheduled_weekday_is_refused(patient, bridge, today):
    program = bridge.prescription
    program.days_of_week = [d for d in range(7) if d != today.weekday()]
    program.save()
    with pytest.raises(NotAllowed, match="not planned for") as refusal:
        record_completion(patient=patient, item=bridge, day=today, session=1)
    assert refusal.value.code == "not_due"


@pytest.mark.parametrize(("status", "words"), [(Status.PAUSED, "paused"), (Status.ENDED, "ended")])
def test_a_paused_or_ended_program_is_refused(patient, bridge, today, status, words):
    bridge.prescription.status = status
    bridge.prescription.save()
    with pytest.raises(NotAllowed, match=words):
        record_completion(patient=patient, item=bridge, day=today, session=1)


def test_an_exercise_taken_out_of_the_program_is_refused(patient, bridge, today):
    bridge.removed_on = today
    bridge.save()
    with pytest.raises(NotAllowed, match="taken this exercise out"):
        record_completion(patient=patient, item=bridge, day=today, session=1)
    assert record_completion(patient=patient, item=bridge, day=today - ONE_DAY, session=1)[1]


@pytest.mark.parametrize("session", [0, 3, 6])
def test_only_the_sessions_of_the_day_can_be_recorded(patient, bridge, today, session):
    bridge.prescription.times_per_day = 2
    bridge.prescription.save()
    with pytest.raises(NotAllowed, match="There is no session") as refusal:
        record_completion(patient=patient, item=bridge, day=today, session=session)
    assert refusal.value.code == "bad_session"


def test_both_sessions_of_a_twice_daily_program_are_recorded_separately(patient, bridge, today):
    bridge.prescription.times_per_day = 2
    bridge.prescription.save()
    record_completion(patient=patient, item=bridge, day=today, session=1)
    record_completion(patient=patient, item=bridge, day=today, session=2)
    assert Completion.objects.filter(date=today).count() == 2


def test_undo_takes_back_a_tick_once(patient, bridge, today):
    record_completion(patient=patient, item=bridge, day=today, session=1)
    assert undo_completion(patient=patient, item=bridge, day=today, session=1) is True
    assert undo_completion(patient=patient, item=bridge, day=today, session=1) is False
    assert not Completion.objects.exists()


def test_undo_cannot_touch_old_days_or_other_patients(patient, bridge, other_item, today):
    old = today - datetime.timedelta(days=5)
    Completion.objects.create(
        patient=patient, item=bridge, date=old, session=1, exercise_name="Bridge", reps=10
    )
    with pytest.raises(NotAllowed):
        undo_completion(patient=patient, item=bridge, day=old, session=1)
    with pytest.raises(NotAllowed):
        undo_completion(patient=patient, item=other_item, day=today, session=1)
    assert Completion.objects.count() == 1


# --- Pain reports ------------------------------------------------------------------------------


def test_a_second_report_for_the_same_session_edits_the_first(patient, program, today):
    first, _ = submit_pain_report(
        patient=patient,
        day=today,
        session=1,
        pain=7,
        note="Sore",
        pain_lasting="no",
        tingling=True,
        leg_symptoms_usual=True,
        difficulty="too_hard",
    )
    second, guidance = submit_pain_report(
        patient=patient, day=today, session=1, pain=2, pain_lasting="no"
    )
    assert second.pk == first.pk
    assert PainReport.objects.count() == 1
    second.refresh_from_db()
    assert (second.pain, second.note, second.prescription) == (2, "", program)
    # Every answer is replaced, none kept from the first report.
    assert (second.tingling, second.leg_symptoms_usual, second.difficulty) == (False, None, "")
    # The pain 7 of the first answer paused the exercises: only the therapist ends that, so the
    # milder second answer is told the pause's words, not "keep going".
    assert guidance_for_report(second).level == "ok"
    assert (guidance.level, guidance.title) == ("stop", "Your exercises are paused")
    alert = Alert.objects.get()
    assert alert.reports.get() == second
    assert "Pain 7/10 (7 or more)" in alert.entries[0]["reasons"]  # as it was said then


def test_the_programs_own_threshold_decides_the_guidance(patient, program, today):
    program.pain_threshold = 3
    program.save()
    _, guidance = submit_pain_report(
        patient=patient, day=today, session=1, pain=4, pain_lasting="no"
    )
    assert guidance.level == "ease_off"
    assert Alert.objects.get().message.startswith("Pain 4/10, above the program's threshold of 3")


def test_a_report_on_a_day_without_a_program_uses_the_usual_threshold(patient, today):
    report, guidance = submit_pain_report(
        patient=patient, day=today, session=1, pain=5, pain_lasting="no"
    )
    assert report.prescription is None
    assert guidance.level == "ok"
    _, guidance = submit_pain_report(
        patient=patient, day=today, session=1, pain=6, pain_lasting="no"
    )
    assert guidance.level == "ease_off"


@pytest.mark.parametrize("pain", [-1, 11, True])
def test_pain_outside_zero_to_ten_is_refused(patient, program, today, pain):
    with pytest.raises(NotAllowed, match="from 0 to 10"):
        submit_pain_report(patient=patient, day=today, session=1, pain=pain, pain_lasting="no")


def test_reports_for_the_future_or_long_ago_are_refused(patient, program, today):
    for day in (today + ONE_DAY, today - datetime.timedelta(days=3)):
        with pytest.raises(NotAllowed):
            submit_pain_report(patient=patient, day=day, session=1, pain=3, pain_lasting="no")
    assert not PainReport.objects.exists()


def test_a_report_for_a_session_the_day_does_not_have_is_refused(patient, program, today):
    with pytest.raises(NotAllowed, match="no session 2"):
        submit_pain_report(patient=patient, day=today, session=2, pain=3, pain_lasting="no")


def test_new_leg_symptoms_raise_one_urgent_alert_even_when_sent_twice(patient, program, today):
    for _ in range(2):
        submit_pain_report(
            patient=patient, day=today, session=1, pain=2, tingling=True, pain_lasting="no"
        )
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    assert "tingling" in alert.message
    assert alert.report.patient == patient
    assert list(alert.reports.all()) == [alert.report]


def test_one_report_meeting_several_rows_raises_one_alert_listing_every_reason(
    patient, program, today
):
    submit_pain_report(patient=patient, day=today, session=1, pain=8, pain_lasting="yes")
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    assert "Pain 8/10 (7 or more)" in alert.message
    assert "still there 15 minutes after stopping" in alert.message
    assert "above the program's threshold of 5" in alert.message


def test_a_stop_answer_pauses_the_programs_until_a_therapist_ends_the_pause(
    patient, program, therapist, today
):
    submit_pain_report(patient=patient, day=today, session=1, pain=8, pain_lasting="no")
    program.refresh_from_db()
    pause = SafetyPause.objects.open().get(patient=patient)
    assert (program.status, pause.level, list(pause.programs.all())) == (
        "paused",
        "stop",
        [program],
    )
    end_safety_pause(pause=pause, by=therapist, resume=True, note="Called, all settled")
    program.refresh_from_db()
    pause.refresh_from_db()
    assert program.status == "active"
    assert (pause.ended_by, pause.resumed, pause.end_note) == (
        therapist,
        True,
        "Called, all settled",
    )


def test_ending_the_pause_without_resuming_keeps_the_programs_paused(
    patient, program, therapist, today
):
    submit_pain_report(
        patient=patient, day=today, session=1, pain=2, unwell=True, pain_lasting="no"
    )
    pause = SafetyPause.objects.open().get(patient=patient)
    end_safety_pause(pause=pause, by=therapist, resume=False)
    program.refresh_from_db()
    assert program.status == "paused"
    assert not SafetyPause.objects.open().exists()


def test_a_report_during_a_pause_still_uses_the_paused_programs_threshold(patient, program, today):
    program.pain_threshold = 2
    program.save()
    submit_pain_report(patient=patient, day=today, session=1, pain=9, pain_lasting="no")
    report, guidance = submit_pain_report(
        patient=patient, day=today, session=1, pain=3, pain_lasting="no"
    )
    assert report.prescription == program
    assert guidance_for_report(report).level == "ease_off"  # pain 3 over the threshold of 2
    assert guidance.level == "stop"  # what the patient reads: the pause still holds


def test_a_missing_lasting_answer_is_refused_not_taken_as_no(patient, program, today):
    with pytest.raises(NotAllowed, match="15 minutes"):
        submit_pain_report(patient=patient, day=today, session=1, pain=3)
    assert not PainReport.objects.exists()


def test_mild_pain_raises_no_alert_even_when_it_lasted(patient, program, today):
    submit_pain_report(patient=patient, day=today, session=1, pain=5, pain_lasting="yes")
    assert not Alert.objects.exists()


def test_an_acknowledged_alert_does_not_hide_a_new_one(patient, program, today):
    submit_pain_report(
        patient=patient, day=today, session=1, pain=2, weakness=True, pain_lasting="no"
    )
    Alert.objects.update(acknowledged_at=timezone.now())
    submit_pain_report(
        patient=patient, day=today - ONE_DAY, session=1, pain=2, numbness=True, pain_lasting="no"
    )
    assert Alert.objects.filter(kind=AlertKind.REPORT).count() == 2
    assert Alert.objects.open().count() == 1


def test_an_open_alert_is_reused_when_raised_again_directly(patient, program, today):
    report, _ = submit_pain_report(patient=patient, day=today, session=1, pain=9, pain_lasting="no")
    again = raise_alerts_for(report, decision=decide(report.answers(5)), threshold=5)
    assert [alert.pk for alert in again] == list(Alert.objects.values_list("pk", flat=True))


def test_health_data_is_never_logged(patient, program, today, caplog):
    caplog.set_level(logging.DEBUG)
    submit_pain_report(
        patient=patient,
        day=today,
        session=1,
        pain=9,
        numbness=True,
        note="My secret note about my back",
        pain_lasting="no",
    )
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "secret note" not in logged
    assert "numbness" not in logged.lower()


def test_a_second_program_with_a_lower_threshold_is_the_one_that_counts(patient, program, today):
    cautious = PrescriptionFactory(
        patient=patient, start_date=program.start_date, pain_threshold=2, title="Neck"
    )
    PrescriptionItemFactory(prescription=cautious)
    report, guidance = submit_pain_report(
        patient=patient, day=today, session=1, pain=3, pain_lasting="no"
    )
    assert report.prescription == cautious
    assert guidance.level == "ease_off"
