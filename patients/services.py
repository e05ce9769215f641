"""Writes that touch several models on the patient side. Keyword-only, typed, atomic."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from patients.models import INVITATION_DAYS, Invitation, Patient, hash_token


def _free_username(first_name: str, last_name: str, email: str) -> str:
    user_model = get_user_model()
    base = slugify(f"{first_name}.{last_name}") or slugify(email.split("@")[0]) or "patient"
    base = re.sub(r"[^a-z0-9._-]", "", base.replace("-", "."))[:30] or "patient"
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
