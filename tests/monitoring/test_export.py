"""A CSV of a patient's completions and pain reports for the clinic's records: care team only,
a download, streamed, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from exercises.models import Side
from monitoring.export import HEADER, defuse
from tests.factories import CompletionFactory, PainReportFactory
from tests.helpers import days_ago

pytestmark = pytest.mark.django_db


def export_url(patient) -> str:
    return reverse("monitoring:patient_export", args=[patient.pk])


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_export_is_a_csv_download_named_after_the_patient(therapist_client, patient):
    response = therapist_client.get(export_url(patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = patient.local_today().isoformat()
    slug = patient.display_name.lower().replace(" ", "-")
    assert response["Content-Disposition"] == f'attachment; filename="rehabit-{slug}-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    assert read_csv(response) == [HEADER]


def test_completions_and_reports_come_in_order_with_dose_pain_symptoms_and_note(
    therapist_client, patient, logged_program, logged_bridge, today
):
    logged_bridge.side = Side.EACH
    logged_bridge.save()
    earlier = days_ago(today, 2)
    done_at = datetime.datetime.combine(earlier, datetime.time(17, 5), tzinfo=datetime.UTC)
    CompletionFactory(
        item=logged_bridge, date=earlier, side=Side.EACH, rest_seconds=30, completed_at=done_at
    )
    PainReportFactory(
        patient=patient,
        prescription=logged_program,
        date=earlier,
        pain=6,
        pain_lasting="yes",
        numbness=True,
        pain_down_leg=True,
        chest=True,
        unwell=True,
        difficulty="too_hard",
        note="Worse after stairs",
    )
    # A report from before the 15-minute question had three answers.
    PainReportFactory(patient=patient, date=days_ago(today, 5), pain=2, pain_lasting="")
    rows = read_csv(therapist_client.get(export_url(patient)))
    assert [row[:3] for row in rows[1:]] == [
        ["pain report", days_ago(today, 5).isoformat(), "1"],
        ["completion", earlier.isoformat(), "1"],
        ["pain report", earlier.isoformat(), "1"],
    ]
    completion = dict(zip(HEADER, rows[2], strict=True))
    assert completion["Program"] == "Knee program"
    assert completion["Exercise"] == "Bridge"
    assert (completion["Sets"], completion["Repetitions"], completion["Hold (seconds)"]) == (
        "2",
        "10",
        "5",
    )
    assert completion["Side"] == "Each side"
    assert (
        completion["Dose done"]
        == "2 sets of 10 repetitions, hold 5 seconds, rest 30 seconds between, each side"
    )
    # In the patient's time zone (Europe/Berlin).
    assert completion["Recorded at"] == done_at.astimezone(patient.zone).isoformat()
    old = dict(zip(HEADER, rows[1], strict=True))
    assert old["Pain still there 15 minutes after stopping"] == "not asked"
    assert old["Symptoms"] == ""
    report = dict(zip(HEADER, rows[3], strict=True))
    assert report["Pain 0-10 (NRS, LOINC 72514-3)"] == "6"
    assert report["Pain still there 15 minutes after stopping"] == "Yes"
    assert report["Symptoms"] == (
        "chest pain, sudden breathlessness or fainting; numbness; pain spreading down a leg; "
        "fever or feeling unwell"
    )
    assert report["Difficulty"] == "Too hard"
    assert report["Note"] == "Worse after stairs"


@pytest.mark.parametrize(
    ("note", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1 more rep", "'+1 more rep"),
        ("-2 today", "'-2 today"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("Fine = better", "Fine = better"),
    ],
)
def test_notes_cannot_run_as_spreadsheet_formulas(therapist_client, patient, today, note, cell):
    PainReportFactory(patient=patient, date=today, pain=1, note=note)
    rows = read_csv(therapist_client.get(export_url(patient)))
    assert rows[1][HEADER.index("Note")] == cell


def test_numbers_are_left_as_numbers():
    assert defuse(-1) == -1
    assert defuse(3) == 3


def test_only_the_patients_own_records_are_exported(
    therapist_client, patient, other_patient, today
):
    PainReportFactory(patient=other_patient, date=today, pain=9, note="not theirs")
    PainReportFactory(patient=patient, date=today, pain=1)
    rows = read_csv(therapist_client.get(export_url(patient)))
    assert len(rows) == 2
    assert "not theirs" not in str(rows)


def test_exporting_is_recorded_in_the_audit_trail(therapist_client, therapist, patient):
    read_csv(therapist_client.get(export_url(patient)))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.object_id, entry.actor) == (patient.pk, therapist)


def test_only_the_care_team_may_export(
    therapist_client, patient_client, client, patient, other_patient
):
    assert therapist_client.get(export_url(other_patient)).status_code == 404
    assert patient_client.get(export_url(patient)).status_code == 404
    assert client.get(export_url(patient))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("days", [3, 40])
def test_a_long_history_streams_in_a_fixed_number_of_queries(
    therapist_client,
    patient,
    logged_program,
    logged_bridge,
    stretch,
    today,
    days,
    django_assert_num_queries,
):
    for count in range(days):
        day = days_ago(today, count)
        CompletionFactory(item=logged_bridge, date=day)
        CompletionFactory(item=stretch, date=day)
        PainReportFactory(patient=patient, prescription=logged_program, date=day, pain=count % 10)
    therapist_client.get(export_url(patient))  # the session records its first activity once
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 the patient with their user, 5 the "opened" entry of the audit trail,
    # 6 the completions with their items' programs, 7 the pain reports with their programs.
    with django_assert_num_queries(7):
        rows = read_csv(therapist_client.get(export_url(patient)))
    assert len(rows) == 1 + 3 * days
