"""Login lockout, session lifetimes and no caching of personal pages."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from config.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_with_a_clear_message(lockout_on, patient, client):
    for _ in range(4):
        assert log_in(client, patient.user.username, "wrong-password").status_code == 200
    locked = log_in(client, patient.user.username, "wrong-password")
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    # Even the right password is refused while locked.
    assert log_in(client, patient.user.username, PASSWORD).status_code == 429
    assert client.get(reverse("patients:today")).status_code == 302


def test_lockout_of_one_username_leaves_others_alone(lockout_on, patient, therapist, client):
    for _ in range(5):
        log_in(client, patient.user.username, "wrong-password")
    assert log_in(client, therapist.username, PASSWORD).status_code == 302


def test_failed_attempts_are_logged_without_the_password(lockout_on, patient, client, caplog):
    secret = "my-secret-guess-123"
    # The lockout's own logger is set to WARNING in settings; open it up so that what it
    # would say about the failure is really captured and checked.
    with caplog.at_level("DEBUG"), caplog.at_level("DEBUG", logger="axes"):
        log_in(client, patient.user.username, secret)
    axes_records = [r for r in caplog.records if r.name.startswith("axes")]
    assert axes_records, "the failed attempt was not logged at all"
    assert patient.user.username in caplog.text
    assert secret not in caplog.text


def test_login_starts_a_new_session(patient, client):
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    log_in(client, patient.user.username, PASSWORD)
    assert client.session.session_key != before
    assert client.session.get("visited") is True


def age_session(client, *, idle: int = 0, since_login: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[LAST_SEEN_KEY] = now - idle
    session[LOGIN_TIME_KEY] = now - since_login
    session.save()


def test_therapist_is_logged_out_after_thirty_idle_minutes(therapist_client):
    therapist_client.get(reverse("clinic:caseload"))
    age_session(therapist_client, idle=29 * 60, since_login=29 * 60)
    assert therapist_client.get(reverse("clinic:caseload")).status_code == 200
    age_session(therapist_client, idle=31 * 60, since_login=31 * 60)
    response = therapist_client.get(reverse("clinic:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_patient_may_stay_logged_in_for_a_day_but_not_forever(patient_client, settings):
    patient_client.get(reverse("patients:today"))
    age_session(patient_client, idle=24 * 3600, since_login=24 * 3600)
    assert patient_client.get(reverse("patients:today")).status_code == 200
    age_session(patient_client, idle=60, since_login=settings.REHABIT_SESSION_MAX_SECONDS + 1)
    assert patient_client.get(reverse("patients:today")).status_code == 302


def test_personal_pages_are_never_cached(patient_client, therapist_client):
    for client, url in [
        (patient_client, reverse("patients:today")),
        (therapist_client, reverse("clinic:caseload")),
    ]:
        assert "no-store" in client.get(url)["Cache-Control"]


def test_a_deactivated_login_is_signed_out_of_an_open_session(patient, client):
    assert log_in(client, patient.user.username, PASSWORD).status_code == 302
    assert client.get(reverse("patients:today")).status_code == 200
    patient.user.is_active = False
    patient.user.save()
    response = client.get(reverse("patients:today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_logged_in_patient_is_read_with_their_profile_in_one_query(
    patient, client, django_assert_num_queries
):
    log_in(client, patient.user.username, PASSWORD)
    client.get(reverse("healthz"))  # the session records its first activity once
    # 1 the session, 2 the user joined with their patient profile (patients.backends),
    # 3 the health check's own SELECT 1. No query for the role check.
    with django_assert_num_queries(3):
        assert client.get(reverse("healthz")).status_code == 200
