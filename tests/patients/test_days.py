"""Pain over days on Today (DESIGN §5): "is the pain still there now?" 15 minutes after a
"not sure yet", and the one-tap morning check (two "worse" mornings running: ease off, and
the care team is told)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from patients.models import (
    Alert,
    AlertKind,
    MorningAnswer,
    MorningCheck,
    PainReport,
    SafetyPause,
    Severity,
)
from patients.services import record_morning_check
from tests.factories import PainReportFactory
from tests.helpers import ONE_DAY, page_text, read_form, report_form_data

pytestmark = pytest.mark.django_db

TODAY = reverse("patients:today")
REPORT = reverse("patients:report")
MORNING = reverse("patients:morning_check")
QUESTION = "Is the pain still there now?"
MORNING_QUESTION = "Compared with yesterday morning, how is your pain?"


def send(client, day, **answers):
    data = {"date": day.isoformat(), "session": 1, **report_form_data(**answers)}
    response = client.post(REPORT, data)
    assert response.status_code == 200, response.content.decode()
    return response


def minutes_pass(report: PainReport, minutes: int) -> None:
    """As if ``minutes`` had passed since the report was sent."""
    PainReport.objects.filter(pk=report.pk).update(
        updated_at=F("updated_at") - datetime.timedelta(minutes=minutes)
    )


def follow_up_url(report: PainReport) -> str:
    return reverse("patients:pain_follow_up", args=[report.pk])


def follow_up_form(html: str, report: PainReport):
    return read_form(html[html.index(f'<form method="post" action="{follow_up_url(report)}"') :])


def morning_form(html: str):
    return read_form(html[html.index(f'<form method="post" action="{MORNING}"') :])


def today_html(client) -> str:
    response = client.get(TODAY)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def not_sure(patient_client, program, bridge, today) -> PainReport:
    """Pain 6 (above the threshold of 5: ease off), not sure yet whether it lasts."""
    send(patient_client, today, pain=6, pain_lasting="not_sure")
    return PainReport.objects.get()


# --- "Not sure yet": asked again 15 minutes later ----------------------------------------------


def test_not_sure_yet_says_when_today_will_ask_and_asks_only_after_15_minutes(
    patient_client, not_sure
):
    html = today_html(patient_client)
    assert QUESTION not in html
    assert "We will ask you again at" in page_text(html)
    assert "whether the pain is still there." in page_text(html)
    minutes_pass(not_sure, 14)
    assert QUESTION not in today_html(patient_client)
    minutes_pass(not_sure, 1)  # 15 minutes in all
    html = today_html(patient_client)
    assert QUESTION in html
    assert "We will ask you again at" not in html
    form = follow_up_form(html, not_sure)
    assert [button.value for button in form.buttons] == ["yes", "no"]


def test_yes_with_pain_above_the_threshold_stops_pauses_and_escalates_the_alert_at_once(
    patient_client, patient, therapist, not_sure, django_capture_on_commit_callbacks
):
    alert = Alert.objects.get(kind=AlertKind.REPORT)
    assert alert.severity == Severity.ATTENTION  # pain 6 above 5: ease off
    minutes_pass(not_sure, 16)
    form = follow_up_form(today_html(patient_client), not_sure)
    with django_capture_on_commit_callbacks(execute=True):
        response = form.submit(patient_client, "yes", name="still_there")
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert "Stop your exercises for now" in text  # in the response that stored the answer
    assert "still there 15 minutes after you stopped" in text
    not_sure.refresh_from_db()
    assert not_sure.pain_lasting == "yes"
    assert not_sure.followed_up_at is not None
    alert.refresh_from_db()
    assert (alert.severity, Alert.objects.count()) == (Severity.URGENT, 1)
    assert "still there 15 minutes after stopping" in alert.message
    assert SafetyPause.objects.open().filter(patient=patient).exists()
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    html = today_html(patient_client)
    assert QUESTION not in html
    assert "Your exercises are paused for your safety" in html


def test_no_keeps_the_guidance_already_shown_and_raises_nothing_new(
    patient_client, not_sure, django_capture_on_commit_callbacks
):
    minutes_pass(not_sure, 16)
    form = follow_up_form(today_html(patient_client), not_sure)
    with django_capture_on_commit_callbacks(execute=True):
        response = form.submit(patient_client, "no", name="still_there")
    assert "Ease off a little" in page_text(response.content.decode())
    not_sure.refresh_from_db()
    assert not_sure.pain_lasting == "no"
    alert = Alert.objects.get()
    assert alert.severity == Severity.ATTENTION
    assert not SafetyPause.objects.exists()
    assert mail.outbox == []
    assert QUESTION not in today_html(patient_client)


def test_yes_with_mild_pain_stays_ok(patient_client, program, bridge, today):
    send(patient_client, today, pain=4, pain_lasting="not_sure")
    report = PainReport.objects.get()
    minutes_pass(report, 16)
    response = follow_up_form(today_html(patient_client), report).submit(
        patient_client, "yes", name="still_there"
    )
    assert "Mild discomfort up to 5 out of 10 is expected" in page_text(response.content.decode())
    assert not Alert.objects.exists()
    assert not SafetyPause.objects.exists()


def test_a_double_tap_records_the_first_answer_once(patient_client, not_sure):
    minutes_pass(not_sure, 16)
    form = follow_up_form(today_html(patient_client), not_sure)
    form.submit(patient_client, "yes", name="still_there")
    not_sure.refresh_from_db()
    first = not_sure.followed_up_at
    again = form.submit(patient_client, "no", name="still_there")  # a second tab
    assert again.status_code == 200
    assert "Stop your exercises for now" in page_text(again.content.decode())
    not_sure.refresh_from_db()
    assert (not_sure.pain_lasting, not_sure.followed_up_at) == ("yes", first)
    assert SafetyPause.objects.count() == 1


def test_a_new_not_sure_yet_is_asked_about_again(patient_client, not_sure, today):
    minutes_pass(not_sure, 16)
    follow_up_form(today_html(patient_client), not_sure).submit(
        patient_client, "no", name="still_there"
    )
    send(patient_client, today, pain=5, pain_lasting="not_sure")  # the report edited
    not_sure.refresh_from_db()
    assert not_sure.followed_up_at is None
    minutes_pass(not_sure, 16)
    assert QUESTION in today_html(patient_client)


def test_yesterdays_not_sure_yet_is_asked_about_today(patient, patient_client, program, today):
    report = PainReportFactory(patient=patient, date=today - ONE_DAY, pain=6)
    PainReport.objects.filter(pk=report.pk).update(
        pain_lasting="not_sure", updated_at=timezone.now() - datetime.timedelta(hours=10)
    )
    html = today_html(patient_client)
    assert QUESTION in html
    assert "15 minutes after you stopped yesterday" in page_text(html)


def test_someone_elses_report_is_not_found(patient_client, other_patient, today):
    report = PainReportFactory(patient=other_patient, date=today, pain_lasting="not_sure")
    response = patient_client.post(follow_up_url(report), {"still_there": "yes"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.pain_lasting == "not_sure"


def test_a_report_that_was_not_not_sure_is_refused(patient, patient_client, program, today):
    report = PainReportFactory(patient=patient, date=today, pain=6, pain_lasting="no")
    response = patient_client.post(follow_up_url(report), {"still_there": "yes"})
    assert response.status_code == 400
    assert "already says whether the pain was still there" in response.content.decode()
    report.refresh_from_db()
    assert (report.pain_lasting, report.followed_up_at) == ("no", None)


def test_an_answer_other_than_yes_or_no_is_refused(patient_client, not_sure):
    response = patient_client.post(follow_up_url(not_sure), {"still_there": "maybe"})
    assert response.status_code == 400
    not_sure.refresh_from_db()
    assert not_sure.pain_lasting == "not_sure"


# --- The morning check ------------------------------------------------------------------------


def test_today_asks_the_morning_check_once_a_day_with_large_buttons_and_a_skip(
    patient, patient_client, program
):
    html = today_html(patient_client)
    assert MORNING_QUESTION in html
    form = morning_form(html)
    assert [button.value for button in form.buttons] == ["better", "same", "worse", "skipped"]
    response = form.submit(patient_client, "better", name="answer")
    assert response.status_code == 200
    assert "Thank you" in page_text(response.content.decode())
    assert MORNING_QUESTION not in today_html(patient_client)
    form.submit(patient_client, "worse", name="answer")  # a second tab: the first stays
    check = MorningCheck.objects.get()
    assert (check.patient, check.date, check.answer) == (
        patient,
        patient.local_today(),
        MorningAnswer.BETTER,
    )


def test_skip_hides_the_morning_check_for_today_only(patient, patient_client, program):
    response = morning_form(today_html(patient_client)).submit(
        patient_client, "skipped", name="answer"
    )
    assert response.status_code == 302
    assert response["Location"] == TODAY
    assert MORNING_QUESTION not in today_html(patient_client)
    MorningCheck.objects.update(date=F("date") - 1)  # that was yesterday
    assert MORNING_QUESTION in today_html(patient_client)


def test_without_a_program_there_is_no_morning_check(patient_client):
    assert MORNING_QUESTION not in today_html(patient_client)


def test_one_worse_morning_asks_to_go_gently_and_alerts_nobody(patient_client, program):
    response = morning_form(today_html(patient_client)).submit(
        patient_client, "worse", name="answer"
    )
    text = page_text(response.content.decode())
    assert "Go gently today" in text
    assert "Ease off" not in text
    assert not Alert.objects.exists()


def test_two_worse_mornings_running_say_ease_off_and_raise_one_attention_alert(
    patient, patient_client, program
):
    record_morning_check(
        patient=patient, answer="worse", now=timezone.now() - datetime.timedelta(days=1)
    )
    response = morning_form(today_html(patient_client)).submit(
        patient_client, "worse", name="answer"
    )
    text = page_text(response.content.decode())
    assert "Ease off a little" in text
    assert "Your pain has been worse two mornings in a row." in text
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.severity) == (
        patient,
        AlertKind.WORSE_MORNINGS,
        Severity.ATTENTION,
    )
    assert "two mornings running" in alert.message


def test_a_third_worse_morning_keeps_the_one_open_alert(patient, patient_client, program):
    now = timezone.now()
    for days in (2, 1):
        record_morning_check(patient=patient, answer="worse", now=now - datetime.timedelta(days))
    assert Alert.objects.open().count() == 1
    morning_form(today_html(patient_client)).submit(patient_client, "worse", name="answer")
    assert Alert.objects.count() == 1


def test_worse_mornings_with_a_skip_between_are_not_running(patient, patient_client, program):
    now = timezone.now()
    record_morning_check(patient=patient, answer="worse", now=now - datetime.timedelta(days=2))
    record_morning_check(patient=patient, answer="skipped", now=now - datetime.timedelta(days=1))
    morning_form(today_html(patient_client)).submit(patient_client, "worse", name="answer")
    assert not Alert.objects.exists()


def test_the_worse_mornings_alert_stays_apart_from_the_report_alert(
    patient, patient_client, program, bridge, today
):
    send(patient_client, today, pain=6)  # above the threshold: the report alert
    record_morning_check(
        patient=patient, answer="worse", now=timezone.now() - datetime.timedelta(days=1)
    )
    morning_form(today_html(patient_client)).submit(patient_client, "worse", name="answer")
    assert sorted(Alert.objects.open().values_list("kind", flat=True)) == [
        AlertKind.REPORT,
        AlertKind.WORSE_MORNINGS,
    ]


def test_during_a_safety_pause_the_morning_check_is_asked_and_its_answer_keeps_the_pause_words(
    patient, patient_client, program, bridge, today
):
    send(patient_client, today, pain=8)  # stop: a safety pause
    html = today_html(patient_client)
    assert "Your exercises are paused for your safety" in html
    record_morning_check(
        patient=patient, answer="worse", now=timezone.now() - datetime.timedelta(days=1)
    )
    response = morning_form(html).submit(patient_client, "worse", name="answer")
    text = page_text(response.content.decode())
    assert "Your exercises are paused until your therapist has spoken with you." in text
    assert "Ease off" not in text
    assert Alert.objects.filter(kind=AlertKind.WORSE_MORNINGS).exists()


def test_the_answer_to_not_sure_yet_says_when_today_will_ask_again(
    patient_client, program, bridge, today
):
    response = send(patient_client, today, pain=3, pain_lasting="not_sure")
    assert "We will ask you on your Today page at" in page_text(response.content.decode())
    assert "We will ask you on your Today page" not in page_text(
        send(patient_client, today, pain=3, pain_lasting="no").content.decode()
    )
