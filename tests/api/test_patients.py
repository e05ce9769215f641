"""A therapist's care team over the API: list, add, read and change patients."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from patients.models import Patient
from tests.factories import PatientFactory, UserFactory
from tests.helpers import intake_api_answers

pytestmark = pytest.mark.django_db

URL = "/api/v1/patients/"


def detail(patient: Patient) -> str:
    return f"{URL}{patient.pk}/"


def surnames(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["last_name"] for row in response.json()["results"]]


def test_therapist_lists_only_the_patients_on_their_care_team(therapist, therapist_api):
    PatientFactory(therapist=therapist, user__last_name="Stone")
    PatientFactory(therapist=therapist, user__last_name="Abbott")
    PatientFactory(user__last_name="Elsewhere")
    assert surnames(therapist_api.get(URL)) == ["Abbott", "Stone"]


def test_patients_filter_by_name_and_archive_and_sort(therapist, therapist_api):
    PatientFactory(therapist=therapist, user__first_name="Ada", user__last_name="Stone")
    PatientFactory(
        therapist=therapist,
        user__first_name="Ben",
        user__last_name="Abbott",
        archived_at=timezone.now(),
    )
    assert surnames(therapist_api.get(URL, {"search": "ada"})) == ["Stone"]
    assert surnames(therapist_api.get(URL, {"archived": "true"})) == ["Abbott"]
    assert surnames(therapist_api.get(URL, {"archived": "false"})) == ["Stone"]
    assert surnames(therapist_api.get(URL, {"ordering": "-last_name"})) == ["Stone", "Abbott"]
    assert surnames(therapist_api.get(URL, {"ordering": "first_name"})) == ["Stone", "Abbott"]


def test_therapist_reads_a_patient_of_their_care_team(patient, therapist_api):
    response = therapist_api.get(detail(patient))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == patient.user.username
    assert body["timezone"] == "Europe/Berlin"
    assert body["has_password"] is True
    assert body["is_archived"] is False


def test_another_therapists_patient_answers_404(other_patient, therapist_api):
    response = therapist_api.get(detail(other_patient))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_patients_cannot_use_the_patient_list(patient, patient_api):
    assert patient_api.get(URL).status_code == 404
    assert patient_api.get(detail(patient)).status_code == 404


def test_therapist_adds_a_patient_to_their_care_team(therapist, therapist_api):
    response = therapist_api.post(
        URL,
        {
            "first_name": " Ada ",
            "last_name": "Stone",
            "email": "ada@example.org",
            "timezone": "Europe/Vienna",
            "conditions": ["osteoporosis"],
            "clinic_phone": "+43 1 555 0100",
            "intake_screen": intake_api_answers(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    patient = Patient.objects.get(pk=response.json()["id"])
    assert list(patient.care_team.all()) == [therapist]
    assert (patient.user.first_name, patient.user.email) == ("Ada", "ada@example.org")
    assert patient.user.username == "ada.stone"
    assert patient.timezone == "Europe/Vienna"
    assert patient.conditions == ["osteoporosis"]
    assert response.json()["has_password"] is False


def test_a_new_patient_needs_a_name_and_a_known_time_zone(therapist_api):
    response = therapist_api.post(
        URL,
        {"first_name": "  ", "timezone": "Mars/Olympus", "conditions": ["gout"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {
        "first_name",
        "last_name",
        "timezone",
        "conditions",
        "clinic_phone",
        "intake_screen",
    }
    assert not Patient.objects.exists()


def test_a_new_patient_cannot_take_an_email_address_already_in_use(therapist_api):
    UserFactory(email="taken@example.org")
    response = therapist_api.post(
        URL,
        {"first_name": "Ada", "last_name": "Stone", "email": "TAKEN@example.org"},
        format="json",
    )
    assert response.status_code == 400
    assert "Another account already uses" in response.json()["email"][0]


def test_therapist_changes_some_of_a_patients_details(patient, therapist_api):
    response = therapist_api.patch(
        detail(patient), {"clinic_phone": "555 0100", "last_name": "Stone"}, format="json"
    )
    assert response.status_code == 200, response.content
    patient.refresh_from_db()
    assert patient.clinic_phone == "555 0100"
    assert patient.user.last_name == "Stone"
    assert patient.timezone == "Europe/Berlin"  # left as it was


def test_a_patient_may_keep_their_own_email_address(patient, therapist_api):
    response = therapist_api.put(
        detail(patient),
        {
            "first_name": "Ada",
            "last_name": "Stone",
            "email": patient.user.email,
            "timezone": "UTC",
            "clinic_phone": "030 1234567",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["conditions"] == []


def test_another_therapists_patient_cannot_be_changed(other_patient, therapist_api):
    response = therapist_api.patch(detail(other_patient), {"last_name": "X"}, format="json")
    assert response.status_code == 404
    other_patient.user.refresh_from_db()
    assert other_patient.user.last_name != "X"


def test_patients_cannot_be_deleted_over_the_api(patient, therapist_api):
    assert therapist_api.delete(detail(patient)).status_code == 405
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_therapist_gets_an_invitation_link_for_a_new_patient(therapist_api, anonymous):
    body = {
        "first_name": "Ada",
        "last_name": "Stone",
        "clinic_phone": "030 1234567",
        "intake_screen": intake_api_answers(),
    }
    created = therapist_api.post(URL, body, format="json").json()
    response = therapist_api.post(f"{URL}{created['id']}/invitation/")
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    assert "/invite/" in url
    assert "no-store" in response["Cache-Control"]
    page = anonymous.get(url.removeprefix(settings.SITE_URL))
    assert page.status_code == 200  # the patient can choose a password there


def test_a_new_invitation_withdraws_the_previous_one(patient, therapist_api):
    first = therapist_api.post(f"{URL}{patient.pk}/invitation/").json()["url"]
    second = therapist_api.post(f"{URL}{patient.pk}/invitation/").json()["url"]
    assert first != second
    assert patient.invitations.count() == 1


def test_no_invitation_for_another_therapists_patient(other_patient, therapist_api):
    assert therapist_api.post(f"{URL}{other_patient.pk}/invitation/").status_code == 404
    assert not other_patient.invitations.exists()
