"""Getting in: a single-use invitation link that expires after 14 days."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Invitation
from patients.services import PatientDetails, create_invitation, create_patient

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "my knees feel better"


@pytest.fixture
def invited(therapist):
    patient = create_patient(
        therapist=therapist,
        details=PatientDetails(first_name="Ada", last_name="Stone", clinic_phone="030 1234567"),
    )
    invitation, token = create_invitation(patient=patient, created_by=therapist)
    return patient, invitation, token


def accept(client, token: str, password: str = NEW_PASSWORD, again: str | None = None):
    url = reverse("patients:accept_invitation", args=[token])
    return client.post(url, {"new_password1": password, "new_password2": again or password})


def test_new_patient_cannot_log_in_before_accepting(invited, client):
    patient, _, _ = invited
    assert not patient.user.has_usable_password()
    assert patient.user.username == "ada.stone"


def test_invitation_link_sets_password_and_lands_on_today(invited, client):
    patient, invitation, token = invited
    page = client.get(reverse("patients:accept_invitation", args=[token]))
    assert "ada.stone" in page.content.decode()
    response = accept(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:today")
    assert client.get(reverse("patients:today")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    client.logout()
    assert client.login(username="ada.stone", password=NEW_PASSWORD)


def test_only_a_hash_of_the_token_is_stored(invited):
    _, invitation, token = invited
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_a_used_link_explains_what_to_do(invited, client):
    _, _, token = invited
    accept(client, token)
    client.logout()
    response = client.get(reverse("patients:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert accept(client, token, "another long password").status_code == 410


def test_an_expired_link_says_to_ask_for_a_new_one(invited, client):
    _, invitation, token = invited
    past = timezone.now() - datetime.timedelta(days=15)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=past, expires_at=past + datetime.timedelta(days=14)
    )
    response = client.get(reverse("patients:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_invitations_last_fourteen_days(invited):
    _, invitation, _ = invited
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)


def test_an_unknown_link_does_not_work(client, db):
    response = client.get(reverse("patients:accept_invitation", args=["nonsense"]))
    assert response.status_code == 410
    assert "does not work" in response.content.decode()


def test_a_new_invitation_withdraws_the_previous_one(invited, therapist, client):
    patient, _, old_token = invited
    create_invitation(patient=patient, created_by=therapist)
    assert client.get(reverse("patients:accept_invitation", args=[old_token])).status_code == 410


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", None, "too short"),
        (NEW_PASSWORD, "something else entirely", "didn’t match"),
    ],
)
def test_a_weak_or_mistyped_password_rerenders_with_a_message(
    invited, client, password, again, message
):
    _, invitation, token = invited
    response = accept(client, token, password, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None
