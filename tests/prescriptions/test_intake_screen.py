"""Adding a patient: a clinic phone for their stop screens, and the intake red-flag screen
whose yes answers hold back every new program until a therapist confirms medical clearance."""

from __future__ import annotations

import html as html_module

import pytest
from django.urls import reverse

from patients.models import INTAKE_FIELDS, INTAKE_QUESTIONS, Patient
from prescriptions.models import Prescription, Status, TherapistProfile
from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)
from tests.helpers import intake_form_answers, page_text, read_form

pytestmark = pytest.mark.django_db

ADD = "clinic:patient_create"


def add_patient(client, *yes: str, **fields: str):
    data = {
        "first_name": "Rosa",
        "last_name": "Diaz",
        "timezone": "Europe/Madrid",
        "clinic_phone": "+34 600 000 000",
        **intake_form_answers(*yes),
        **fields,
    }
    return client.post(reverse(ADD), data)


def not_screened(**kwargs) -> Patient:
    """A patient from before the intake screen: no answer recorded."""
    return PatientFactory(intake_screened_at=None, **dict.fromkeys(INTAKE_FIELDS), **kwargs)


def flagged(therapist, *yes: str) -> Patient:
    answers = {f"intake_{name}": name in yes for name in INTAKE_QUESTIONS}
    return PatientFactory(therapist=therapist, **answers)


# --- The clinic phone --------------------------------------------------------------------------


def test_adding_a_patient_needs_a_clinic_phone_and_an_answer_to_every_intake_question(
    therapist_client,
):
    response = therapist_client.post(
        reverse(ADD), {"first_name": "Rosa", "last_name": "Diaz", "timezone": "UTC"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the clinic phone the patient should call." in html
    assert html.count("Answer yes or no.") == len(INTAKE_QUESTIONS)
    assert not Patient.objects.exists()


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("call reception", "Write the phone number with digits only"),
        ("555-01", "A phone number has at least 6 digits."),
    ],
)
def test_a_clinic_phone_that_is_not_a_number_is_refused(therapist_client, phone, message):
    response = add_patient(therapist_client, clinic_phone=phone)
    assert message in response.content.decode()
    assert not Patient.objects.exists()


def test_the_add_form_starts_with_the_therapists_own_phone(therapist_client, settings):
    settings.REHABIT_CLINIC_PHONE = "+49 30 1111111"
    response = therapist_client.post(
        reverse("clinic:therapist_settings"), {"clinic_phone": " (030) 555-0199 "}
    )
    assert response.status_code == 302
    form = read_form(therapist_client.get(reverse(ADD)), "patient-form")
    assert form.value("clinic_phone") == "(030) 555-0199"


def test_without_a_phone_of_their_own_the_add_form_starts_with_the_clinic_wide_number(
    therapist_client, settings
):
    settings.REHABIT_CLINIC_PHONE = "+49 30 1111111"
    form = read_form(therapist_client.get(reverse(ADD)), "patient-form")
    assert form.value("clinic_phone") == "+49 30 1111111"
    settings.REHABIT_CLINIC_PHONE = ""
    form = read_form(therapist_client.get(reverse(ADD)), "patient-form")
    assert form.value("clinic_phone") == ""


def test_therapist_sets_their_default_phone_on_their_settings_page(therapist_client, therapist):
    nav = therapist_client.get(reverse("clinic:caseload")).content.decode()
    assert reverse("clinic:therapist_settings") in nav
    url = reverse("clinic:therapist_settings")
    html = therapist_client.post(url, {"clinic_phone": "ext. 12"}).content.decode()
    assert "Write the phone number with digits only" in html
    assert not TherapistProfile.objects.exists()
    response = therapist_client.post(url, {"clinic_phone": "+43 1 555 0100"}, follow=True)
    assert "Your settings are saved." in response.content.decode()
    assert read_form(response, "settings-form").value("clinic_phone") == "+43 1 555 0100"
    assert TherapistProfile.objects.get(user=therapist).clinic_phone == "+43 1 555 0100"


