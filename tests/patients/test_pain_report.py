"""Pain feedback: large 0–10 buttons, symptoms, and the safety guidance the answer calls for."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from patients.models import Alert, AlertKind, PainReport, Severity
from tests.factories import PainReportFactory
from tests.patients.conftest import ONE_DAY

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")


def send(client, day, session=1, follow=True, **answers):
    data = {"date": day.isoformat(), "session": session, **answers}
    return client.post(REPORT, data, follow=follow)


def test_the_form_asks_for_pain_with_eleven_large_labelled_buttons(patient_client, program):
    html = patient_client.get(REPORT).content.decode()
    assert "<legend" in html
    assert "How bad is your pain right now?" in html
    for value in range(11):
        assert f'<input type="radio" class="choice-input" name="pain" id="pain-{value}"' in html
        assert f'<label class="pain-option" for="pain-{value}">{value}' in html
    assert "After exercising, did the pain last more than 15 minutes?" in html
    for name, label in [
        ("numbness", "Numbness"),
        ("tingling", "Tingling"),
        ("weakness", "Weakness"),
        ("pain_down_leg", "Pain spreading down a leg"),
    ]:
        assert f'name="{name}" id="id_{name}"' in html
        assert re.search(rf'<label [^>]*for="id_{name}">{label}', html)
    for label in ("Too easy", "About right", "Too hard"):
        assert label in html
    assert '<label class="question-title d-block" for="id_note">' in html


def test_sending_a_report_shows_the_guidance_straight_away(patient, patient_client, program, today):
    response = send(patient_client, today, pain=3, difficulty="about_right", note="Fine")
    assert response.redirect_chain[0][0].startswith(reverse("patients:report_guidance"))
    html = response.content.decode()
    assert "Well done" in html
    assert "3 out of 10" in html
    report = PainReport.objects.get()
    assert (report.patient, report.date, report.session, report.pain) == (patient, today, 1, 3)
    assert (report.difficulty, report.note) == ("about_right", "Fine")
    assert not Alert.objects.exists()


def test_a_red_flag_tells_the_patient_to_stop_and_call_the_clinic(
    patient, patient_client, program, today
):
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    html = send(patient_client, today, pain=2, pain_down_leg="on").content.decode()
    assert "Stop and contact your therapist" in html
    assert 'role="alert"' in html
    assert 'href="tel:+15550100"' in html
    assert "Call your clinic: +1 555 0100" in html
    assert "Pain spreading down a leg" in html
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.RED_FLAG, Severity.URGENT)


def test_lasting_pain_above_the_threshold_says_stop(patient_client, program, today):
    html = send(patient_client, today, pain=7, pain_lasted_over_15_min="yes").content.decode()
    assert "Stop and contact your therapist" in html
    assert "lasts more than 15 minutes" in html
    assert "tel:" not in html  # no clinic phone is known
    assert set(Alert.objects.values_list("kind", flat=True)) == {
        AlertKind.PAIN_ABOVE_THRESHOLD,
        AlertKind.LASTING_PAIN,
    }


def test_pain_above_the_threshold_says_to_ease_off(patient_client, program, today):
    html = send(patient_client, today, pain=6, pain_lasted_over_15_min="no").content.decode()
    assert "Ease off a little" in html
    assert "fewer repetitions or move more slowly" in html
    assert Alert.objects.get().kind == AlertKind.PAIN_ABOVE_THRESHOLD


def test_sending_the_same_answer_twice_raises_one_alert_and_keeps_one_report(
    patient_client, program, today
):
    send(patient_client, today, pain=8, numbness="on")
    send(patient_client, today, pain=8, numbness="on")
    assert PainReport.objects.count() == 1
    assert Alert.objects.filter(kind=AlertKind.RED_FLAG).count() == 1
    assert Alert.objects.filter(kind=AlertKind.PAIN_ABOVE_THRESHOLD).count() == 1


def test_a_second_submission_edits_the_report(patient_client, program, today):
    send(patient_client, today, pain=6, tingling="on", note="Ouch")
    send(patient_client, today, pain=2, note="Better now")
    report = PainReport.objects.get()
    assert (report.pain, report.tingling, report.note) == (2, False, "Better now")


def test_editing_shows_the_saved_answers(patient_client, program, today):
    send(patient_client, today, pain=4, weakness="on", difficulty="too_hard", note="Tired")
    html = patient_client.get(REPORT, {"date": today.isoformat(), "session": 1}).content.decode()
    assert "You already told us about this day" in html
    assert 'id="pain-4" value="4" checked' in html
    assert 'id="pain-5" value="5" checked' not in html
    assert re.search(r'name="weakness" id="id_weakness" checked', html)
    assert not re.search(r'name="numbness" id="id_numbness" checked', html)
    assert re.search(r'value="too_hard" checked', html)
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
