"""Whose language a page is in (config/languages.py): the patient's record, the therapist's
settings, else the browser's; the API follows Accept-Language, else the user's own."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from prescriptions.models import TherapistProfile

pytestmark = pytest.mark.django_db

SWITCH = reverse("set_language")


def lang_of(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_reads_the_browsers_language_and_can_switch_in_one_tap():
    client = Client()
    assert lang_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")) == "de"
    response = client.post(SWITCH, {"language": "es", "next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert lang_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")) == "es"


def test_every_page_offers_the_three_languages_by_their_own_names(patient_client):
    html = patient_client.get(reverse("patients:today")).content.decode()
    for code, name in (("en", "English"), ("es", "Español"), ("de", "Deutsch")):
        assert f'value="{code}" lang="{code}"' in html
        assert f">{name}</button>" in html


def test_a_patients_language_is_on_their_record_whatever_the_browser_says(patient, patient_client):
    patient_client.post(SWITCH, {"language": "de", "next": reverse("patients:today")})
    patient.refresh_from_db()
    assert patient.language == "de"
    response = patient_client.get(reverse("patients:today"), HTTP_ACCEPT_LANGUAGE="es")
    assert lang_of(response) == "de"
    assert response["Content-Language"] == "de"


def test_the_therapist_sets_the_patients_language_and_the_patients_next_page_follows(
    patient, patient_client
):
    patient.language = "es"
    patient.save()
    assert lang_of(patient_client.get(reverse("patients:today"))) == "es"


def test_a_therapists_language_is_kept_in_their_settings(therapist, therapist_client):
    therapist_client.post(SWITCH, {"language": "es", "next": reverse("clinic:caseload")})
    assert TherapistProfile.objects.get(user=therapist).language == "es"
    assert lang_of(therapist_client.get(reverse("clinic:caseload"))) == "es"
    # A new session (another browser) reads it from the settings.
    fresh = Client()
    fresh.force_login(therapist)
    assert lang_of(fresh.get(reverse("clinic:caseload"), HTTP_ACCEPT_LANGUAGE="de")) == "es"


def test_an_unknown_language_or_a_foreign_next_page_changes_nothing(patient, patient_client):
    response = patient_client.post(SWITCH, {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    patient.refresh_from_db()
    assert patient.language == "en"


def test_the_api_answers_in_accept_language_else_in_the_users_own(patient, patient_api):
    patient.language = "de"
    patient.save()
    assert patient_api.get("/api/v1/me/")["Content-Language"] == "de"
    response = patient_api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
