"""The therapist's dashboard: the caseload ordered by need, adherence over 7 and 28 days, last
activity, the latest pain with a 14-day sparkline, and open alerts; a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from patients.models import Alert, AlertKind, SafetyPause, Severity
from patients.services import submit_pain_report
from prescriptions.models import ProgressionSuggestion
from tests.factories import (
    CompletionFactory,
    PainReportFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.helpers import days_ago, page_text

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")


def named(therapist, first: str, last: str = "Test"):
    return PatientFactory(therapist=therapist, user=UserFactory(first_name=first, last_name=last))


def with_program(patient, done_days: int, *, window: int = 7):
    """A daily one-exercise program started 40 days ago, done on ``done_days`` of the
    ``window`` days before today."""
    today = patient.local_today()
    program = PrescriptionFactory(patient=patient, start_date=days_ago(today, 40))
    item = PrescriptionItemFactory(prescription=program)
    for count in range(1, done_days + 1):
        CompletionFactory(item=item, date=days_ago(today, count))
    return item


def alert(patient, severity: str, kind: str = AlertKind.REPORT, **fields) -> Alert:
    return Alert.objects.create(
        patient=patient, kind=kind, severity=severity, message="x", **fields
    )


def order_of(html: str, *names: str) -> list[str]:
    return sorted(names, key=html.index)


def test_the_caseload_comes_by_severity_then_recency_then_lowest_adherence(
    therapist_client, therapist
):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    urgent = named(therapist, "Urgent")
    with_program(urgent, 7)
    alert(urgent, Severity.URGENT, created_at=an_hour_ago, updated_at=an_hour_ago)
    critical = named(therapist, "Critical")
    with_program(critical, 7)
    alert(critical, Severity.CRITICAL, created_at=an_hour_ago, updated_at=an_hour_ago)
    warned = named(therapist, "Warned")
    with_program(warned, 6)
    alert(warned, Severity.ATTENTION, created_at=an_hour_ago, updated_at=an_hour_ago)
    recent = named(therapist, "Recent")  # better adherence, but a report joined just now
    with_program(recent, 7)
    alert(recent, Severity.ATTENTION, AlertKind.PAIN_RISING)
    low = named(therapist, "Low")
    with_program(low, 1)
    middle = named(therapist, "Middle")
    with_program(middle, 4)
    idle = named(therapist, "Idle")  # no program: nothing due
    html = therapist_client.get(DASHBOARD).content.decode()
    names = [p.display_name for p in (idle, middle, low, warned, recent, urgent, critical)]
    assert order_of(html, *names) == [
        "Critical Test",
        "Urgent Test",
        "Recent Test",
        "Warned Test",
        "Low Test",
        "Middle Test",
        "Idle Test",
    ]
    assert html.count('class="mon-row need-0"') == 1
    assert html.count('class="mon-row need-1"') == 1
    assert "2 patients with an urgent alert 0 patients paused for safety 4 open alerts" in (
        page_text(html)
    )


def test_adherence_is_shown_over_7_and_28_days_up_to_yesterday(therapist_client, patient):
    item = with_program(patient, 5)  # 5 of the last 7 days
    today = patient.local_today()
    for count in range(10, 25):  # 15 more days within 28
        CompletionFactory(item=item, date=days_ago(today, count))
    CompletionFactory(item=item, date=today)  # today is still open: not counted
    html = therapist_client.get(DASHBOARD).content.decode()
    week = re.search(r'data-label="Last 7 days">\s*<span class="mon-percent [^"]+">(\d+)%', html)
    month = re.search(r'data-label="Last 28 days">\s*<span class="mon-percent [^"]+">(\d+)%', html)
    assert (week.group(1), month.group(1)) == ("71", "71")
    assert "5 of 7" in html
    assert "20 of 28" in html


def test_a_patient_without_a_running_program_has_nothing_due(therapist_client, patient):
    html = therapist_client.get(DASHBOARD).content.decode()
    assert html.count("Nothing due") == 2
    assert "No program running" in html
    assert "Nothing logged yet" in html


def test_last_activity_is_the_latest_tick_or_report(therapist_client, patient):
    item = with_program(patient, 0)
    today = patient.local_today()
    completion = CompletionFactory(item=item, date=days_ago(today, 3))
    completion.completed_at = timezone.now() - datetime.timedelta(days=3)
    completion.save()
    html = therapist_client.get(DASHBOARD).content.decode()
    assert '<span class="mon-stale">3 days ago</span>' in html


def test_the_latest_pain_comes_with_an_accessible_14_day_sparkline(therapist_client, patient):
    with_program(patient, 7)
    today = patient.local_today()
    PainReportFactory(patient=patient, date=days_ago(today, 20), pain=9)  # too old to plot
    for count, pain in ((9, 2), (5, 4), (1, 6)):
        PainReportFactory(patient=patient, date=days_ago(today, count), pain=pain)
    PainReportFactory(patient=patient, date=days_ago(today, 1), session=2, pain=3)
    html = therapist_client.get(DASHBOARD).content.decode()
    svg = re.search(r'<svg class="spark".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg
    assert f'aria-labelledby="spark-{patient.pk}-title spark-{patient.pk}-desc"' in svg
    assert f'<title id="spark-{patient.pk}-title">Pain, last 14 days</title>' in svg
    assert "lowest 2, highest 6, latest 6" in svg  # the highest of each day is plotted
    assert "Threshold 5; above it on 1 day." in svg
    assert svg.count("<circle") == 3
    assert 'class="spark-threshold"' in svg
    # The latest report is session 2 of yesterday.
    latest = dateformat.format(days_ago(today, 1), "j M")
    assert f"3 /10 latest, {latest}" in page_text(html)


def test_open_alerts_are_listed_with_an_acknowledge_form(therapist_client, patient):
    with_program(patient, 7)
    open_one = alert(patient, Severity.ATTENTION, AlertKind.INACTIVITY)
    done = alert(patient, Severity.ATTENTION)
    done.acknowledged_at = timezone.now()
    done.save()
    html = therapist_client.get(DASHBOARD).content.decode()
    assert reverse("monitoring:alert_acknowledge", args=[open_one.pk]) in html
    assert reverse("monitoring:alert_acknowledge", args=[done.pk]) not in html
    assert "Missed sessions" in html


def test_only_the_therapists_current_patients_are_shown(therapist_client, therapist, other_patient):
    named(therapist, "Current")
    archived = named(therapist, "Archived")
    archived.archived_at = timezone.now()
    archived.save()
    html = therapist_client.get(DASHBOARD).content.decode()
    assert "Current Test" in html
    assert "Archived Test" not in html
    assert other_patient.display_name not in html
    assert "1 current patient" in page_text(html)


def test_waiting_suggestions_are_counted_with_a_link_to_them(
    therapist_client, patient, logged_program, logged_bridge
):
    ProgressionSuggestion.objects.create(
        prescription=logged_program,
        item=logged_bridge,
        field="reps",
        from_value=10,
        to_value=12,
        reason="r",
    )
    html = therapist_client.get(DASHBOARD).content.decode()
    progress = reverse("monitoring:patient_progress", args=[patient.pk])
    assert f'href="{progress}#suggestions">1 suggestion<' in html


def test_the_dashboard_is_first_in_the_therapists_menu(therapist_client):
    html = therapist_client.get(reverse("clinic:caseload")).content.decode()
    menu = html[html.index('aria-label="Main"') :]
    assert menu.index(DASHBOARD) < menu.index('href="/clinic/"')


def test_patients_and_visitors_do_not_reach_the_dashboard(patient_client, client):
    assert patient_client.get(DASHBOARD).status_code == 404
    assert client.get(DASHBOARD)["Location"].startswith(reverse("login"))


def _busy_caseload(therapist, count: int) -> None:
    """Patients with two programs of two items, completions, reports, alerts, suggestions."""
    for index in range(count):
        patient = PatientFactory(therapist=therapist)
        today = patient.local_today()
        for _ in range(2):
            program = PrescriptionFactory(patient=patient, start_date=days_ago(today, 30))
            items = [PrescriptionItemFactory(prescription=program) for _ in range(2)]
            for count_back in range(1, 6):
                CompletionFactory(item=items[0], date=days_ago(today, count_back))
            ProgressionSuggestion.objects.create(
                prescription=program,
                item=items[1],
                field="reps",
                from_value=10,
                to_value=12,
                reason="r",
            )
        reports = [
            PainReportFactory(patient=patient, date=days_ago(today, count_back), pain=index % 10)
            for count_back in range(1, 4)
        ]
        severity = Severity.URGENT if index % 2 else Severity.ATTENTION
        entries = [{"severity": severity, "reasons": f"Report {r.pk}"} for r in reports]
        alert(patient, severity, entries=entries).reports.add(*reports)
        if index % 3 == 0:
            SafetyPause.objects.create(patient=patient, level="stop", report=reports[0])


@pytest.mark.parametrize("patients", [3, 12])
def test_dashboard_query_count_does_not_grow_with_patients(
    therapist_client, therapist, django_assert_num_queries, patients
):
    _busy_caseload(therapist, patients)
    therapist_client.get(DASHBOARD)  # the session records its first activity once
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 the current patients with their users, latest pain, last activity, suggestions and
    # safety pauses, 5 their active programs, 6 those programs' items,
    # 7 their completions of the last 28 days, 8 their pain reports of the last 14 days,
    # 9 their open alerts (each with what its reports said), 10 their open episodes of care
    # (for overdue questionnaires; with episodes, their schedules and answers: two more).
    with django_assert_num_queries(10):
        response = therapist_client.get(DASHBOARD)
    html = response.content.decode()
    assert html.count('class="mon-row need-') == patients
    assert html.count('<svg class="spark"') == patients
    assert html.count("3 reports in this alert, newest first") == patients
    assert html.count("Paused for safety since") == len(range(0, patients, 3))


# The figures of each row (adherence and the sparkline) are cached per patient under a key made
# of everything they are counted from: the tests below change one input each after the
# dashboard was opened, and expect the next visit to show it.


def week_of(html: str, patient) -> str:
    """The "Last 7 days" cell of the patient's row, in words."""
    row = re.search(rf'id="patient-{patient.pk}".*?data-label="Last 28 days"', html, re.S)
    return page_text(row.group(0)).split("Last 7 days")[-1]