def test_editing_a_patient_from_before_keeps_asking_for_their_phone(therapist_client, therapist):
    patient = PatientFactory(therapist=therapist, clinic_phone="")
    url = reverse("clinic:patient_edit", args=[patient.pk])
    form = read_form(therapist_client.get(url), "patient-form")
    response = therapist_client.post(url, form.data())
    assert "Give the clinic phone the patient should call." in response.content.decode()


def test_the_patient_page_says_which_number_stands_in_for_a_missing_phone(
    therapist_client, therapist, settings
):
    patient = PatientFactory(therapist=therapist, clinic_phone="")
    url = reverse("clinic:patient_detail", args=[patient.pk])
    settings.REHABIT_CLINIC_PHONE = "+49 30 1111111"
    assert "stop screens show the clinic's number, +49 30 1111111" in page_text(
        therapist_client.get(url).content.decode()
    )
    settings.REHABIT_CLINIC_PHONE = ""
    assert "their stop screens show no clinic number" in page_text(
        therapist_client.get(url).content.decode()
    )


# --- The intake red-flag screen ---------------------------------------------------------------


def test_a_screen_with_every_answer_no_lets_the_first_program_start(therapist_client):
    response = add_patient(therapist_client)
    patient = Patient.objects.get()
    assert patient.is_screened
    assert not patient.intake_positives()
    html = page_text(therapist_client.get(response["Location"]).content.decode())
    assert "No red flag: each question was answered no." in html
    assert "Confirm medical clearance" not in html
    start = therapist_client.get(reverse("clinic:program_start", args=[patient.pk]))
    assert start.status_code == 200


@pytest.mark.parametrize("question", list(INTAKE_QUESTIONS))
def test_each_yes_on_the_intake_screen_warns_and_holds_back_a_program_until_clearance(
    therapist_client, question, catalogue
):
    response = add_patient(therapist_client, question)
    patient = Patient.objects.get()
    label = str(INTAKE_QUESTIONS[question])
    page = html_module.unescape(
        page_text(therapist_client.get(response["Location"]).content.decode())
    )
    assert f"The intake screen answered yes to: {label}." in page
    assert "Medical clearance is not confirmed yet." in page
    assert patient.needs_clearance
    clearance = reverse("clinic:patient_clearance", args=[patient.pk])
    for name in ("clinic:program_start", "clinic:program_create"):
        refused = therapist_client.get(reverse(name, args=[patient.pk]))
        html = refused.content.decode()
        assert refused.status_code == 409
        assert "Confirm medical clearance for Rosa Diaz before starting a program." in html
        assert label in html_module.unescape(page_text(html))
        assert f'href="{clearance}"' in html


def test_the_builder_saves_no_program_for_a_patient_awaiting_clearance(
    therapist_client, therapist, catalogue
):
    patient = flagged(therapist, "cancer_history")
    data = {
        "title": "Back on track",
        "start_date": patient.local_today().isoformat(),
        "days_of_week": ["0"],
        "times_per_day": "1",
        "pain_threshold": "5",
        "action": "save",
        "items-TOTAL_FORMS": "1",
        "items-0-exercise": str(catalogue["bridge"].pk),
    }
    response = therapist_client.post(reverse("clinic:program_create", args=[patient.pk]), data)
    assert response.status_code == 409
    assert not Prescription.objects.exists()


