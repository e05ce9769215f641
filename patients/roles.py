"""Who is who: therapists are in the "Therapists" group, patients have a Patient profile."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, Group, User
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from patients.models import Patient

THERAPISTS_GROUP = "Therapists"

AnyUser = User | AnonymousUser
View = Callable[..., HttpResponseBase]


def is_therapist(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_therapist", None)
    if cached is None:
        cached = user.groups.filter(name=THERAPISTS_GROUP).exists()
        user._is_therapist = cached  # type: ignore[attr-defined]  # a cache on this user object
    return cached


def is_patient(user: AnyUser) -> bool:
    return user.is_authenticated and hasattr(user, "patient")


def make_therapist(user: User) -> None:
    group, _ = Group.objects.get_or_create(name=THERAPISTS_GROUP)
    user.groups.add(group)


def _role_required(check: Callable[[AnyUser], bool]) -> Callable[[View], View]:
    """Logged-in users without the role get a 404: the page does not exist for them."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not check(request.user):
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


therapist_required = _role_required(is_therapist)
# Therapists and the admins who keep the shared catalogue.
clinic_staff_required = _role_required(lambda user: is_therapist(user) or user.is_staff)
patient_required = _role_required(is_patient)


def patient_on_caseload(request: HttpRequest, pk: int) -> Patient:
    """The patient with this id on the therapist's care team (with their login), else 404."""
    return get_object_or_404(
        Patient.objects.for_therapist(request.user).select_related("user"), pk=pk
    )