@pytest.mark.parametrize(
    ("action", "done_before", "before", "after"),
    [("patients:check_off", 0, "0 of 7", "1 of 7"), ("patients:undo", 2, "2 of 7", "1 of 7")],
    ids=["tick", "undo"],
)
def test_a_tick_or_undo_from_the_patient_shows_on_the_next_visit(
    therapist_client, patient_client, patient, action, done_before, before, after
):
    item = with_program(patient, done_before)
    assert before in week_of(therapist_client.get(DASHBOARD).content.decode(), patient)
    yesterday = days_ago(patient.local_today(), 1)
    assert patient_client.post(reverse(action, args=[yesterday, item.pk, 1])).status_code == 302
    assert after in week_of(therapist_client.get(DASHBOARD).content.decode(), patient)


def test_a_changed_schedule_or_removed_exercise_recounts_what_was_due(therapist_client, patient):
    item = with_program(patient, 7)
    other = PrescriptionItemFactory(prescription=item.prescription, position=1)
    assert "7 of 14" in week_of(therapist_client.get(DASHBOARD).content.decode(), patient)
    other.removed_on = days_ago(patient.local_today(), 7)
    other.save()
    assert "7 of 7" in week_of(therapist_client.get(DASHBOARD).content.decode(), patient)
    program = item.prescription
    program.times_per_day = 2
    program.save()
    assert "7 of 14" in week_of(therapist_client.get(DASHBOARD).content.decode(), patient)


