"""Logging in to the API: tokens, sessions, throttling and lockout."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def log_in(client: APIClient, username: str, password: str = PASSWORD):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_therapist_gets_a_token_that_opens_the_api(anonymous, therapist):
    response = log_in(anonymous, therapist.username)
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(key=key).user == therapist
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = anonymous.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["role"] == "therapist"


def test_patient_can_log_in_with_their_email_address(anonymous, patient):
    response = log_in(anonymous, patient.user.email.upper())
    assert response.status_code == 200
    assert Token.objects.get(key=response.json()["token"]).user == patient.user


def test_logging_in_twice_gives_the_same_token(anonymous, therapist):
    first = log_in(anonymous, therapist.username).json()["token"]
    assert log_in(anonymous, therapist.username).json()["token"] == first


def test_a_token_expires_with_the_longest_session_and_login_gives_a_new_one(
    anonymous, therapist, settings
):
    body = log_in(anonymous, therapist.username).json()
    token = Token.objects.get(key=body["token"])
    lifetime = datetime.timedelta(seconds=settings.REHABIT_SESSION_MAX_SECONDS)
    assert datetime.datetime.fromisoformat(body["expires_at"]) == token.created + lifetime
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - lifetime)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = anonymous.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired: log in again."}
    anonymous.credentials()
    fresh = log_in(anonymous, therapist.username).json()["token"]
    assert fresh != token.key
    assert Token.objects.filter(user=therapist).count() == 1


def test_logging_in_by_token_records_the_login(anonymous, therapist):
    assert therapist.last_login is None
    log_in(anonymous, therapist.username)
    therapist.refresh_from_db()
    assert therapist.last_login is not None


def test_wrong_password_answers_400_without_a_token(anonymous, therapist):
    response = log_in(anonymous, therapist.username, "not-the-password")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json()["non_field_errors"] == ["Unable to log in with these details."]


def test_missing_fields_answer_400_by_field(anonymous):
    response = anonymous.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_patient_without_a_password_yet_cannot_log_in(anonymous, patient):
    patient.user.set_unusable_password()
    patient.user.save()
    assert log_in(anonymous, patient.user.username).status_code == 400


def test_inactive_account_cannot_log_in(anonymous):
    user = UserFactory(is_active=False)
    assert log_in(anonymous, user.username).status_code == 400


def test_token_endpoint_is_throttled_to_ten_a_minute(anonymous, therapist):
    for _ in range(10):
        assert log_in(anonymous, therapist.username, "wrong").status_code == 400
    response = log_in(anonymous, therapist.username)
    assert response.status_code == 429
    assert "token" not in response.json()
    assert int(response["Retry-After"]) > 0


def test_repeated_failed_logins_lock_the_account_out(anonymous, therapist, settings):
    settings.AXES_ENABLED = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/minute"},
    }
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(anonymous, therapist.username, "wrong").status_code == 400
    assert log_in(anonymous, therapist.username, "wrong").status_code == 429
    # Locked: even the right password is refused for now.
    response = log_in(anonymous, therapist.username)
    assert response.status_code == 429
    assert "token" not in response.json()
    assert "locked" in response.json()["detail"]


def test_a_successful_login_clears_earlier_failures(anonymous, therapist, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(anonymous, therapist.username, "wrong").status_code == 400
    assert log_in(anonymous, therapist.username).status_code == 200
    # The count starts again: one more failure does not lock the account.
    assert log_in(anonymous, therapist.username, "wrong").status_code == 400
    assert log_in(anonymous, therapist.username).status_code == 200


def test_logging_out_revokes_the_token(therapist):
    client = APIClient()
    key = log_in(client, therapist.username).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert not Token.objects.filter(user=therapist).exists()


def test_a_made_up_token_answers_401(anonymous, therapist):
    anonymous.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = anonymous.get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_without_credentials_the_api_answers_401_and_says_how_to_authenticate(anonymous):
    response = anonymous.get("/api/v1/exercises/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}


def test_a_logged_in_browser_session_works_too(therapist):
    client = Client()
    client.force_login(therapist)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == therapist.username


def test_session_writes_need_the_csrf_token(patient, bridge):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    response = client.post(
        "/api/v1/me/completions/", {"item": bridge.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not bridge.completions.exists()


def test_api_answers_are_never_cached(patient_api):
    response = patient_api.get("/api/v1/me/plan/")
    assert "no-store" in response["Cache-Control"]


def test_api_accepts_only_json(therapist_api):
    response = therapist_api.post("/api/v1/patients/", {"first_name": "Ada"}, format="multipart")
    assert response.status_code == 415


def test_reading_a_record_by_token_is_in_the_audit_trail_with_the_reader(
    therapist, patient, program, therapist_api
):
    assert therapist_api.get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    assert therapist_api.get(f"/api/v1/prescriptions/{program.pk}/").status_code == 200
    assert therapist_api.get(f"/api/v1/patients/{patient.pk}/fhir/").status_code == 200
    opened = LogEntry.objects.get_for_object(patient).filter(action=LogEntry.Action.ACCESS)
    assert opened.count() == 3
    assert {entry.actor for entry in opened} == {therapist}


def test_changes_made_by_token_name_their_author_in_the_audit_trail(
    therapist, patient, program, bridge, therapist_api
):
    response = therapist_api.patch(
        f"/api/v1/prescriptions/{program.pk}/", {"title": "Phase two"}, format="json"
    )
    assert response.status_code == 200, response.content
    change = LogEntry.objects.get_for_object(program).get(action=LogEntry.Action.UPDATE)
    assert change.actor == therapist
    assert "Phase two" in str(change.changes)
