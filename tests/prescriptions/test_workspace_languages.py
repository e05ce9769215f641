"""The therapist's workspace and languages: their own in their settings, each patient's on the
caseload and the patient page, and the printed handout in the patient's."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import dateformat, translation

from prescriptions.models import TherapistProfile
from tests.factories import PatientFactory, PrescriptionFactory
from tests.helpers import read_form

pytestmark = pytest.mark.django_db

SETTINGS = reverse("clinic:therapist_settings")
CASELOAD = reverse("clinic:caseload")


def _settings_form(client, language: str) -> dict[str, list[str]]:
    """The settings form as shown, with the language chosen as a person would."""
    return read_form(client.get(SETTINGS), "settings-form").set("language", language).data()


def test_a_therapist_chooses_their_language_in_their_settings_and_the_next_page_follows(
    therapist, therapist_client
):
    assert '<html lang="en">' in therapist_client.get(CASELOAD).content.decode()
    response = therapist_client.post(SETTINGS, _settings_form(therapist_client, language="de"))
    assert response.status_code == 302
    assert TherapistProfile.objects.get(user=therapist).language == "de"
    page = therapist_client.get(response["Location"]).content.decode()
    assert '<html lang="de">' in page
    assert '<option value="de" selected>' in page
    assert '<html lang="de">' in therapist_client.get(CASELOAD).content.decode()


def test_choosing_the_browsers_language_again_forgets_the_saved_one(therapist, therapist_client):
    TherapistProfile.objects.create(user=therapist, language="es")
    response = therapist_client.post(
        SETTINGS,
        _settings_form(therapist_client, language=""),
        headers={"accept-language": "de"},
    )
    assert TherapistProfile.objects.get(user=therapist).language == ""
    page = therapist_client.get(CASELOAD, headers={"accept-language": "de"}).content.decode()
    assert response.status_code == 302
    assert '<html lang="de">' in page


def test_the_settings_page_refuses_a_language_rehabit_does_not_offer(therapist, therapist_client):
    data = read_form(therapist_client.get(SETTINGS), "settings-form").data()
    response = therapist_client.post(SETTINGS, {**data, "language": "xx"})
    assert response.status_code == 200
    assert not TherapistProfile.objects.filter(user=therapist, language="xx").exists()


def test_the_caseload_and_the_patient_page_show_each_patients_language(therapist, therapist_client):
    spanish = PatientFactory(therapist=therapist, language="es")
    PatientFactory(therapist=therapist, language="de")
    caseload = therapist_client.get(CASELOAD).content.decode()
    assert '<span lang="es">Español</span>' in caseload
    assert '<span lang="de">Deutsch</span>' in caseload
    detail = therapist_client.get(reverse("clinic:patient_detail", args=[spanish.pk]))
    assert '<dd lang="es">Español</dd>' in detail.content.decode()


def test_the_handout_is_printed_in_the_patients_language(therapist, therapist_client):
    patient = PatientFactory(therapist=therapist, language="es")
    program = PrescriptionFactory(
        patient=patient, prescribed_by=therapist, start_date=datetime.date(2026, 3, 9)
    )
    html = therapist_client.get(reverse("clinic:program_handout", args=[program.pk])).content
    page = html.decode()
    assert '<html lang="es">' in page
    with translation.override("es"):
        spanish_start = dateformat.format(program.start_date, "j F Y")
    assert spanish_start == "9 marzo 2026"
    assert spanish_start in page
    # The toolbar above the handout, for the therapist, stays in the therapist's language.
    assert '<div class="handout-toolbar no-print" lang="en">' in page


def test_a_therapist_reading_german_still_prints_an_english_patients_handout_in_english(
    therapist, therapist_client
):
    TherapistProfile.objects.create(user=therapist, language="de")
    patient = PatientFactory(therapist=therapist, language="en")
    program = PrescriptionFactory(
        patient=patient, prescribed_by=therapist, start_date=datetime.date(2026, 3, 9)
    )
    page = therapist_client.get(reverse("clinic:program_handout", args=[program.pk]))
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "9 March 2026" in html
    assert '<div class="handout-toolbar no-print" lang="de">' in html
