"""History: the calendar, the streak, adherence over 7 and 28 days and the pain trend."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from patients.history import load_history
from patients.models import Completion
from tests.factories import (
    ExerciseFactory,
    PainReportFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import ONE_DAY, days_ago

pytestmark = pytest.mark.django_db

HISTORY = reverse("patients:history")


def tick(item, day, session=1):
    Completion.objects.create(
        patient=item.prescription.patient,
        item=item,
        date=day,
        session=session,
        exercise_name=item.exercise.name,
        reps=item.reps,
        duration_seconds=item.duration_seconds,
    )


@pytest.fixture
def month(patient, program, bridge, walk, today):
    """Both exercises done on each of the last five days, one of two six days ago, then nothing."""
    for n in range(1, 6):
        tick(bridge, days_ago(today, n))
        tick(walk, days_ago(today, n))
    tick(bridge, days_ago(today, 6))
    return program


def test_the_streak_counts_fully_done_days_and_today_does_not_break_it(
    patient, month, today, patient_client
):
    history = load_history(patient, today)
    assert history.streak == 5
    html = patient_client.get(HISTORY).content.decode()
    assert "5 days" in html


def test_the_first_exercise_of_today_adds_today_to_the_streak(patient, month, bridge, walk, today):
    tick(bridge, today)
    assert load_history(patient, today).streak == 6
    tick(walk, today)
    assert load_history(patient, today).streak == 6


def test_a_new_patients_first_exercise_makes_a_one_day_streak(
    patient_client, program, bridge, walk, today
):
    program.start_date = today
    program.save()
    assert "0 days" in patient_client.get(HISTORY).content.decode()
    patient_client.post(reverse("patients:check_off", args=[today, bridge.pk, 1]))
    html = patient_client.get(HISTORY).content.decode()
    assert "0 days" not in html
    assert "1 day" in html


def test_a_partly_done_yesterday_still_breaks_the_streak(patient, month, bridge, today):
    tick(bridge, today)
    Completion.objects.filter(date=days_ago(today, 1), item=bridge).delete()
    assert load_history(patient, today).streak == 1


def test_adherence_is_done_over_due_item_sessions_for_7_and_28_days(
    patient, month, today, patient_client
):
    week, four_weeks = load_history(patient, today).adherence
    # Yesterday and the six days before: 7 days × 2 exercises due; 5 × 2 + 1 done.
    assert (week.days, week.due, week.done, week.percent) == (7, 14, 11, 79)
    # 28 days × 2 exercises due, the same 11 done.
    assert (four_weeks.days, four_weeks.due, four_weeks.done, four_weeks.percent) == (
        28,
        56,
        11,
        20,
    )
    html = patient_client.get(HISTORY).content.decode()
    assert "79%" in html
    assert "11 of 14 exercises done" in html
    assert "20%" in html
    assert "11 of 56 exercises done" in html


def test_adherence_counts_only_from_the_start_of_the_program(patient, program, bridge, today):
    program.start_date = days_ago(today, 3)
    program.save()
    for n in (1, 2, 3):
        tick(bridge, days_ago(today, n))
    week, four_weeks = load_history(patient, today).adherence
    assert (week.due, week.done, week.percent) == (3, 3, 100)
    assert (four_weeks.due, four_weeks.done) == (3, 3)


def test_rest_days_neither_count_nor_break_the_streak(patient, program, bridge, today):
    program.days_of_week = [days_ago(today, 2).weekday(), days_ago(today, 4).weekday()]
    program.save()
    tick(bridge, days_ago(today, 2))
    tick(bridge, days_ago(today, 4))
    history = load_history(patient, today)
    assert history.streak == 2  # a week earlier was not done
    week = history.adherence[0]
    assert (week.due, week.done, week.percent) == (2, 2, 100)


def test_every_session_of_a_day_must_be_done_for_the_streak(patient, program, bridge, today):
    program.times_per_day = 2
    program.save()
    for n in (1, 2):
        tick(bridge, days_ago(today, n), session=1)
    tick(bridge, days_ago(today, 1), session=2)
    history = load_history(patient, today)
    assert history.streak == 1
    assert (history.adherence[0].due, history.adherence[0].done) == (14, 3)


def test_a_removed_exercise_stops_being_due_from_its_removal(patient, program, bridge, walk, today):
    walk.removed_on = days_ago(today, 3)
    walk.save()
    for n in (1, 2, 3):
        tick(bridge, days_ago(today, n))
    assert load_history(patient, today).streak == 3


def test_the_calendar_shows_each_day_with_its_state_and_pain(patient, month, today, patient_client):
    PainReportFactory(patient=patient, date=days_ago(today, 1), pain=4)
    PainReportFactory(patient=patient, date=days_ago(today, 1), session=2, pain=6)
    html = patient_client.get(HISTORY).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    yesterday = days_ago(today, 1)
    assert f"{yesterday:%A} {yesterday.day} {yesterday:%B}: all done, pain 6" in text
    six = days_ago(today, 6)
    assert f"{six:%A} {six.day} {six:%B}: 1 of 2 done" in text
    eight = days_ago(today, 8)
    assert f"{eight:%A} {eight.day} {eight:%B}: not done" in text
    assert "(today): 0 of 2 done so far" in text
    assert reverse("patients:day", args=[yesterday]) in html


def test_days_before_the_first_program_are_not_rest_days(patient, program, today, patient_client):
    program.start_date = days_ago(today, 2)
    program.save()
    html = patient_client.get(HISTORY).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    ten = days_ago(today, 10)
    assert f"{ten:%A} {ten.day} {ten:%B}: before your exercises started" in text


def test_the_pain_trend_is_an_accessible_svg_chart_with_a_table(
    patient, program, today, patient_client
):
    for n, pain in [(10, 6), (5, 4), (1, 2)]:
        PainReportFactory(patient=patient, date=days_ago(today, n), pain=pain)
    html = patient_client.get(HISTORY).content.decode()
    assert '<svg viewBox="0 0 400 240" role="img" aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">Pain trend' in html
    assert "Lowest 2, highest 6; most recently 2 on" in html
    assert "Your therapist&#x27;s limit is 5." in html
    assert html.count('class="chart-point') == 3
    assert 'class="chart-point is-over"' in html  # 6 is above the limit of 5
    assert "<polyline" in html
    assert "Show as a table" in html
    assert html.count('<th scope="row">') == 3


def test_without_pain_reports_there_is_no_chart_but_a_hint(patient_client, program):
    html = patient_client.get(HISTORY).content.decode()
    assert "<svg" not in html
    assert "You have not told us about your pain" in html


def test_a_new_patient_without_a_program_sees_an_empty_history(patient_client):
    html = patient_client.get(HISTORY).content.decode()
    assert "has not given you any exercises yet" in html
    assert "0 days" in html
    assert "Nothing due" in html


def test_a_very_long_streak_says_more_than_a_year(patient, therapist, today, patient_client):
    program = PrescriptionFactory(patient=patient, start_date=days_ago(today, 400))
    item = PrescriptionItemFactory(prescription=program, exercise=ExerciseFactory())
    Completion.objects.bulk_create(
        Completion(
            patient=patient,
            item=item,
            date=days_ago(today, n),
            session=1,
            reps=5,
            exercise_name="x",
        )
        for n in range(1, 401)
    )
    history = load_history(patient, today)
    assert history.streak_at_limit
    assert "More than a year" in patient_client.get(HISTORY).content.decode()


def test_another_patients_days_do_not_count(patient, other_item, program, bridge, today):
    for n in (1, 2):
        tick(other_item, days_ago(today, n))
    assert load_history(patient, today).streak == 0


def history_of(patient, today, days):
    """A program running for ``days`` days with three exercises all done and pain each day."""
    program = PrescriptionFactory(
        patient=patient, start_date=days_ago(today, days), times_per_day=2
    )
    items = [PrescriptionItemFactory(prescription=program) for _ in range(3)]
    for n in range(days + 1):
        day = days_ago(today, n)
        for item in items:
            for session in (1, 2):
                tick(item, day, session)
        PainReportFactory(patient=patient, date=day, pain=n % 10)


# Queries for the History page, whatever the number of days, programs or items (measured after
# a first visit, so that the session's last-seen time is not written again):
#  1. the session    2. the user with their patient profile (patients.backends)
#  3. programs           4. their items       5. completions in the last year
#  6. pain reports in the last four weeks
# (The navigation needs no query: a patient is never also a therapist.)
HISTORY_QUERIES = 6


@pytest.mark.parametrize("days", [7, 60])
def test_history_queries_do_not_grow_with_days(
    patient, patient_client, today, days, django_assert_num_queries
):
    history_of(patient, today, days)
    patient_client.get(HISTORY)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = patient_client.get(HISTORY)
    assert response.status_code == 200
    assert f"{days + 1} days" in response.content.decode()


def test_history_is_about_the_patients_own_today(patient, program, bridge, today):
    tick(bridge, today)
    assert load_history(patient, today).streak == 1
    assert load_history(patient, today + ONE_DAY).streak == 1
