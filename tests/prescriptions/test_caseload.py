"""The therapist's home: their caseload, adding and editing patients, invitations."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import dateformat, timezone

from exercises.models import Precaution
from patients.models import Invitation, Patient, SafetyPause, hash_token
from prescriptions.models import Status
from tests.factories import PatientFactory, PrescriptionFactory, UserFactory
from tests.helpers import intake_form_answers, read_form

pytestmark = pytest.mark.django_db

CASELOAD = reverse("clinic:caseload")


def test_caseload_shows_each_patients_active_program_and_start(therapist_client, patient):
    PrescriptionFactory(patient=patient, title="Ended one", status=Status.ENDED)
    active = PrescriptionFactory(patient=patient, title="Knee rehab")
    html = therapist_client.get(CASELOAD).content.decode()
    assert "Knee rehab" in html
    assert dateformat.format(active.start_date, "j M Y") in html
    assert "Ended one" not in html
    assert reverse("clinic:patient_detail", args=[patient.pk]) in html


def test_caseload_shows_a_safety_pause_and_offers_to_review_it_not_a_new_program(
    therapist_client, patient
):
    program = PrescriptionFactory(patient=patient, title="Knee rehab", status=Status.PAUSED)
    SafetyPause.objects.create(patient=patient, level="stop").programs.add(program)
    html = therapist_client.get(CASELOAD).content.decode()
    assert "Paused for safety since" in html
    assert "Review the pause" in html
    assert reverse("clinic:program_start", args=[patient.pk]) not in html


def test_caseload_search_matches_first_and_last_name_together(therapist_client, therapist):
    PatientFactory(therapist=therapist, user=UserFactory(first_name="Ada", last_name="Stone"))
    PatientFactory(therapist=therapist, user=UserFactory(first_name="Ada", last_name="Reed"))
    html = therapist_client.get(CASELOAD, {"q": "ada sto"}).content.decode()
    assert "Ada Stone" in html
    assert "Ada Reed" not in html


def test_caseload_leaves_out_archived_patients(therapist_client, therapist):
    PatientFactory(
        therapist=therapist,
        user=UserFactory(first_name="Old", last_name="Case"),
        archived_at=timezone.now(),
    )
    assert "Old Case" not in therapist_client.get(CASELOAD).content.decode()


def test_caseload_says_who_has_not_set_up_their_login(therapist_client, therapist):
    PatientFactory(therapist=therapist)  # has a password
    new = PatientFactory(therapist=therapist)
    new.user.set_unusable_password()
    new.user.save()
    assert therapist_client.get(CASELOAD).content.decode().count("Not set up yet") == 1


def test_caseload_is_paginated(therapist_client, therapist):
    for _ in range(51):
        PatientFactory(therapist=therapist)
    html = therapist_client.get(CASELOAD).content.decode()
    assert "Page 1 of 2" in html
    assert html.count('class="fw-semibold" href="/clinic/patients/') == 50


@pytest.mark.parametrize("patients", [2, 10])
def test_caseload_query_count_does_not_grow_with_patients(
    therapist_client, therapist, django_assert_num_queries, patients
):
    for _ in range(patients):
        patient = PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])
        PrescriptionFactory(patient=patient)
        PrescriptionFactory(patient=patient)
    therapist_client.get(CASELOAD)  # the session records its first activity once
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 count of the therapist's current patients (pagination),
    # 5 the page of patients with their users,
    # 6 the active programs of those patients.
    with django_assert_num_queries(6):
        response = therapist_client.get(CASELOAD)
    assert response.content.decode().count('href="/clinic/programs/') >= patients * 2


# --- Adding and editing patients ------------------------------------------------------------


def test_therapist_adds_a_patient_to_their_caseload(therapist_client, therapist):
    form = read_form(therapist_client.get(reverse("clinic:patient_create")), "patient-form")
    form.set("first_name", "Rosa")
    form.set("last_name", "Diaz")
    form.set("email", "rosa@example.org")
    form.set("timezone", "Europe/Madrid")
    form.set("conditions", Precaution.OSTEOPOROSIS, Precaution.WRIST)
    form.set("clinic_phone", "+34 600 000 000")
    for name, answer in intake_form_answers().items():
        form.set(name, answer)
    response = therapist_client.post(reverse("clinic:patient_create"), form.data())

    patient = Patient.objects.get(user__last_name="Diaz")
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:patient_detail", args=[patient.pk])
    assert list(patient.care_team.all()) == [therapist]
    assert patient.timezone == "Europe/Madrid"
    assert patient.conditions == [Precaution.OSTEOPOROSIS, Precaution.WRIST]
    assert not patient.user.has_usable_password()
    page = therapist_client.get(response["Location"]).content.decode()
    assert "is on your caseload" in page
    assert reverse("clinic:patient_invitation", args=[patient.pk]) in page  # the offer


def test_adding_a_patient_needs_a_name_and_a_known_time_zone(therapist_client):
    response = therapist_client.post(
        reverse("clinic:patient_create"),
        {"first_name": "", "last_name": "Diaz", "timezone": "Mars/Olympus"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert not Patient.objects.filter(user__last_name="Diaz").exists()


def test_an_email_already_in_use_is_refused(therapist_client):
    UserFactory(email="taken@example.org")
    response = therapist_client.post(
        reverse("clinic:patient_create"),
        {"first_name": "A", "last_name": "B", "email": "TAKEN@example.org", "timezone": "UTC"},
    )
    assert "Another account already uses this email address." in response.content.decode()


def test_therapist_edits_a_patients_details(therapist_client, patient):
    url = reverse("clinic:patient_edit", args=[patient.pk])
    form = read_form(therapist_client.get(url), "patient-form")
    assert form.value("first_name") == patient.user.first_name
    form.set("last_name", "Newname")
    form.set("conditions", Precaution.KNEE)
    form.set("email", patient.user.email)  # their own address is not "taken"
    form.set("clinic_phone", "030 1234567")
    response = therapist_client.post(url, form.data())
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user.last_name == "Newname"
    assert patient.conditions == [Precaution.KNEE]


# --- Invitations ----------------------------------------------------------------------------


def new_patient(therapist) -> Patient:
    patient = PatientFactory(therapist=therapist)
    patient.user.set_unusable_password()
    patient.user.save()
    return patient


def test_invitation_page_explains_before_creating_a_link(therapist_client, therapist):
    patient = new_patient(therapist)
    html = therapist_client.get(reverse("clinic:patient_invitation", args=[patient.pk]))
    assert "shown only once" in html.content.decode()
    assert not Invitation.objects.exists()


def test_creating_an_invitation_shows_the_link_and_a_qr_code_once(
    therapist_client, therapist, settings
):
    settings.SITE_URL = "https://clinic.example.org"
    patient = new_patient(therapist)
    url = reverse("clinic:patient_invitation", args=[patient.pk])
    response = therapist_client.post(url)
    html = response.content.decode()
    invitation = Invitation.objects.get(patient=patient)
    prefix = "https://clinic.example.org/invite/"
    start = html.index(prefix)
    token = html[start + len(prefix) : html.index("/", start + len(prefix))]
    assert hash_token(token) == invitation.token_hash
    assert invitation.created_by == therapist
    assert 'class="qr-code"' in html
    assert "Valid until" in html


def test_a_new_invitation_withdraws_the_unused_one(therapist_client, therapist):
    patient = new_patient(therapist)
    url = reverse("clinic:patient_invitation", args=[patient.pk])
    therapist_client.post(url)
    first = Invitation.objects.get()
    assert "withdraws the earlier one" in therapist_client.get(url).content.decode()
    therapist_client.post(url)
    assert not Invitation.objects.filter(pk=first.pk).exists()
    assert Invitation.objects.filter(patient=patient).count() == 1


def test_patient_page_offers_the_invitation_until_they_have_a_password(
    therapist_client, therapist, patient
):
    fresh = new_patient(therapist)
    html = therapist_client.get(reverse("clinic:patient_detail", args=[fresh.pk])).content
    assert b"Not set up yet" in html
    html = therapist_client.get(reverse("clinic:patient_detail", args=[patient.pk])).content
    assert b"Not set up yet" not in html
    assert get_user_model().objects.get(pk=patient.user_id).has_usable_password()
