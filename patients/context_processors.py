from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from patients.roles import is_patient, is_therapist


def roles(request: HttpRequest) -> dict[str, bool]:
    """Which navigation to show. A patient is never also a therapist, so patient pages
    (whose view has loaded ``user.patient`` already) need no query here."""
    user = getattr(request, "user", AnonymousUser())
    patient = is_patient(user)
    return {"is_patient": patient, "is_therapist": not patient and is_therapist(user)}