def test_an_edited_pain_report_redraws_the_sparkline(therapist_client, patient):
    with_program(patient, 7)
    report = PainReportFactory(patient=patient, date=days_ago(patient.local_today(), 1), pain=3)
    assert "latest 3 on" in therapist_client.get(DASHBOARD).content.decode()
    report.pain = 8
    report.save()
    html = therapist_client.get(DASHBOARD).content.decode()
    assert "latest 8 on" in html
    assert "Threshold 5; above it on 1 day." in html


def test_a_new_day_moves_the_windows_on(therapist_client, therapist, patient):
    from monitoring.dashboard import load_dashboard

    with_program(patient, 7)
    now = timezone.now()
    assert load_dashboard(therapist, now=now).rows[0].figures.week.done == 7
    # A week later nothing more was done: the cached figures of the earlier day are not used.
    assert (
        load_dashboard(therapist, now=now + datetime.timedelta(days=7)).rows[0].figures.week.done
        == 0
    )


# The rest of each row (but its alerts) is kept rendered per patient, under a key of what it
# shows: a renamed patient, a renamed program or a new suggestion shows on the next visit.


def test_a_renamed_patient_shows_on_the_next_visit(therapist_client, patient):
    with_program(patient, 3)
    therapist_client.get(DASHBOARD)
    patient.user.first_name = "Renamed"
    patient.user.save()
    html = therapist_client.get(DASHBOARD).content.decode()
    assert f"Renamed {patient.user.last_name}" in html


