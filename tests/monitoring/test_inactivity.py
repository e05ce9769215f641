"""`check_inactivity` alerts the care team when due sessions were missed three scheduled days
running; it is safe to run any number of times."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from exercises.models import Kind
from monitoring.inactivity import raise_inactivity_alerts
from patients.models import Alert, AlertKind, SafetyPause, Severity
from patients.services import end_safety_pause, submit_pain_report
from prescriptions.models import Status
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import service_report_answers

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Thursday 12 March 2026, 07:00 in Berlin: the patient's today is the 12th.
NOW = datetime.datetime(2026, 3, 12, 7, 0, tzinfo=BERLIN)
START = datetime.date(2026, 3, 1)


def march(day: int) -> datetime.date:
    return datetime.date(2026, 3, day)


def check(now: datetime.datetime = NOW) -> str:
    out = StringIO()
    call_command("check_inactivity", f"--now={now.isoformat()}", stdout=out)
    return out.getvalue()


@pytest.fixture
def daily(patient, therapist):
    """Every day from 1 March, one exercise once a day."""
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist, start_date=START)
    return PrescriptionItemFactory(
        prescription=program, exercise=ExerciseFactory(kind=Kind.STRENGTHENING)
    )


def done_on(item, *days: int, session: int = 1) -> None:
    for day in days:
        CompletionFactory(item=item, date=march(day), session=session)


def test_three_missed_days_raise_one_alert_however_often_the_check_runs(patient, daily):
    done_on(daily, *range(1, 9))  # 1–8 March done; 9, 10 and 11 missed
    assert "1 new inactivity alert" in check()
    assert "0 new inactivity alerts" in check()
    check(NOW + datetime.timedelta(hours=5))
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.severity) == (
        patient,
        AlertKind.INACTIVITY,
        Severity.ATTENTION,
    )
    assert alert.message == (
        "No exercises logged on the last 3 scheduled days (Mon 9 Mar, Tue 10 Mar, Wed 11 Mar)."
    )
    assert alert.created_at == NOW


def test_two_missed_days_are_not_yet_inactivity(daily):
    done_on(daily, *range(1, 10))  # 10 and 11 missed
    check()
    assert not Alert.objects.exists()


def test_today_does_not_count_while_it_is_still_open(daily):
    done_on(daily, *range(1, 10))
    check(datetime.datetime(2026, 3, 12, 23, 30, tzinfo=BERLIN))
    assert not Alert.objects.exists()


def test_a_day_partly_done_breaks_the_run(patient, daily):
    second = PrescriptionItemFactory(prescription=daily.prescription)
    done_on(daily, *range(1, 9))
    done_on(second, *range(1, 9))
    done_on(second, 10)  # one of the two exercises on the 10th
    check()
    assert not Alert.objects.exists()


def test_every_session_of_a_day_must_be_missed_for_it_to_count(patient, daily):
    daily.prescription.times_per_day = 2
    daily.prescription.save()
    done_on(daily, *range(1, 9), session=1)
    done_on(daily, *range(1, 9), session=2)
    done_on(daily, 10, session=2)
    check()
    assert not Alert.objects.exists()


def test_rest_days_neither_count_nor_break_the_run(patient, therapist):
    # Monday, Wednesday and Friday; 12 March is a Thursday.
    program = PrescriptionFactory(
        patient=patient, prescribed_by=therapist, start_date=START, days_of_week=[0, 2, 4]
    )
    item = PrescriptionItemFactory(prescription=program)
    done_on(item, 2, 4)  # Mon 2 and Wed 4 done; Fri 6, Mon 9 and Wed 11 missed
    check()
    alert = Alert.objects.get()
    assert "(Fri 6 Mar, Mon 9 Mar, Wed 11 Mar)" in alert.message


def test_a_longer_run_names_its_first_and_last_day(daily):
    done_on(daily, 1, 2)
    check()
    assert Alert.objects.get().message == (
        "No exercises logged on the last 9 scheduled days (Tue 3 Mar to Wed 11 Mar)."
    )


def test_each_patient_is_checked_on_their_own_local_today(therapist):
    # 23:30 UTC on 11 March: already the 12th in Berlin, still the 11th in New York.
    now = datetime.datetime(2026, 3, 11, 23, 30, tzinfo=datetime.UTC)
    berlin = PatientFactory(therapist=therapist, timezone="Europe/Berlin")
    new_york = PatientFactory(therapist=therapist, timezone="America/New_York")
    for patient in (berlin, new_york):
        program = PrescriptionFactory(patient=patient, start_date=START)
        item = PrescriptionItemFactory(prescription=program)
        done_on(item, *range(1, 9))
    check(now)
    assert list(Alert.objects.values_list("patient", flat=True)) == [berlin.pk]


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.PAUSED},
        {"status": Status.ENDED, "end_date": march(8)},
        {"start_date": march(11)},
    ],
    ids=["paused", "ended", "just-started"],
)
def test_nothing_due_means_no_inactivity(daily, change):
    program = daily.prescription
    for name, value in change.items():
        setattr(program, name, value)
    program.save()
    check()
    assert not Alert.objects.exists()


def test_archived_patients_are_not_checked(patient, daily):
    patient.archived_at = timezone.now()
    patient.save()
    assert "Checked 0 patients" in check()
    assert not Alert.objects.exists()


def test_the_same_missed_days_never_alert_twice_after_an_acknowledgement(
    patient, daily, therapist_client
):
    done_on(daily, *range(1, 9))
    check()
    alert = Alert.objects.get()
    therapist_client.post(f"/clinic/alerts/{alert.pk}/acknowledge/", {"note": "Phoned"})
    # The next morning: 9–12 March missed, but 9–11 were already reported.
    check(NOW + datetime.timedelta(days=1))
    assert Alert.objects.count() == 1
    # Three more missed days (12, 13 and 14 March) since that alert: a new one.
    check(NOW + datetime.timedelta(days=3))
    assert Alert.objects.count() == 2
    newest = Alert.objects.open().get()
    assert "(Thu 12 Mar, Fri 13 Mar, Sat 14 Mar)" in newest.message


def test_an_open_alert_is_left_as_it_is(patient, daily):
    done_on(daily, *range(1, 9))
    check()
    check(NOW + datetime.timedelta(days=4))
    assert Alert.objects.get().created_at == NOW


def test_many_patients_are_checked_in_batches(therapist):
    for index in range(5):
        patient = PatientFactory(therapist=therapist)
        program = PrescriptionFactory(patient=patient, start_date=START)
        done_on(PrescriptionItemFactory(prescription=program), *range(1, 9 + index % 2))
    result = raise_inactivity_alerts(now=NOW, batch_size=2)
    assert result.checked == 5
    assert len(result.raised) == 3  # those who also missed the 9th


def test_a_bad_now_is_refused_plainly():
    with pytest.raises(CommandError, match="not an ISO date and time"):
        call_command("check_inactivity", "--now=yesterday")


def test_days_under_a_safety_pause_are_not_missed(patient, therapist, daily):
    done_on(daily, *range(1, 9))  # 1–8 March done
    # On the evening of 8 March a report of pain 8 stops the exercises: the programs pause.
    submit_pain_report(
        patient=patient,
        day=march(8),
        session=1,
        pain=8,
        now=datetime.datetime(2026, 3, 8, 20, 0, tzinfo=BERLIN),
        **service_report_answers(),
    )
    daily.prescription.refresh_from_db()
    assert daily.prescription.status == Status.PAUSED
    check()  # 9, 10 and 11 March passed under the pause
    assert not Alert.objects.filter(kind=AlertKind.INACTIVITY).exists()

    # The therapist ends it this morning: the paused days still are not missed ones.
    end_safety_pause(pause=SafetyPause.objects.get(), by=therapist, resume=True, now=NOW)
    daily.prescription.refresh_from_db()
    assert daily.prescription.status == Status.ACTIVE
    check()
    assert not Alert.objects.filter(kind=AlertKind.INACTIVITY).exists()
