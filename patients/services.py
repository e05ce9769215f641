"""Writes that touch several models on the patient side. Keyword-only, typed, atomic."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from patients.models import INVITATION_DAYS, Invitation, Patient, hash_token


def _free_username(first_name: str, last_name: str, email: str) -> str:
    """A readable, unused username such as "ada.stone" or "ada.stone2"."""
    user_model = get_user_model()
    names = [slugify(part).replace("-", "") for part in (first_name, last_name)]
    base = ".".join(name for name in names if name) or slugify(email.split("@")[0]) or "patient"
    base = base[:30]
    candidate, counter = base, 1
    while user_model._default_manager.filter(username=candidate).exists():
        counter += 1
        candidate = f"{base}{counter}"
    return candidate


@transaction.atomic
def create_patient(
    *,
    therapist: AbstractBaseUser,
    first_name: str,
    last_name: str,
    email: str = "",
    timezone_name: str = "UTC",
    conditions: list[str] | None = None,
    clinic_phone: str = "",
    username: str | None = None,
) -> Patient:
    """A patient login (without a usable password until an invitation is accepted)."""
    user_model = get_user_model()
    user = user_model._default_manager.create_user(
        username=username or _free_username(first_name, last_name, email),
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    patient = Patient(
        user=user, timezone=timezone_name, conditions=conditions or [], clinic_phone=clinic_phone
    )
    patient.full_clean(exclude=["user"])
    patient.save()
    patient.care_team.add(therapist)
    return patient


@transaction.atomic
def create_invitation(
    *,
    patient: Patient,
    created_by: AbstractBaseUser | None,
    now: datetime.datetime | None = None,
) -> tuple[Invitation, str]:
    """A fresh single-use invitation; earlier unused ones are withdrawn. Returns the raw token.

    Only the token's hash is stored, so the link can be shown once (or printed) but never
    read back from the database.
    """
    now = now or timezone.now()
    patient.invitations.filter(used_at__isnull=True).delete()
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        patient=patient,
        token_hash=hash_token(token),
        created_by=created_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    return invitation, token


class InvitationUnusable(Exception):
    """The link was already used, has expired, or never existed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_invitation(token: str, *, now: datetime.datetime | None = None) -> Invitation:
    """The invitation for a raw token, or InvitationUnusable with a reason to show."""
    invitation = (
        Invitation.objects.select_related("patient__user").filter(token_hash=hash_token(token))
    ).first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.is_used:
        raise InvitationUnusable("used")
    if invitation.is_expired(now):
        raise InvitationUnusable("expired")
    return invitation


@transaction.atomic
def accept_invitation(
    *, token: str, password: str, now: datetime.datetime | None = None
) -> AbstractBaseUser:
    """Set the patient's password and use up the invitation (once, even if sent twice)."""
    now = now or timezone.now()
    invitation = find_invitation(token, now=now)
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now)
    if not claimed:
        raise InvitationUnusable("used")
    user = invitation.patient.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
