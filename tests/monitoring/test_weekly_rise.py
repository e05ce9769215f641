"""Week over week (DESIGN §5): when a report is saved, the mean of each day's worst pain over
the 7 days ending on its date is compared with the 7 days before; 2 points or more above
raises the patient's one "pain higher than last week" attention alert. Each week needs
reports on at least 3 days, so one report cannot swing it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import Alert, AlertKind, Severity
from tests.helpers import days_ago, report_form_data

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")


def send_pain(client, day, pain):
    data = report_form_data(date=day.isoformat(), session=1, pain=pain)
    response = client.post(REPORT, data)
    assert response.status_code == 200, response.content.decode()


@pytest.fixture
def high_threshold(logged_program):
    """The highest threshold, 6, so that the reports here raise no report alert."""
    logged_program.pain_threshold = 6
    logged_program.save()
    return logged_program


@pytest.fixture
def last_week_at_one(patient, today, report):
    """Pain 1 on three days of the week before (7, 8 and 9 days ago): a mean of 1."""
    for count in (7, 8, 9):
        report(patient, days_ago(today, count), 1)


@pytest.fixture
def six_days_at_three(patient, today, report):
    for count in range(1, 7):
        report(patient, days_ago(today, count), 3)


def kinds() -> list[str]:
    return list(Alert.objects.open().values_list("kind", flat=True))


def test_a_week_two_points_above_the_week_before_alerts_the_care_team(
    patient_client, patient, today, last_week_at_one, six_days_at_three, high_threshold
):
    send_pain(patient_client, today, 3)  # this week: seven days at 3, a mean of 3.0
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.severity) == (
        patient,
        AlertKind.WEEKLY_RISE,
        Severity.ATTENTION,
    )
    assert alert.message.startswith("Daily worst pain averaged 3.0/10 from ")
    assert "(7 days with reports), 2.0 points above 1.0 from " in alert.message


def test_a_week_less_than_two_points_above_does_not_alert(
    patient_client, today, last_week_at_one, six_days_at_three, high_threshold
):
    send_pain(patient_client, today, 2)  # a mean of 20/7 = 2.86: 1.86 above
    assert kinds() == []


def test_each_days_worst_pain_counts_not_every_report(
    patient_client, patient, today, report, last_week_at_one, high_threshold
):
    for count in (1, 2):
        report(patient, days_ago(today, count), 0, session=1)
        report(patient, days_ago(today, count), 3, session=2)
    send_pain(patient_client, today, 3)  # worst of each day: 3, 3, 3 (all reports: 1.8)
    assert kinds() == [AlertKind.WEEKLY_RISE]


def test_a_week_with_reports_on_fewer_than_three_days_is_not_compared(
    patient_client, patient, today, report, high_threshold
):
    for count in (7, 8):
        report(patient, days_ago(today, count), 0)  # last week: two days only
    for count in (1, 2):
        report(patient, days_ago(today, count), 3)
    send_pain(patient_client, today, 3)
    assert kinds() == []
    report(patient, days_ago(today, 9), 0)  # a third day last week
    send_pain(patient_client, today, 3)
    assert kinds() == [AlertKind.WEEKLY_RISE]


def test_this_week_needs_three_days_too(
    patient_client, patient, today, report, last_week_at_one, high_threshold
):
    report(patient, days_ago(today, 1), 6)
    send_pain(patient_client, today, 6)  # two days this week
    assert AlertKind.WEEKLY_RISE not in kinds()


def test_the_weekly_alert_stays_one_and_apart_from_the_report_alert(
    patient_client, today, last_week_at_one, six_days_at_three, logged_program
):
    send_pain(patient_client, today, 6)  # above the threshold of 5: the report alert too
    send_pain(patient_client, today, 6)  # the same report again
    assert sorted(kinds()) == sorted(
        [AlertKind.REPORT, AlertKind.PAIN_RISING, AlertKind.WEEKLY_RISE]
    )
    assert Alert.objects.filter(kind=AlertKind.WEEKLY_RISE).count() == 1
