"""Archiving a patient takes them off the caseload and the dashboard and keeps all their data;
archived patients are listed apart and can be restored. Only the admin deletes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import Completion, PainReport, Patient
from prescriptions.models import Status
from tests.factories import CompletionFactory, PainReportFactory
from tests.helpers import read_form

pytestmark = pytest.mark.django_db


def url(name: str, patient: Patient) -> str:
    return reverse(name, args=[patient.pk])


@pytest.fixture
def history(patient, logged_program, logged_bridge, today):
    CompletionFactory(item=logged_bridge, date=today)
    PainReportFactory(patient=patient, prescription=logged_program, date=today, pain=3)


def test_the_patient_page_offers_to_archive_and_asks_first(
    therapist_client, patient, logged_program
):
    html = therapist_client.get(url("clinic:patient_detail", patient)).content.decode()
    assert url("clinic:patient_archive", patient) in html
    page = therapist_client.get(url("clinic:patient_archive", patient))
    html = page.content.decode()
    assert "Nothing is deleted" in html
    assert "Knee program (active" in html
    form = read_form(page, "archive-form")
    assert form.values("end_programs") == ["on"]  # ticked by default


def test_archiving_keeps_the_data_and_takes_the_patient_off_the_lists(
    therapist_client, patient, logged_program, history
):
    page = therapist_client.get(url("clinic:patient_archive", patient))
    response = read_form(page, "archive-form").submit(
        therapist_client, value="", name="", follow=True
    )
    assert response.redirect_chain == [(reverse("clinic:caseload"), 302)]
    html = response.content.decode()
    assert f"{patient.display_name} is archived." in html
    patient.refresh_from_db()
    logged_program.refresh_from_db()
    assert patient.archived_at is not None
    assert logged_program.status == Status.ENDED
    assert Completion.objects.filter(patient=patient).count() == 1
    assert PainReport.objects.filter(patient=patient).count() == 1
    caseload = therapist_client.get(reverse("clinic:caseload")).content.decode()
    dashboard = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    archived = therapist_client.get(reverse("clinic:archived_patients")).content.decode()
    assert patient.display_name not in caseload
    assert patient.display_name not in dashboard
    assert patient.display_name in archived


def test_archiving_can_leave_the_programs_running(therapist_client, patient, logged_program):
    therapist_client.post(url("clinic:patient_archive", patient), {})
    logged_program.refresh_from_db()
    patient.refresh_from_db()
    assert patient.archived_at is not None
    assert logged_program.status == Status.ACTIVE


def test_an_archived_patient_is_restored_from_the_list(therapist_client, patient, logged_program):
    therapist_client.post(url("clinic:patient_archive", patient), {"end_programs": "on"})
    archived = therapist_client.get(reverse("clinic:archived_patients"))
    form = read_form(archived, f"restore-{patient.pk}")
    assert form.action == url("clinic:patient_restore", patient)
    response = form.submit(therapist_client, value="", name="", follow=True)
    assert response.redirect_chain == [(url("clinic:patient_detail", patient), 302)]
    assert "is back on your caseload" in response.content.decode()
    patient.refresh_from_db()
    assert patient.archived_at is None
    assert patient.display_name in therapist_client.get(reverse("clinic:caseload")).content.decode()


def test_an_archived_patients_page_says_so_and_offers_to_restore(therapist_client, patient):
    therapist_client.post(url("clinic:patient_archive", patient), {})
    html = therapist_client.get(url("clinic:patient_detail", patient)).content.decode()
    assert "Archived on" in html
    assert url("clinic:patient_restore", patient) in html
    assert url("clinic:patient_archive", patient) not in html
    again = therapist_client.get(url("clinic:patient_archive", patient), follow=True)
    assert "is already archived" in again.content.decode()


def test_archiving_and_restoring_are_in_the_audit_trail(therapist_client, therapist, patient):
    therapist_client.post(url("clinic:patient_archive", patient), {})
    therapist_client.post(url("clinic:patient_restore", patient))
    html = therapist_client.get(url("clinic:patient_audit", patient)).content.decode()
    assert html.index("Restored to the caseload") < html.index("Archived</li>")


def test_another_therapists_patient_cannot_be_archived_or_restored(therapist_client, other_patient):
    assert therapist_client.post(url("clinic:patient_archive", other_patient)).status_code == 404
    assert therapist_client.post(url("clinic:patient_restore", other_patient)).status_code == 404
    other_patient.refresh_from_db()
    assert other_patient.archived_at is None
    listed = therapist_client.get(reverse("clinic:archived_patients")).content.decode()
    assert other_patient.display_name not in listed


def test_there_is_no_delete_in_the_workspace(therapist_client, patient):
    from prescriptions.urls import urlpatterns

    assert not [p for p in urlpatterns if "delete" in str(p.pattern) and "patient" in p.name]
    assert therapist_client.post(f"/clinic/patients/{patient.pk}/delete/").status_code == 404
