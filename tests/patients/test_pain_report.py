"""Pain feedback: large 0–10 buttons, symptoms, and the safety guidance the answer calls for."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from patients.models import Alert, AlertKind, PainReport, SafetyPause, Severity
from prescriptions.models import Status
from tests.factories import PainReportFactory
from tests.helpers import ONE_DAY, page_text, read_form, report_form_data

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")


def send(client, day, session=1, follow=True, **answers):
    """Post the form with every safety question answered "no" unless ``answers`` say more."""
    data = {"date": day.isoformat(), "session": session, **report_form_data(**answers)}
    return client.post(REPORT, data, follow=follow)


def report_form(response):
    """The pain report form of the page (the navigation has a form of its own before it)."""
    html = response.content.decode()
    return read_form(html[html.index(f'<form method="post" action="{REPORT}"') :])


def test_the_form_asks_for_pain_with_eleven_large_labelled_buttons(patient_client, program):
    response = patient_client.get(REPORT)
    html = response.content.decode()
    assert "<legend" in html
    assert "What was your worst pain during the exercises?" in html
    for value in range(11):
        assert f'<input type="radio" class="choice-input" name="pain" id="pain-{value}"' in html
        assert f'<label class="pain-option" for="pain-{value}">{value}' in html
    assert "Is the pain still there 15 minutes after you stopped?" in html
    for label in (
        "Changes in peeing or pooing",
        "Numbness between your legs or around your bottom",
        "Numbness or weakness in both legs, new or worse",
        "Chest pain, sudden breathlessness, or fainting",
        "Numbness in a leg",
        "Tingling or pins and needles in a leg",
        "Weakness in a leg",
        "Pain spreading down a leg",
        "Is this new, or worse than usual?",
        "A fever, or feeling unwell",
        "A fall or an injury since you last exercised",
        "None of these",
    ):
        assert label in html, label
    for label in ("Too easy", "About right", "Too hard"):
        assert label in html
    assert '<label class="question-title d-block" for="id_note">' in html
    form = report_form(response)
    assert form.options["pain_lasting"] == ["yes", "no", "not_sure"]
    assert form.options["emergency"] == [
        "bladder_bowel",
        "saddle_numbness",
        "both_legs",
        "chest",
        "none",
    ]
    assert form.options["legs"] == ["numbness", "tingling", "weakness", "pain_down_leg", "none"]
    assert form.options["leg_change"] == ["new", "usual"]
    assert form.options["other"] == ["unwell", "fall_or_injury", "none"]


def test_sending_a_report_shows_the_guidance_straight_away(patient, patient_client, program, today):
    response = send(patient_client, today, pain=3, difficulty="about_right", note="Fine")
    assert response.status_code == 200
    assert response.redirect_chain == []  # the guidance is in the response that stored it
    html = response.content.decode()
    assert "Thank you" in html
    assert "Mild discomfort up to 5 out of 10 is expected" in html
    assert "3 out of 10" in html
    report = PainReport.objects.get()
    assert (report.patient, report.date, report.session, report.pain) == (patient, today, 1, 3)
    assert (report.difficulty, report.note, report.pain_lasting) == ("about_right", "Fine", "no")
    assert not report.symptom_labels()
    assert not Alert.objects.exists()
    assert not SafetyPause.objects.exists()


def test_new_leg_symptoms_tell_the_patient_to_stop_and_call_the_clinic(
    patient, patient_client, program, today
):
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    html = send(patient_client, today, pain=2, legs=["pain_down_leg"]).content.decode()
    assert "Stop your exercises for now" in html
    assert 'role="alert"' in html
    assert 'href="tel:+15550100"' in html
    assert "Call your clinic: +1 555 0100" in html
    assert "Pain spreading down a leg" in html
    assert "New or worse" in html  # unanswered "is it new?" counts as new
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    program.refresh_from_db()
    assert program.status == Status.PAUSED
    assert SafetyPause.objects.open().get().patient == patient


def test_usual_leg_symptoms_say_to_ease_off(patient_client, program, today):
    html = send(
        patient_client, today, pain=2, legs=["tingling"], leg_change="usual"
    ).content.decode()
    assert "Ease off a little" in html
    assert "same as usual" in html
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.ATTENTION)
    assert not SafetyPause.objects.exists()


def test_lasting_pain_above_the_threshold_says_stop(patient_client, program, today):
    html = send(patient_client, today, pain=6, pain_lasting="yes").content.decode()
    assert "Stop your exercises for now" in html
    assert "still there 15 minutes after you stopped" in html
    assert "tel:" not in html  # no clinic phone is known
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    assert SafetyPause.objects.open().exists()


def test_pain_above_the_threshold_says_to_ease_off(patient_client, program, today):
    html = send(patient_client, today, pain=6, pain_lasting="no").content.decode()
    assert "Ease off a little" in html
    assert "fewer repetitions or move more slowly" in html
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.ATTENTION)
    assert not SafetyPause.objects.exists()


def test_sending_the_same_answer_twice_raises_one_alert_and_keeps_one_report(
    patient_client, program, today
):
    send(patient_client, today, pain=8, legs=["numbness"])
    send(patient_client, today, pain=8, legs=["numbness"])
    assert PainReport.objects.count() == 1
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
    assert SafetyPause.objects.open().count() == 1


def test_a_second_submission_edits_the_report(patient_client, program, today):
    send(patient_client, today, pain=5, legs=["tingling"], leg_change="usual", note="Ouch")
    send(patient_client, today, pain=2, note="Better now")
    report = PainReport.objects.get()
    assert (report.pain, report.tingling, report.note) == (2, False, "Better now")


def test_editing_shows_the_saved_answers(patient_client, program, today):
    send(
        patient_client,
        today,
        pain=4,
        pain_lasting="not_sure",
        legs=["weakness"],
        leg_change="usual",
        difficulty="too_hard",
        note="Tired",
    )
    response = patient_client.get(REPORT, {"date": today.isoformat(), "session": 1})
    html = response.content.decode()
    assert "You already told us about this day" in html
    assert 'id="pain-4" value="4" checked' in html
    assert 'id="pain-5" value="5" checked' not in html
    form = report_form(response)
    assert form.values("pain") == ["4"]
    assert form.values("pain_lasting") == ["not_sure"]
    assert form.values("legs") == ["weakness"]
    assert form.values("leg_change") == ["usual"]
    assert form.values("emergency") == ["none"]
    assert form.values("other") == ["none"]
    assert form.values("difficulty") == ["too_hard"]
    assert ">\nTired</textarea>" in html


def test_forgetting_the_pain_number_asks_again(patient_client, program, today):
    response = send(patient_client, today, follow=False, note="Forgot")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a number from 0 (no pain) to 10." in html
    assert ">\nForgot</textarea>" in html
    assert not PainReport.objects.exists()


def test_a_twice_daily_program_asks_about_the_session_done(patient_client, program, bridge, today):
    program.times_per_day = 2
    program.save()
    html = patient_client.get(REPORT).content.decode()
    assert "session 1 of 2" in html
    PainReportFactory(patient=program.patient, date=today, session=1, pain=2)
    html = patient_client.get(REPORT).content.decode()
    assert "session 2 of 2" in html
    send(patient_client, today, session=2, pain=3)
    assert sorted(PainReport.objects.values_list("session", flat=True)) == [1, 2]


def test_a_report_can_be_made_on_a_rest_day(patient_client, program, today):
    program.days_of_week = [d for d in range(7) if d != today.weekday()]
    program.save()
    html = send(patient_client, today, pain=1).content.decode()
    assert "Well done" in html


def test_yesterdays_session_can_still_be_reported(patient_client, program, today):
    send(patient_client, today - ONE_DAY, pain=2)
    assert PainReport.objects.get().date == today - ONE_DAY


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date": "2026-02-30"}, "That date is not one we understand."),
        ({"date": "yesterday"}, "That date is not one we understand."),
        ({"session": "0"}, "There is no such session."),
        ({"session": "x"}, "There is no such session."),
        ({"session": "2"}, "There is no session 2 on this day"),
    ],
)
def test_bad_dates_and_sessions_get_a_clear_message(patient_client, program, query, message):
    response = patient_client.get(REPORT, query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("days", [-1, 3])
def test_the_future_and_long_ago_are_refused(patient_client, program, today, days):
    day = today - datetime.timedelta(days=days)
    for response in (
        patient_client.get(REPORT, {"date": day.isoformat()}),
        send(patient_client, day, pain=3, follow=False),
    ):
        assert response.status_code == 400
        assert "That is not possible" in response.content.decode()
    assert not PainReport.objects.exists()


def test_guidance_for_a_report_that_does_not_exist_answers_404(patient_client, program, today):
    url = reverse("patients:report_guidance")
    assert patient_client.get(url, {"date": today.isoformat(), "session": 1}).status_code == 404


def test_a_patient_cannot_see_another_patients_guidance(
    patient_client, other_patient, program, today
):
    PainReportFactory(patient=other_patient, date=today, session=1, pain=9, numbness=True)
    url = reverse("patients:report_guidance")
    assert patient_client.get(url, {"date": today.isoformat(), "session": 1}).status_code == 404


def test_the_guidance_page_lists_the_answers_and_offers_to_change_them(
    patient_client, program, today
):
    html = send(patient_client, today, pain=5, note="Stiff in the morning").content.decode()
    assert "Stiff in the morning" in html
    assert "5 out of 10" in html
    assert f"{REPORT}?date={today.isoformat()}&amp;session=1" in html


def test_forgetting_whether_the_pain_lasted_asks_again_and_stores_nothing(
    patient_client, program, today
):
    data = {"date": today.isoformat(), "session": 1, **report_form_data(pain=6, note="Sore")}
    del data["pain_lasting"]
    response = patient_client.post(REPORT, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please check your answers:" in html
    assert "Say whether the pain is still there: yes, no or not sure yet." in html
    assert 'id="pain_lasting-error"' in html
    form = report_form(response)  # the form comes back with what was already answered
    assert form.values("pain") == ["6"]
    assert ">\nSore</textarea>" in html
    assert not PainReport.objects.exists()
    assert not Alert.objects.exists()
    assert not SafetyPause.objects.exists()
    program.refresh_from_db()
    assert program.status == Status.ACTIVE


def test_an_emergency_sign_says_call_the_emergency_number_and_pauses_the_programs(
    patient, patient_client, program, bridge, today
):
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    response = send(patient_client, today, pain=1, emergency=["bladder_bowel"])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-level="emergency"' in html
    assert 'role="alert"' in html
    assert "Call your local emergency number now" in html
    assert "Do not wait to hear from your therapist" in html
    assert "Your exercises are paused until your therapist has spoken with you" in html
    assert "Call your clinic: +1 555 0100" in html
    report = PainReport.objects.get()
    assert report.bladder_bowel
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.CRITICAL)
    assert list(alert.reports.all()) == [report]
    pause = SafetyPause.objects.open().get()
    assert (pause.patient, pause.level, pause.report) == (patient, "emergency", report)
    program.refresh_from_db()
    assert program.status == Status.PAUSED
    assert list(pause.programs.all()) == [program]


def test_the_next_day_today_still_shows_the_safety_pause_with_the_phone_and_no_check_off(
    patient, patient_client, program, bridge, today
):
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    assert "data-check-off" in patient_client.get(reverse("patients:today")).content.decode()
    yesterday = today - ONE_DAY
    send(patient_client, yesterday, pain=3, other=["fall_or_injury"])
    # The pause began yesterday, when the report was sent: today is the next day.
    SafetyPause.objects.update(started_at=F("started_at") - ONE_DAY)

    response = patient_client.get(reverse("patients:today"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-safety-pause" in html
    assert "Your exercises are paused for your safety" in page_text(html)
    assert 'href="tel:+15550100"' in html
    assert "Call your clinic: +1 555 0100" in html
    assert "data-check-off" not in html
    assert bridge.exercise.name not in page_text(html)
    guidance = reverse("patients:report_guidance")
    assert f"{guidance}?date={yesterday.isoformat()}&amp;session=1" in html


def test_a_report_changed_during_an_emergency_pause_never_reads_as_keep_going(
    patient, patient_client, therapist_client, program, bridge, today, settings
):
    settings.REHABIT_EMERGENCY_NUMBER = "112"
    send(patient_client, today, pain=4, emergency=["bladder_bowel"])
    # The same session sent again, all well: the emergency pause and its words stay.
    html = send(patient_client, today, pain=0).content.decode()
    assert 'data-level="emergency"' in html
    assert "Keep going" not in html
    assert 'href="tel:112"' in html
    today_html = patient_client.get(reverse("patients:today")).content.decode()
    assert "Your exercises are paused for your safety" in today_html
    assert "call 112 now" in page_text(today_html)
    assert 'href="tel:112"' in today_html  # the emergency call button stays
    assert "well done" not in page_text(today_html).lower()
    # The therapist reads what started the pause, as the patient said it then.
    detail = therapist_client.get(reverse("clinic:patient_detail", args=[patient.pk]))
    assert "Why: Emergency sign: bladder or bowel change" in page_text(detail.content.decode())
    alert = Alert.objects.get()
    assert alert.severity == Severity.CRITICAL
    assert "Emergency sign" in alert.entries[0]["reasons"]


def test_a_milder_report_during_a_stop_pause_is_told_the_exercises_stay_paused(
    patient, patient_client, program, bridge, today
):
    send(patient_client, today - ONE_DAY, pain=8)  # stop: row 4
    html = send(patient_client, today, pain=2).content.decode()
    assert 'data-level="stop"' in html
    assert "Your exercises are paused until your therapist has spoken with you" in html
    assert "Mild discomfort" not in html
