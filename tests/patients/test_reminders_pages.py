"""Reminder pages: the patient's preferences, the therapist's defaults, the unsubscribe link."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from patients.models import ReminderEmail, ReminderStatus
from patients.reminders import UNSUBSCRIBE_SALT, unsubscribe_token
from tests.factories import PatientFactory, PrescriptionFactory

pytestmark = pytest.mark.django_db

PAGE = "/reminders/"


def page(client: Client, url: str = PAGE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def selected(html: str, name: str) -> str:
    """The value chosen in a select."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    option = re.search(r'<option value="([^"]+)"[^>]*selected', select.group(0))
    assert option, name
    return option.group(1)


def save(client: Client, **data: str):
    return client.post(PAGE, data)


# --- The patient's preferences --------------------------------------------------------------------


def test_today_links_to_the_reminders_page(patient_client, program):
    assert 'href="/reminders/"' in page(patient_client, reverse("patients:today"))


def test_one_labelled_time_per_daily_session_with_the_suggested_times(patient_client, program):
    program.times_per_day = 2
    program.save()
    html = page(patient_client)
    assert '<label class="time-label" for="id_time_1">Reminder for session 1</label>' in html
    assert '<label class="time-label" for="id_time_2">Reminder for session 2</label>' in html
    assert 'id="id_time_3"' not in html
    assert (selected(html, "time_1"), selected(html, "time_2")) == ("09:00", "18:00")
    assert "Suggested: 6:00 in the evening." in html
    assert '<option value="18:00" selected>6:00 in the evening</option>' in html
    assert "Europe/Berlin" in html


def test_the_number_of_times_follows_the_busiest_active_program(patient, patient_client, program):
    PrescriptionFactory(patient=patient, times_per_day=3, start_date=program.start_date)
    PrescriptionFactory(patient=patient, times_per_day=5, status="paused")
    html = page(patient_client)
    assert 'id="id_time_3"' in html
    assert 'id="id_time_4"' not in html


def test_a_patient_without_a_program_still_chooses_one_time(patient_client):
    html = page(patient_client)
    assert '<label class="time-label" for="id_time_1">Reminder time</label>' in html


def test_saving_times_email_and_address(patient, patient_client, program):
    program.times_per_day = 2
    program.save()
    response = save(
        patient_client,
        time_1="19:30",  # given in the wrong order: kept earliest first
        time_2="07:15",
        email_reminders="yes",
        email=" ada@example.net ",
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    patient.user.refresh_from_db()
    assert patient.reminder_times == ["07:15", "19:30"]
    assert patient.email_reminders is True
    assert patient.user.email == "ada@example.net"
    html = page(patient_client)
    assert "Saved. We will email you at 7:15 in the morning and 7:30 in the evening." in html
    assert (selected(html, "time_1"), selected(html, "time_2")) == ("07:15", "19:30")


def test_email_reminders_need_an_address(patient, patient_client, program):
    response = save(patient_client, time_1="09:00", email_reminders="yes", email="")
    assert response.status_code == 400
    assert "Type your email address, or choose “No emails”." in response.content.decode()
    patient.refresh_from_db()
    assert patient.email_reminders is None


def test_a_mistyped_address_is_refused_in_plain_words(patient_client, program):
    response = save(patient_client, time_1="09:00", email_reminders="yes", email="ada.example")
    assert response.status_code == 400
    assert "This does not look like an email address." in response.content.decode()


def test_two_sessions_cannot_share_a_time(patient, patient_client, program):
    program.times_per_day = 2
    program.save()
    response = save(patient_client, time_1="09:00", time_2="09:00", email_reminders="no", email="")
    assert response.status_code == 400
    assert "Choose a different time for each session." in response.content.decode()
    patient.refresh_from_db()
    assert patient.reminder_times == []


def test_a_time_outside_the_list_is_refused(patient_client, program):
    response = save(patient_client, time_1="25:00", email_reminders="no", email="")
    assert response.status_code == 400
    assert "Choose one of the times in the list." in response.content.decode()


def test_turning_emails_off_keeps_the_address(patient, patient_client, program):
    save(patient_client, time_1="08:00", email_reminders="no", email=patient.user.email)
    patient.refresh_from_db()
    assert patient.email_reminders is False
    assert patient.user.email
    assert "Saved. Your reminder times: 8:00 in the morning. No emails." in page(patient_client)


def test_the_patient_can_go_back_to_the_therapists_times(patient, patient_client, program):
    patient.default_reminder_times = ["10:00"]
    patient.reminder_times = ["07:00"]
    patient.save()
    html = page(patient_client)
    assert selected(html, "time_1") == "07:00"
    assert "Use my therapist’s times (10:00 in the morning)" in html
    patient_client.post(reverse("patients:reminders_use_suggested"))
    patient.refresh_from_db()
    assert patient.reminder_times == []
    assert selected(page(patient_client), "time_1") == "10:00"


def test_the_reminders_page_is_for_patients_only(therapist_client):
    assert therapist_client.get(PAGE).status_code == 404
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- The therapist's defaults ---------------------------------------------------------------------


def defaults_url(patient) -> str:
    return reverse("patients:reminder_defaults", args=[patient.pk])


def test_the_therapist_sets_default_times_and_email(patient, therapist_client, program):
    program.times_per_day = 2
    program.save()
    html = page(therapist_client, defaults_url(patient))
    assert (selected(html, "time_1"), selected(html, "time_2")) == ("09:00", "18:00")
    response = therapist_client.post(
        defaults_url(patient), {"time_1": "08:00", "time_2": "17:30", "email_reminders": "on"}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.default_reminder_times == ["08:00", "17:30"]
    assert patient.default_email_reminders is True
    assert patient.wants_email_reminders
    assert patient.reminder_times_for(2) == [datetime.time(8, 0), datetime.time(17, 30)]
    # The patient sees them as their therapist's suggestion.
    client = Client()
    client.force_login(patient.user)
    patient_page = page(client)
    assert selected(patient_page, "time_2") == "17:30"
    assert "Your therapist suggests 5:30 in the evening." in patient_page


def test_the_patients_own_choice_wins_and_the_therapist_sees_it(patient, therapist_client, program):
    patient.reminder_times = ["07:00"]
    patient.email_reminders = False
    patient.save()
    therapist_client.post(defaults_url(patient), {"time_1": "10:00", "email_reminders": "on"})
    patient.refresh_from_db()
    assert patient.reminder_times_for(1) == [datetime.time(7, 0)]
    assert not patient.wants_email_reminders
    html = page(therapist_client, defaults_url(patient))
    assert '7:00 in the morning <span class="text-body-secondary">(chosen by the patient)' in html
    assert "the patient turned them off. Only they can turn them back on." in html


def test_the_therapist_sees_what_was_sent(patient, therapist_client):
    ReminderEmail.objects.create(
        patient=patient,
        date=datetime.date(2026, 1, 14),
        session=1,
        due_at=datetime.datetime(2026, 1, 14, 8, tzinfo=datetime.UTC),
        status=ReminderStatus.SENT,
        sent_at=datetime.datetime(2026, 1, 14, 8, 2, tzinfo=datetime.UTC),
    )
    html = page(therapist_client, defaults_url(patient))
    assert "Wed 14 Jan" in html
    assert 'Sent <span class="text-body-secondary">09:02</span>' in html  # Berlin time


def test_another_therapists_patient_answers_404(other_patient, therapist_client):
    assert therapist_client.get(defaults_url(other_patient)).status_code == 404
    response = therapist_client.post(defaults_url(other_patient), {"time_1": "10:00"})
    assert response.status_code == 404
    other_patient.refresh_from_db()
    assert other_patient.default_reminder_times == []


def test_patients_cannot_open_the_therapists_page(patient, patient_client):
    assert patient_client.get(defaults_url(patient)).status_code == 404


# --- Unsubscribe ----------------------------------------------------------------------------------


def unsubscribe_url(patient) -> str:
    return reverse("patients:unsubscribe", args=[unsubscribe_token(patient)])


def test_the_link_asks_first_and_a_get_changes_nothing():
    patient = PatientFactory(email_reminders=True, user__email="pat.lee@example.org")
    html = page(Client(), unsubscribe_url(patient))
    assert "Stop reminder emails?" in html
    assert "p•••@example.org" in html
    assert "pat.lee@example.org" not in html
    assert "Yes, stop reminder emails" in html
    patient.refresh_from_db()
    assert patient.email_reminders is True


def test_the_button_unsubscribes_without_login_or_csrf_token():
    patient = PatientFactory(email_reminders=True)
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_url(patient))
    assert response.status_code == 200
    assert "No more reminder emails" in response.content.decode()
    patient.refresh_from_db()
    assert patient.email_reminders is False
    assert client.post(unsubscribe_url(patient)).status_code == 200  # twice is harmless


def test_an_unsubscribe_beats_the_therapists_default(therapist, therapist_client):
    patient = PatientFactory(therapist=therapist, email_reminders=None)
    therapist_client.post(defaults_url(patient), {"time_1": "09:00", "email_reminders": "on"})
    Client(enforce_csrf_checks=True).post(unsubscribe_url(patient))
    therapist_client.post(defaults_url(patient), {"time_1": "09:00", "email_reminders": "on"})
    patient.refresh_from_db()
    assert patient.default_email_reminders is True
    assert not patient.wants_email_reminders


@pytest.mark.parametrize("token", ["nonsense", "MQ:1tAbCd:forged-signature"])
def test_a_broken_unsubscribe_link_says_so(token):
    response = Client().get(reverse("patients:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Client().post(reverse("patients:unsubscribe", args=[token])).status_code == 404


def test_a_token_for_one_patient_cannot_be_turned_into_another_patients():
    first, second = PatientFactory(email_reminders=True), PatientFactory(email_reminders=True)
    value, signature = unsubscribe_token(first).split(":", 1)
    assert signing.loads(f"{value}:{signature}", salt=UNSUBSCRIBE_SALT) == first.pk
    other_value = signing.b64_encode(str(second.pk).encode()).decode()
    response = Client().post(reverse("patients:unsubscribe", args=[f"{other_value}:{signature}"]))
    assert response.status_code == 404
    second.refresh_from_db()
    assert second.email_reminders is True
