"""The patient's progress page for the therapist: pain over the program with the threshold,
an adherence calendar, completion by exercise, the patient's notes, the program's changes and
the days with data in the last 30 days; a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import dateformat

from patients.models import Patient
from prescriptions.models import Status
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import days_ago, page_text

pytestmark = pytest.mark.django_db


def progress_url(patient: Patient) -> str:
    return reverse("monitoring:patient_progress", args=[patient.pk])


def cell(html: str, day) -> str:
    """The calendar cell's accessible label for a day."""
    label = dateformat.format(day, "l j F")
    return re.search(rf'aria-label="({label}[^"]*)"', html).group(1)


def test_pain_over_the_program_is_a_chart_with_the_threshold_drawn(
    therapist_client, patient, logged_program, logged_bridge, today, report
):
    report(patient, days_ago(today, 6), 3)
    report(patient, days_ago(today, 3), 7)
    report(patient, days_ago(today, 1), 4)
    report(patient, days_ago(today, 60), 9)  # before the program: not plotted
    html = therapist_client.get(progress_url(patient)).content.decode()
    svg = re.search(r'<svg viewBox="0 0 720 260" role="img".*?</svg>', html, re.S).group(0)
    assert 'aria-labelledby="pain-chart-title pain-chart-desc"' in svg
    assert "lowest 3, highest 7, latest 4" in svg
    assert "Threshold 5; above it on 1 day." in svg
    # The dashed threshold line at pain 5: y = 14 + 212 × (1 − 5/10) = 120.
    assert '<line class="mc-threshold" x1="34" x2="706" y1="120.0" y2="120.0">' in svg
    assert svg.count('<circle class="mc-point') == 3
    assert svg.count('<circle class="mc-point is-over"') == 1
    assert "Show the pain reports as a table" in html


def test_the_calendar_shows_each_day_done_partly_or_missed_with_pain(
    therapist_client, patient, logged_program, logged_bridge, stretch, today, log_days, report
):
    log_days([logged_bridge, stretch], [days_ago(today, 1)])
    log_days([logged_bridge], [days_ago(today, 2)])
    report(patient, days_ago(today, 2), 6)
    html = therapist_client.get(progress_url(patient)).content.decode()
    assert cell(html, days_ago(today, 1)).endswith(": all done")
    assert cell(html, days_ago(today, 2)).endswith(": 1 of 2 done, pain 6")
    assert cell(html, days_ago(today, 3)).endswith(": nothing done")
    assert cell(html, today).endswith("(today): 0 of 2 done so far")
    assert 'class="mcal-pain is-over">6<' in html


def test_completion_rate_per_exercise_counts_sessions_done_of_those_due(
    therapist_client, patient, logged_program, logged_bridge, stretch, today, log_days
):
    # The program started 40 days ago: 40 days due up to yesterday.
    log_days([logged_bridge], [days_ago(today, n) for n in range(1, 31)])
    log_days([stretch], [days_ago(today, n) for n in range(1, 11)])
    html = page_text(therapist_client.get(progress_url(patient)).content.decode())
    assert "Bridge 2 sets of 10 repetitions, hold 5 seconds 30 of 40 75%" in html
    assert "Hamstring stretch 3 repetitions, hold 20 seconds 10 of 40 25%" in html
    assert "Adherence over the program 50% 40 of 80 exercises done" in html


def test_the_patients_notes_are_shown_newest_first(
    therapist_client, patient, other_patient, logged_program, logged_bridge, today, report
):
    report(patient, days_ago(today, 5), 2, note="Stiff in the morning.")
    report(patient, days_ago(today, 2), 5, note="Knee clicked.", difficulty="too_hard")
    report(other_patient, days_ago(today, 2), 5, note="Someone else's note")
    html = therapist_client.get(progress_url(patient)).content.decode()
    assert html.index("Knee clicked.") < html.index("Stiff in the morning.")
    assert "pain 5 · too hard" in html
    assert "Someone else" not in html


