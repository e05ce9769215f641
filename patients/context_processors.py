from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from patients.roles import is_patient, is_therapist


def roles(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", AnonymousUser())
    return {"is_therapist": is_therapist(user), "is_patient": is_patient(user)}