def test_a_renamed_program_shows_on_the_next_visit(therapist_client, patient):
    program = with_program(patient, 3).prescription
    therapist_client.get(DASHBOARD)
    program.title = "Shoulder plan"
    program.save()
    assert "Shoulder plan" in therapist_client.get(DASHBOARD).content.decode()


def test_a_new_suggestion_shows_on_the_next_visit(
    therapist_client, patient, logged_program, logged_bridge
):
    html = therapist_client.get(DASHBOARD).content.decode()
    assert "suggestion<" not in html
    ProgressionSuggestion.objects.create(
        prescription=logged_program,
        item=logged_bridge,
        field="reps",
        from_value=10,
        to_value=12,
        reason="r",
    )
    assert "1 suggestion<" in therapist_client.get(DASHBOARD).content.decode()


def test_cached_rows_look_the_same_as_fresh_ones(therapist_client, therapist):
    for name in ("Ann", "Bob", "Cy"):
        patient = named(therapist, name)
        with_program(patient, 3)
        PainReportFactory(patient=patient, date=days_ago(patient.local_today(), 1), pain=4)
    fresh = therapist_client.get(DASHBOARD).content.decode()
    cached = therapist_client.get(DASHBOARD).content.decode()

    def without_tokens(html: str) -> str:
        return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", html)

    assert without_tokens(cached) == without_tokens(fresh)


def test_a_patient_paused_for_safety_comes_before_attention_alerts_even_once_acknowledged(
    therapist_client, therapist
):
    attention = named(therapist, "Attention")
    with_program(attention, 7)
    alert(attention, Severity.ATTENTION)
    paused = named(therapist, "Paused")
    with_program(paused, 7)
    SafetyPause.objects.create(patient=paused, level="stop")
    html = therapist_client.get(DASHBOARD).content.decode()
    assert order_of(html, "Attention Test", "Paused Test") == ["Paused Test", "Attention Test"]
    text = page_text(html)
    assert "0 patients with an urgent alert 1 patient paused for safety" in text
    row = re.search(rf'id="patient-{paused.pk}".*?</div>', html, re.S).group(0)
    assert "Paused for safety since" in row
    assert reverse("clinic:patient_detail", args=[paused.pk]) in row


def test_an_alert_lists_what_each_report_said_newest_first_and_its_most_serious(
    therapist_client, therapist
):
    patient = named(therapist, "Joined")
    program = with_program(patient, 0).prescription
    today = patient.local_today()
    yesterday = days_ago(today, 1)
    submit_pain_report(
        patient=patient, day=yesterday, session=1, pain=3, pain_lasting="no", bladder_bowel=True
    )
    submit_pain_report(patient=patient, day=today, session=1, pain=6, pain_lasting="no")
    # The first report is changed afterwards: the alert keeps what it said when it came in.
    submit_pain_report(patient=patient, day=yesterday, session=1, pain=0, pain_lasting="no")
    assert program.pk
    for url in (DASHBOARD, reverse("monitoring:patient_progress", args=[patient.pk])):
        text = page_text(therapist_client.get(url).content.decode())
        assert "Critical" in text
        assert "Most serious so far: Emergency sign: bladder or bowel change" in text
        assert "2 reports in this alert, newest first" in text
        newest = "Pain 6/10, above the program"
        assert text.index(newest) < text.rindex("Emergency sign: bladder or bowel change")
