"""Pain rising above the patient's 7-day baseline alerts the care team (DESIGN §5).

The baseline is the mean pain of the patient's reports dated in the 7 days before the
report's date, and exists only with at least 3 of them; a report 2 or more points above it
opens (or reuses) the patient's one open "pain rising" alert.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import dateformat

from patients.alerts import pain_baseline
from patients.models import Alert, AlertKind, Severity
from tests.monitoring.conftest import days_ago

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")


def send_pain(client, day, pain, **answers):
    return client.post(REPORT, {"date": day.isoformat(), "session": 1, "pain": pain, **answers})


@pytest.fixture
def calm_week(patient, today, report):
    """Pain 3, 3 and 4 on the three days before today: a baseline of 3.33."""
    for count, pain in ((3, 3), (2, 3), (1, 4)):
        report(patient, days_ago(today, count), pain)


@pytest.fixture
def high_threshold(program):
    """A threshold of 8, so that only the rise itself can alert."""
    program.pain_threshold = 8
    program.save()
    return program


def kinds() -> set[str]:
    return set(Alert.objects.open().values_list("kind", flat=True))


def test_pain_two_or_more_points_above_the_weekly_average_alerts_the_care_team(
    patient_client, patient, today, calm_week, high_threshold, bridge
):
    send_pain(patient_client, today, 6)
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.severity) == (
        patient,
        AlertKind.PAIN_RISING,
        Severity.WARNING,
    )
    when = dateformat.format(today, "j M Y")
    assert alert.message == (
        f"Pain 6/10 ({when}, session 1): 2.7 points above the average of 3.3 over the 7 days "
        f"before (3 reports, {dateformat.format(days_ago(today, 7), 'j M')} to "
        f"{dateformat.format(days_ago(today, 1), 'j M')})."
    )
    assert alert.report.date == today


def test_a_rise_of_exactly_two_points_is_enough(
    patient_client, patient, today, report, high_threshold, bridge
):
    for count in (1, 2, 3):
        report(patient, days_ago(today, count), 3)
    send_pain(patient_client, today, 5)
    assert kinds() == {AlertKind.PAIN_RISING}


def test_a_rise_of_less_than_two_points_does_not_alert(
    patient_client, patient, today, report, high_threshold, bridge
):
    for count, pain in ((1, 4), (2, 4), (3, 5)):
        report(patient, days_ago(today, count), pain)
    send_pain(patient_client, today, 6)  # 1.67 above 4.33
    assert not Alert.objects.exists()


def test_without_three_reports_in_the_week_there_is_no_baseline_and_no_alert(
    patient_client, patient, today, report, high_threshold, bridge
):
    report(patient, days_ago(today, 1), 1)
    report(patient, days_ago(today, 2), 1)
    report(patient, days_ago(today, 8), 1)  # outside the 7 days
    send_pain(patient_client, today, 7)
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
    patient_client, patient, other_patient, today, report, high_threshold, bridge
):
    for count in (1, 2, 3):
        report(other_patient, days_ago(today, count), 0)
    send_pain(patient_client, today, 6)
    assert not Alert.objects.exists()


def test_one_open_pain_rising_alert_until_a_therapist_acknowledges_it(
    patient_client, therapist_client, patient, today, calm_week, high_threshold, bridge
):
    send_pain(patient_client, today, 7)
    send_pain(patient_client, today, 8)  # an edit of the same report
    assert Alert.objects.filter(kind=AlertKind.PAIN_RISING).count() == 1

    alert = Alert.objects.get()
    therapist_client.post(reverse("clinic:alert_acknowledge", args=[alert.pk]), {"note": ""})
    send_pain(patient_client, today, 7)
    assert Alert.objects.filter(kind=AlertKind.PAIN_RISING).count() == 2
    assert Alert.objects.open().filter(kind=AlertKind.PAIN_RISING).count() == 1


def test_rising_pain_above_the_threshold_raises_both_alerts(
    patient_client, today, calm_week, program, bridge
):
    send_pain(patient_client, today, 7)  # threshold 5
    assert kinds() == {AlertKind.PAIN_RISING, AlertKind.PAIN_ABOVE_THRESHOLD}


def test_a_red_flag_is_urgent_and_listed_first_on_the_dashboard(
    patient_client, therapist_client, today, calm_week, program, bridge
):
    send_pain(patient_client, today, 7, numbness="on")
    html = therapist_client.get(reverse("clinic:dashboard")).content.decode()
    urgent = html.index("Red-flag symptom")
    assert urgent < html.index("Pain rising")
    assert urgent < html.index("Pain above threshold")
    assert Alert.objects.get(kind=AlertKind.RED_FLAG).severity == Severity.URGENT
