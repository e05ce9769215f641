"""Every opening of a patient's record by a therapist lands in the audit trail, and the care team
reads the patient's trail in plain words: who, what, which changes, when."""

from __future__ import annotations

import dataclasses

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse

from patients.models import Alert, AlertKind, Patient, Severity
from prescriptions.services import ItemSpec, replace_items
from tests.factories import PainReportFactory, PrescriptionFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def audit_url(patient: Patient) -> str:
    return reverse("clinic:patient_audit", args=[patient.pk])


def openings(patient: Patient) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_id=patient.pk).order_by("pk")
    )


@pytest.mark.parametrize(
    "page",
    [
        "clinic:patient_detail",
        "monitoring:patient_progress",
        "monitoring:patient_export",
        "clinic:patient_audit",
        "clinic:program_detail",
        "clinic:program_handout",
    ],
)
def test_opening_a_patients_record_writes_an_access_entry_with_the_therapist(
    therapist_client, therapist, patient, prescription, page
):
    target = prescription if page.startswith("clinic:program") else patient
    response = therapist_client.get(reverse(page, args=[target.pk]))
    assert response.status_code == 200
    (entry,) = openings(patient)
    assert entry.actor == therapist
    assert entry.object_repr == patient.display_name
    assert entry.remote_addr == "127.0.0.1"


def test_lists_and_the_dashboard_open_no_single_record(therapist_client, patient, prescription):
    for name in ("clinic:caseload", "monitoring:dashboard"):
        therapist_client.get(reverse(name))
    assert openings(patient) == []


def test_a_404_writes_nothing(therapist_client, other_patient):
    therapist_client.get(reverse("clinic:patient_detail", args=[other_patient.pk]))
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_trail_says_who_did_what_to_which_part_of_the_record_newest_first(
    therapist_client, therapist, patient, logged_program, logged_bridge, today
):
    with set_actor(therapist):
        replace_items(
            prescription=logged_program,
            items=[dataclasses.replace(ItemSpec.from_item(logged_bridge, keep_id=True), reps=14)],
        )
    with set_actor(patient.user):
        PainReportFactory(
            patient=patient, prescription=logged_program, date=today, pain=6, note="Sore"
        )
    alert = Alert.objects.create(
        patient=patient, kind=AlertKind.REPORT, severity=Severity.ATTENTION, message="m"
    )
    therapist_client.post(
        reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "Called back"}
    )
    therapist_client.get(reverse("clinic:patient_detail", args=[patient.pk]))
    html = page_text(therapist_client.get(audit_url(patient)).content.decode())
    name = therapist.get_full_name()
    patient_name = patient.display_name
    expected = [
        f"{name} Opened the record of {patient_name}",  # this page
        f"{name} Opened the record of {patient_name}",  # the patient page
        f"{name} Changed the alert “Pain report for {patient_name}” Acknowledged at:",
        "Acknowledgement note: — → Called back",
        f"{patient_name} (the patient) Created the pain report of {today.isoformat()}",
        f"{name} Changed the exercise “Bridge” in “Knee program” Repetitions: 10 → 14",
    ]
    positions = [html.index(line) for line in expected]
    assert positions == sorted(positions)
    assert "Pain: 6" in html
    assert "Note: Sore" in html
    assert "Rehabit (automatic) Created the alert" in html


def test_deleted_exercises_stay_in_the_trail(
    therapist_client, therapist, patient, logged_program, logged_bridge
):
    with set_actor(therapist):
        replace_items(prescription=logged_program, items=[])  # never logged: deleted
    html = page_text(therapist_client.get(audit_url(patient)).content.decode())
    assert f"{therapist.get_full_name()} Deleted the exercise “Bridge” in “Knee program”" in html


def test_another_patients_entries_are_not_in_the_trail(
    therapist_client, patient, other_patient, today
):
    PrescriptionFactory(patient=other_patient, title="Someone else's plan")
    PainReportFactory(patient=other_patient, date=today, pain=3)
    html = therapist_client.get(audit_url(patient)).content.decode()
    assert "Someone else" not in html
    assert "Created the pain report" not in html


def test_the_trail_is_paginated(therapist_client, patient):
    for _ in range(60):
        therapist_client.get(reverse("clinic:patient_detail", args=[patient.pk]))
    first = therapist_client.get(audit_url(patient)).content.decode()
    assert "Page 1 of 2" in first
    assert first.count("Opened the record") == 50
    second = therapist_client.get(audit_url(patient), {"page": 2}).content.decode()
    assert second.count("Opened the record") == 12  # 60, and both pages of the trail


def test_only_the_care_team_reads_the_trail(
    therapist_client, patient_client, client, patient, other_patient
):
    assert therapist_client.get(audit_url(other_patient)).status_code == 404
    assert patient_client.get(audit_url(patient)).status_code == 404
    assert client.get(audit_url(patient))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("entries", [3, 40])
def test_the_trail_page_takes_a_fixed_number_of_queries(
    therapist_client,
    therapist,
    patient,
    logged_program,
    logged_bridge,
    today,
    entries,
    django_assert_num_queries,
):
    with set_actor(therapist):
        for count in range(entries):
            logged_bridge.reps = 10 + count % 5 + 1
            logged_bridge.save()
            logged_program.pain_threshold = count % 7  # 0–6
            logged_program.save()
    therapist_client.get(audit_url(patient))  # the session records its first activity once
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 the patient with their user, 5 the "opened" entry of the audit trail,
    # 6 the number of entries (pagination), 7 the page of entries with actors and types.
    with django_assert_num_queries(7):
        response = therapist_client.get(audit_url(patient))
    assert response.status_code == 200
