"""Each patient in their own language: chosen by the therapist when adding them (their own
language by default), changed later on the edit form or over the API; reminder emails, the
calendar feed, the invitation and the unsubscribe page follow it whoever opens them. And a
time zone list with the common zones first.

No translations are installed in the tests, so the language a page or an email was rendered in
is read from what Django says it used: the ``lang`` of ``<html>`` and ``Content-Language``.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from patients.calendar_feed import calendar_token
from patients.models import Patient
from patients.reminders import send_due_reminders, unsubscribe_token
from patients.services import PatientDetails, create_invitation, create_patient
from prescriptions.models import ALL_DAYS, TherapistProfile
from tests.factories import PatientFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.helpers import intake_api_answers, intake_form_answers, read_form

pytestmark = pytest.mark.django_db

CREATE = reverse("clinic:patient_create")
API = "/api/v1/patients/"


def speaks(therapist, language: str) -> None:
    TherapistProfile.objects.update_or_create(user=therapist, defaults={"language": language})


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no lang on <html>"
    return match.group(1)


def fill_in_new_patient(therapist_client, last_name: str = "Diaz"):
    form = read_form(therapist_client.get(CREATE), "patient-form")
    form.set("first_name", "Rosa")
    form.set("last_name", last_name)
    form.set("clinic_phone", "+34 600 000 000")
    for name, answer in intake_form_answers().items():
        form.set(name, answer)
    return form


# --- The patient's language, the therapist's choice first -------------------------------------


def test_a_new_patient_reads_the_language_of_the_therapist_who_adds_them(
    therapist, therapist_client
):
    speaks(therapist, "es")
    form = fill_in_new_patient(therapist_client)
    assert form.value("language") == "es"  # chosen already on the form
    response = therapist_client.post(CREATE, form.data())
    assert response.status_code == 302
    assert Patient.objects.get(user__last_name="Diaz").language == "es"


def test_the_therapist_can_choose_another_language_for_a_new_patient(therapist, therapist_client):
    speaks(therapist, "es")
    form = fill_in_new_patient(therapist_client)
    form.set("language", "de")
    therapist_client.post(CREATE, form.data())
    assert Patient.objects.get(user__last_name="Diaz").language == "de"


def test_a_form_without_a_language_still_gives_the_therapists_own(therapist, therapist_client):
    speaks(therapist, "de")
    form = fill_in_new_patient(therapist_client)
    data = form.data()
    del data["language"]
    assert therapist_client.post(CREATE, data).status_code == 302
    assert Patient.objects.get(user__last_name="Diaz").language == "de"


def test_without_a_language_of_their_own_a_therapists_patients_read_the_sites(therapist):
    patient = create_patient(
        therapist=therapist,
        details=PatientDetails(first_name="Ada", last_name="Stone", clinic_phone="030 1234567"),
    )
    assert patient.language == settings.LANGUAGE_CODE == "en"


def test_the_therapist_changes_a_patients_language_on_the_edit_form(therapist_client, patient):
    url = reverse("clinic:patient_edit", args=[patient.pk])
    form = read_form(therapist_client.get(url), "patient-form")
    assert form.value("language") == "en"
    form.set("language", "es")
    form.set("clinic_phone", "030 1234567")
    assert therapist_client.post(url, form.data()).status_code == 302
    patient.refresh_from_db()
    assert patient.language == "es"


def test_an_unknown_language_is_refused(therapist_client):
    form = fill_in_new_patient(therapist_client)
    data = form.data()
    data["language"] = ["fr"]
    response = therapist_client.post(CREATE, data)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Patient.objects.filter(user__last_name="Diaz").exists()


def new_patient_body(**extra: object) -> dict[str, object]:
    return {
        "first_name": "Ada",
        "last_name": "Stone",
        "clinic_phone": "+43 1 555 0100",
        "intake_screen": intake_api_answers(),
        **extra,
    }


def test_the_api_gives_a_new_patient_the_therapists_language_unless_told(therapist, therapist_api):
    speaks(therapist, "de")
    created = therapist_api.post(API, new_patient_body(), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "de"
    chosen = therapist_api.post(
        API, new_patient_body(last_name="Stein", language="es"), format="json"
    )
    assert chosen.json()["language"] == "es"
    assert Patient.objects.get(pk=chosen.json()["id"]).language == "es"


def test_the_api_changes_a_patients_language_and_refuses_an_unknown_one(patient, therapist_api):
    url = f"{API}{patient.pk}/"
    assert therapist_api.patch(url, {"language": "de"}, format="json").json()["language"] == "de"
    refused = therapist_api.patch(url, {"language": "fr"}, format="json")
    assert refused.status_code == 400
    assert "language" in refused.json()
    patient.refresh_from_db()
    assert patient.language == "de"


# --- Emails, calendar and pages a patient opens from them -------------------------------------


def patient_with_a_program(language: str) -> Patient:
    patient = PatientFactory(
        timezone="Europe/Berlin", email_reminders=True, language=language, user__first_name="Ada"
    )
    program = PrescriptionFactory(
        patient=patient, start_date=datetime.date(2026, 1, 1), days_of_week=list(ALL_DAYS)
    )
    PrescriptionItemFactory(prescription=program, position=1)
    return patient


@pytest.mark.parametrize("language", ["de", "es", "en"])
def test_a_reminder_email_is_written_in_the_patients_language(settings, language):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    patient_with_a_program(language)
    at_nine_in_berlin = datetime.datetime(2026, 1, 14, 8, 0, tzinfo=datetime.UTC)
    assert send_due_reminders(now=at_nine_in_berlin).sent == 1
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == language
    [(html, _mimetype)] = message.alternatives
    assert f'<html lang="{language}">' in html


def test_the_calendar_feed_is_in_the_patients_language(client):
    patient = patient_with_a_program("es")
    patient.calendar_key = Patient.new_calendar_key()
    patient.save()
    url = reverse("patients:calendar_feed", args=[calendar_token(patient)])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"


def test_the_invitation_opens_in_the_invited_patients_language_in_any_browser(therapist, client):
    speaks(therapist, "de")
    patient = create_patient(
        therapist=therapist,
        details=PatientDetails(first_name="Ada", last_name="Stone", clinic_phone="030 1234567"),
    )
    _invitation, token = create_invitation(patient=patient, created_by=therapist)
    url = reverse("patients:accept_invitation", args=[token])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert html_lang(response) == "de"
    assert response["Content-Language"] == "de"
    wrong = client.post(url, {"new_password1": "short", "new_password2": "short"})
    assert html_lang(wrong) == "de"  # the form's errors too


def test_the_unsubscribe_page_is_in_the_language_of_the_email(client):
    patient = PatientFactory(language="es", email_reminders=True)
    url = reverse("patients:unsubscribe", args=[unsubscribe_token(patient)])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert html_lang(response) == "es"


def test_a_patients_own_pages_are_in_their_language(patient, patient_client):
    Patient.objects.filter(pk=patient.pk).update(language="de")
    response = patient_client.get(reverse("patients:today"), HTTP_ACCEPT_LANGUAGE="es")
    assert html_lang(response) == "de"


# --- Time zones -------------------------------------------------------------------------------


def timezone_select(html: str) -> str:
    match = re.search(r'<select name="timezone"[^>]*>(.*?)</select>', html, re.S)
    assert match, "no time zone select"
    return match.group(1)


def groups(select: str) -> list[tuple[str, list[str]]]:
    return [
        (label, re.findall(r'<option value="([^"]+)"', options))
        for label, options in re.findall(
            r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S
        )
    ]


def test_the_time_zone_list_starts_with_the_common_zones(therapist_client):
    html = therapist_client.get(CREATE).content.decode()
    assert re.search(r'<label\s+for="id_timezone"', html)  # labelled
    (common_label, common), (all_label, others) = groups(timezone_select(html))
    assert (common_label, all_label) == ("Common", "All time zones")
    assert common[:5] == [
        "Europe/Berlin",
        "Europe/Vienna",
        "Europe/Zurich",
        "Europe/Madrid",
        "Europe/London",
    ]
    assert {"America/New_York", "America/Mexico_City", "America/Bogota", "UTC"} <= set(common)
    assert not set(common) & set(others)  # each zone once
    assert "Asia/Tokyo" in others
    assert "Australia/Sydney" in others
    assert "US/Eastern" not in others  # old aliases are left out
    assert all(name in zoneinfo.available_timezones() for name in common + others)


def test_every_zone_is_found_by_typing_its_place(therapist_client):
    """A native select jumps to the option whose text starts with what is typed."""
    select = timezone_select(therapist_client.get(CREATE).content.decode())
    assert '<option value="America/Argentina/Buenos_Aires">Buenos Aires (America/Argentina)' in (
        select
    )
    others = re.findall(r'<option value="[^"]+">([^<]+)</option>', select.split("<optgroup")[2])
    assert others == sorted(others)  # by place name, so typing "Tok" finds Tokyo


def test_a_new_patients_time_zone_defaults_to_the_sites(therapist_client, settings):
    select = timezone_select(therapist_client.get(CREATE).content.decode())
    assert re.findall(r'<option value="([^"]+)"[^>]* selected>', select) == [settings.TIME_ZONE]


def test_a_patient_added_in_a_zone_from_the_long_list_keeps_it(therapist_client):
    form = fill_in_new_patient(therapist_client)
    form.set("timezone", "Asia/Tokyo")
    assert therapist_client.post(CREATE, form.data()).status_code == 302
    assert Patient.objects.get(user__last_name="Diaz").timezone == "Asia/Tokyo"