def test_a_template_or_a_copy_for_a_patient_awaiting_clearance_is_refused(
    therapist_client, therapist
):
    patient = flagged(therapist, "night_pain")
    template = ProgramTemplateItemFactory(template=ProgramTemplateFactory()).template
    url = reverse("clinic:program_create", args=[patient.pk]) + f"?template={template.pk}"
    assert therapist_client.get(url).status_code == 409

    original = PrescriptionFactory(patient=PatientFactory(therapist=therapist))
    PrescriptionItemFactory(prescription=original)
    response = therapist_client.post(
        reverse("clinic:program_duplicate", args=[original.pk]),
        {
            "patient": patient.pk,
            "title": "Copy",
            "start_date": patient.local_today().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Confirm medical clearance for" in response.content.decode()
    assert not patient.prescriptions.exists()


def test_clearance_needs_a_note_and_is_shown_with_who_and_when(therapist_client, therapist):
    therapist.first_name, therapist.last_name = "Tess", "Morgan"
    therapist.save()
    patient = flagged(therapist, "weight_loss", "fever")
    url = reverse("clinic:patient_clearance", args=[patient.pk])
    form_page = page_text(therapist_client.get(url).content.decode())
    assert str(INTAKE_QUESTIONS["weight_loss"]) in form_page
    assert str(INTAKE_QUESTIONS["fever"]) in form_page
    html = therapist_client.post(url, {"note": "   "}).content.decode()
    assert "Write who gave the clearance and on what it rests" in html
    patient.refresh_from_db()
    assert patient.cleared_at is None

    response = therapist_client.post(url, {"note": "Seen by Dr Weber on 3 March: fit to exercise."})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.cleared_by, patient.clearance_note) == (
        therapist,
        "Seen by Dr Weber on 3 March: fit to exercise.",
    )
    assert patient.cleared_at is not None
    page = page_text(therapist_client.get(response["Location"]).content.decode())
    assert "Medical clearance confirmed by Tess Morgan on" in page
    assert "Seen by Dr Weber on 3 March: fit to exercise." in page
    assert (
        therapist_client.get(reverse("clinic:program_start", args=[patient.pk])).status_code == 200
    )


def test_a_new_yes_withdraws_an_earlier_clearance(therapist_client, therapist):
    patient = flagged(therapist, "fever")
    therapist_client.post(
        reverse("clinic:patient_clearance", args=[patient.pk]), {"note": "GP: viral, settled."}
    )
    url = reverse("clinic:patient_edit", args=[patient.pk])
    form = read_form(therapist_client.get(url), "patient-form")
    form.set("clinic_phone", "030 1234567")
    form.set("intake_injury", "yes")
    response = therapist_client.post(url, form.data(), follow=True)
    assert "answered yes to: Fever; Recent significant injury" in page_text(
        response.content.decode()
    )
    patient.refresh_from_db()
    assert patient.needs_clearance
    assert patient.cleared_at is None


def test_a_patient_from_before_the_screen_keeps_their_program_but_a_new_one_waits_for_it(
    therapist_client, therapist, patient_client
):
    patient = not_screened(therapist=therapist, clinic_phone="030 1234567")
    running = PrescriptionFactory(patient=patient)
    detail = reverse("clinic:patient_detail", args=[patient.pk])
    page = page_text(therapist_client.get(detail).content.decode())
    assert "Intake red-flag screen Not recorded yet." in page
    refused = therapist_client.get(reverse("clinic:program_start", args=[patient.pk]))
    assert refused.status_code == 409
    assert "Record the intake red-flag screen for" in refused.content.decode()
    running.refresh_from_db()
    assert running.status == Status.ACTIVE

    url = reverse("clinic:patient_edit", args=[patient.pk])
    form = read_form(therapist_client.get(url), "patient-form")
    assert all(not form.values(f"intake_{name}") for name in INTAKE_QUESTIONS)  # none preset
    for name, answer in intake_form_answers().items():
        form.set(name, answer)
    assert therapist_client.post(url, form.data()).status_code == 302
    patient.refresh_from_db()
    assert patient.is_screened
    assert patient.intake_screened_by == therapist
    assert (
        therapist_client.get(reverse("clinic:program_start", args=[patient.pk])).status_code == 200
    )


def test_another_therapists_patient_cannot_be_cleared(therapist_client, other_patient):
    other_patient.intake_fever = True
    other_patient.save()
    url = reverse("clinic:patient_clearance", args=[other_patient.pk])
    assert therapist_client.get(url).status_code == 404
    assert therapist_client.post(url, {"note": "Fine."}).status_code == 404
    other_patient.refresh_from_db()
    assert other_patient.cleared_at is None
