"""Who is who: therapists are in the "Therapists" group, patients have a Patient profile."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.http import Http404, HttpRequest, HttpResponse

THERAPISTS_GROUP = "Therapists"

User = AbstractBaseUser | AnonymousUser
View = Callable[..., HttpResponse]


def is_therapist(user: User) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_therapist", None)
    if cached is None:
        cached = user.groups.filter(name=THERAPISTS_GROUP).exists()
        user._is_therapist = cached  # type: ignore[union-attr]
    return cached


def is_patient(user: User) -> bool:
    return user.is_authenticated and hasattr(user, "patient")


def make_therapist(user: AbstractBaseUser) -> None:
    group, _ = Group.objects.get_or_create(name=THERAPISTS_GROUP)
    user.groups.add(group)  # type: ignore[attr-defined]


def _role_required(check: Callable[[User], bool]) -> Callable[[View], View]:
    """Logged-in users without the role get a 404: the page does not exist for them."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


therapist_required = _role_required(is_therapist)
patient_required = _role_required(is_patient)
