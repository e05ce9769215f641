"""Exercise pictures: one exercise's SVG for a side, and the catalogue's contact sheet."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from config.http import AuthenticatedHttpRequest
from exercises.illustrations import exercise_svg
from exercises.models import Exercise, ExerciseQuerySet
from patients.roles import clinic_staff_required
from prescriptions.models import Prescription, PrescriptionItem

SIDES = ("", "both", "each", "alternating", "left", "right")


def pictured_exercises(request: AuthenticatedHttpRequest) -> ExerciseQuerySet:
    """What a user may see a picture of: what they may use, plus what their programs hold
    (a patient's, or a care-team patient's, item of a therapist's own exercise)."""
    in_programs = PrescriptionItem.objects.filter(
        prescription__in=Prescription.objects.for_user(request.user)
    ).values("exercise_id")
    return Exercise.objects.filter(
        Q(pk__in=Exercise.objects.for_user(request.user).values("pk")) | Q(pk__in=in_programs)
    )


@require_GET
@login_required
def exercise_picture(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    side = request.GET.get("side", "")
    if side not in SIDES:
        return HttpResponseBadRequest("side must be left or right.", content_type="text/plain")
    exercise = get_object_or_404(pictured_exercises(request).prefetch_related("steps"), slug=slug)
    svg = exercise_svg(exercise, side)
    if svg is None:
        return HttpResponse(status=404)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = f'"{hashlib.sha256(svg.encode()).hexdigest()[:32]}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Private: a therapist's own exercise is theirs and their patients'; the title and text
    # alternative are in the reader's language.
    patch_cache_control(response, private=True, max_age=24 * 60 * 60)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_GET
@clinic_staff_required
def exercise_illustrations(request: AuthenticatedHttpRequest) -> HttpResponse:
    exercises = Exercise.objects.for_user(request.user).shared().with_details().order_by("slug")
    return render(request, "prescriptions/exercise_illustrations.html", {"exercises": exercises})
