"""Pain reports alert the care team (DESIGN §5).

Pain rising: the baseline is the mean pain of the patient's reports dated in the 7 days
before the report's date, and exists only with at least 3 of them; a report of pain 4 or more
and 2 or more points above it opens (or reuses) the patient's one open "pain rising" alert.

The report alert: one open per patient, joined by later reports that meet a row of the
decision table; its message follows the latest, its severity only rises, and a critical or
urgent one emails every therapist on the care team once, with nothing that identifies the
patient or what they reported.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import escape

from monitoring.alerts import pain_baseline
from patients.models import Alert, AlertKind, PainReport, Severity
from tests.factories import TherapistFactory
from tests.helpers import days_ago, report_form_data

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")


def send_pain(client, day, pain, **answers):
    """Post the report form, every safety question answered "no" unless ``answers`` say."""
    data = report_form_data(date=day.isoformat(), session=1, pain=pain, **answers)
    response = client.post(REPORT, data)
    assert response.status_code == 200, response.content.decode()
    return response


@pytest.fixture
def calm_week(patient, today, report):
    """Pain 3, 3 and 4 on the three days before today: a baseline of 3.33."""
    for count, pain in ((3, 3), (2, 3), (1, 4)):
        report(patient, days_ago(today, count), pain)


@pytest.fixture
def high_threshold(logged_program):
    """The highest threshold, 6, so that up to pain 6 only the rise itself can alert."""
    logged_program.pain_threshold = 6
    logged_program.save()
    return logged_program


def kinds() -> set[str]:
    return set(Alert.objects.open().values_list("kind", flat=True))


def test_pain_two_or_more_points_above_the_weekly_average_alerts_the_care_team(
    patient_client, patient, today, calm_week, high_threshold, logged_bridge
):
    send_pain(patient_client, today, 6)
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.severity) == (
        patient,
        AlertKind.PAIN_RISING,
        Severity.ATTENTION,
    )
    when = dateformat.format(today, "j M Y")
    assert alert.message == (
        f"Pain 6/10 ({when}, session 1): 2.7 points above the average of 3.3 over the 7 days "
        f"before (3 reports, {dateformat.format(days_ago(today, 7), 'j M')} to "
        f"{dateformat.format(days_ago(today, 1), 'j M')})."
    )
    assert alert.report.date == today


def test_a_rise_of_exactly_two_points_is_enough(
    patient_client, patient, today, report, high_threshold, logged_bridge
):
    for count in (1, 2, 3):
        report(patient, days_ago(today, count), 3)
    send_pain(patient_client, today, 5)
    assert kinds() == {AlertKind.PAIN_RISING}


def test_a_rise_of_less_than_two_points_does_not_alert(
    patient_client, patient, today, report, high_threshold, logged_bridge
):
    for count, pain in ((1, 4), (2, 4), (3, 5)):
        report(patient, days_ago(today, count), pain)
    send_pain(patient_client, today, 6)  # 1.67 above 4.33
    assert not Alert.objects.exists()


def test_without_three_reports_in_the_week_there_is_no_baseline_and_no_alert(
    patient_client, patient, today, report, high_threshold, logged_bridge
):
    report(patient, days_ago(today, 1), 1)
    report(patient, days_ago(today, 2), 1)
    report(patient, days_ago(today, 8), 1)  # outside the 7 days
    send_pain(patient_client, today, 6)
    assert not Alert.objects.exists()


def test_the_baseline_covers_the_seven_days_before_the_reports_date_only(patient, today, report):
    report(patient, today, 9)  # the day itself: left out
    report(patient, days_ago(today, 8), 9)  # eight days before: left out
    for count, pain in ((1, 2), (4, 3), (7, 7)):
        report(patient, days_ago(today, count), pain)
    baseline = pain_baseline(patient, today)
    assert baseline is not None
    assert (baseline.reports, baseline.mean) == (3, 4.0)
    assert (baseline.first, baseline.last) == (days_ago(today, 7), days_ago(today, 1))


def test_another_patients_reports_do_not_count(
    patient_client, patient, other_patient, today, report, high_threshold, logged_bridge
):
    for count in (1, 2, 3):
        report(other_patient, days_ago(today, count), 0)
    send_pain(patient_client, today, 6)
    assert not Alert.objects.exists()


def test_a_rise_that_ends_below_four_does_not_alert(
    patient_client, patient, today, report, high_threshold, logged_bridge
):
    for count in (1, 2, 3):
        report(patient, days_ago(today, count), 1)
    send_pain(patient_client, today, 3)  # two points above, but only 3/10
    assert not Alert.objects.exists()
    send_pain(patient_client, today, 4)  # an edit: now 4/10
    assert kinds() == {AlertKind.PAIN_RISING}


def test_one_open_pain_rising_alert_until_a_therapist_acknowledges_it(
    patient_client, therapist_client, patient, today, report, high_threshold, logged_bridge
):
    for count in (1, 2, 3):
        report(patient, days_ago(today, count), 2)
    send_pain(patient_client, today, 5)
    send_pain(patient_client, today, 6)  # an edit of the same report
    assert Alert.objects.filter(kind=AlertKind.PAIN_RISING).count() == 1

    alert = Alert.objects.get()
    therapist_client.post(reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": ""})
    send_pain(patient_client, today, 5)
    assert Alert.objects.filter(kind=AlertKind.PAIN_RISING).count() == 2
    assert Alert.objects.open().filter(kind=AlertKind.PAIN_RISING).count() == 1


def test_rising_pain_above_the_threshold_raises_both_alerts(
    patient_client, today, calm_week, logged_program, logged_bridge
):
    send_pain(patient_client, today, 6)  # threshold 5
    assert kinds() == {AlertKind.PAIN_RISING, AlertKind.REPORT}
    assert Alert.objects.get(kind=AlertKind.REPORT).severity == Severity.ATTENTION


def test_new_leg_symptoms_are_urgent_and_listed_first_on_the_dashboard(
    patient_client, therapist_client, today, calm_week, logged_program, logged_bridge
):
    send_pain(patient_client, today, 6, legs=["numbness"], leg_change="new")
    report_alert = Alert.objects.get(kind=AlertKind.REPORT)
    assert report_alert.severity == Severity.URGENT
    assert report_alert.message.startswith("New or worse leg symptoms: ")
    html = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    assert html.index(escape(report_alert.message)) < html.index("Pain rising")


def test_later_reports_join_the_open_report_alert_which_follows_the_latest_and_rises(
    patient_client, patient, today, logged_program, logged_bridge
):
    yesterday = days_ago(today, 1)
    send_pain(patient_client, yesterday, 3, legs=["tingling"], leg_change="usual")
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.ATTENTION)
    assert alert.message.startswith("Leg symptoms the patient calls usual: ")

    send_pain(patient_client, today, 3, legs=["weakness"], leg_change="new")
    alert = Alert.objects.get()  # still the one alert
    latest = patient.pain_reports.get(date=today)
    assert (alert.kind, alert.severity, alert.report) == (
        AlertKind.REPORT,
        Severity.URGENT,
        latest,
    )
    assert set(alert.reports.values_list("date", flat=True)) == {yesterday, today}
    when = dateformat.format(today, "j M Y")
    assert (
        alert.message
        == f"New or worse leg symptoms: {PainReport.label('weakness')} ({when}, session 1)."
    )

    send_pain(patient_client, today, 3, legs=["tingling"], leg_change="usual")  # an edit
    alert.refresh_from_db()
    assert alert.severity == Severity.URGENT  # severity never falls
    assert alert.message.startswith("Leg symptoms the patient calls usual: ")


def test_an_urgent_alert_emails_each_therapist_on_the_care_team_once_without_details(
    patient_client,
    patient,
    therapist,
    other_therapist,
    today,
    logged_program,
    logged_bridge,
    django_capture_on_commit_callbacks,
):
    colleague = TherapistFactory()
    patient.care_team.add(colleague)  # other_therapist stays off the care team
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, today, 7, legs=["weakness"], leg_change="new")
    assert Alert.objects.get().severity == Severity.URGENT
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[therapist.email], [colleague.email]]
    )
    assert other_therapist.email not in {address for m in mail.outbox for address in m.to}

    with django_capture_on_commit_callbacks(execute=True):  # joins it, still urgent
        send_pain(patient_client, days_ago(today, 1), 7, legs=["weakness"], leg_change="new")
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 2  # once per therapist

    user = patient.user
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        assert "urgent" in text
        assert reverse("clinic:patient_detail", args=[patient.pk]) in message.body
        for private in {
            patient.display_name,
            user.first_name,
            user.last_name,
            user.username,
            user.email,
            "7/10",
            "pain 7",
            "weakness",
            "leg",
        } - {""}:
            assert private.lower() not in text, private


def test_a_critical_alert_emails_the_care_team(
    patient_client,
    therapist,
    today,
    logged_program,
    logged_bridge,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, today, 2, emergency=["chest"])
    assert Alert.objects.get().severity == Severity.CRITICAL
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    assert "critical" in mail.outbox[0].subject.lower()
    assert "chest" not in f"{mail.outbox[0].subject} {mail.outbox[0].body}".lower()


def test_an_attention_alert_sends_no_email(
    patient_client, today, logged_program, logged_bridge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, today, 6)  # above the threshold of 5
    assert Alert.objects.get().severity == Severity.ATTENTION
    assert mail.outbox == []


def test_each_rise_of_the_joined_alert_emails_the_care_team_again(
    patient_client,
    therapist,
    today,
    logged_program,
    logged_bridge,
    django_capture_on_commit_callbacks,
):
    yesterday = days_ago(today, 1)
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, yesterday, 3, legs=["tingling"], leg_change="usual")
    assert mail.outbox == []  # attention: no email
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, yesterday, 3, legs=["weakness"], leg_change="new")
    assert [m.subject for m in mail.outbox] == ["Rehabit: an urgent alert needs you today"]
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, today, 2, emergency=["saddle_numbness"])
    assert [m.subject for m in mail.outbox][1:] == ["Rehabit: a critical alert needs you now"]
    assert Alert.objects.get().severity == Severity.CRITICAL
    assert [m.to for m in mail.outbox] == [[therapist.email]] * 2