def test_the_programs_change_history_says_who_changed_what(
    therapist_client, therapist, patient, logged_program, logged_bridge
):
    with set_actor(therapist):
        logged_bridge.reps = 12
        logged_bridge.save()
        logged_program.pain_threshold = 4
        logged_program.save()
    html = page_text(therapist_client.get(progress_url(patient)).content.decode())
    name = therapist.get_full_name()
    assert f"{name} Changed the program “Knee program” Pain threshold: 5 → 4" in html
    assert f"{name} Changed the exercise “Bridge” in “Knee program” Repetitions: 10 → 12" in html


def test_days_with_data_count_distinct_days_in_the_last_30(
    therapist_client, patient, logged_program, logged_bridge, today, log_days, report
):
    log_days([logged_bridge], [today, days_ago(today, 3), days_ago(today, 29)])
    report(patient, days_ago(today, 3), 2)  # the same day as a completion: counted once
    report(patient, days_ago(today, 10), 2)
    log_days([logged_bridge], [days_ago(today, 30)])  # 31 days back: outside the window
    html = page_text(therapist_client.get(progress_url(patient)).content.decode())
    assert "Days with data, last 30 days 4 of 30 days" in html


def test_the_therapist_can_look_at_an_earlier_program(
    therapist_client, patient, logged_program, other_patient, today
):
    earlier = PrescriptionFactory(
        patient=patient,
        title="First phase",
        start_date=days_ago(today, 90),
        end_date=days_ago(today, 41),
        status=Status.ENDED,
    )
    theirs = PrescriptionFactory(patient=other_patient, title="Not yours")
    url = progress_url(patient)
    assert "Knee program" in therapist_client.get(url).content.decode()
    assert "First phase" in therapist_client.get(url, {"program": earlier.pk}).content.decode()
    html = therapist_client.get(url, {"program": theirs.pk}).content.decode()
    assert "Not yours" not in html


def test_a_patient_without_a_program_gets_a_plain_page(therapist_client, patient):
    html = therapist_client.get(progress_url(patient)).content.decode()
    assert "No program yet." in html
    assert "0 of 30 days" in page_text(html)


def test_opening_the_progress_page_is_recorded_in_the_audit_trail(
    therapist_client, therapist, patient
):
    therapist_client.get(progress_url(patient))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.object_id, entry.actor) == (patient.pk, therapist)


def test_another_therapists_patient_answers_404(therapist_client, other_patient):
    assert therapist_client.get(progress_url(other_patient)).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.parametrize(("days", "items"), [(5, 1), (60, 4)])
def test_progress_query_count_does_not_grow_with_days_or_items(
    therapist_client, therapist, patient, today, django_assert_num_queries, days, items
):
    program = PrescriptionFactory(patient=patient, start_date=days_ago(today, days))
    rows = [
        PrescriptionItemFactory(prescription=program, exercise=ExerciseFactory())
        for _ in range(items)
    ]
    for count in range(1, days + 1):
        for item in rows:
            CompletionFactory(item=item, date=days_ago(today, count))
        PainReportFactory(patient=patient, date=days_ago(today, count), pain=3, note="ok")
    with set_actor(therapist):
        for item in rows:
            item.reps = 12
            item.save()
    therapist_client.get(progress_url(patient))  # the session records its first activity once
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 the patient with their user, 5 their programs, 6 the alerts,
    # 7 the days with data (one UNION of completions and reports),
    # 8 the program's items with their exercises, 9 the suggestions waiting,
    # 10 the program's change history, 11 the completions, 12 the pain reports,
    # 13 the latest episode of care (none here; with one, tests/outcomes counts its queries),
    # 14 the "opened" entry of the audit trail.
    with django_assert_num_queries(14):
        response = therapist_client.get(progress_url(patient))
    assert response.status_code == 200
