"""Project-level views: the front door, the language switch and the health check."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from config.http import next_url
from config.languages import is_known, save_language
from patients.roles import is_patient, is_therapist

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 60 * 60


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work is."""
    user = request.user
    if is_therapist(user):
        return redirect("monitoring:dashboard")
    if is_patient(user):
        return redirect("patients:today")
    if user.is_authenticated and user.is_staff:
        return redirect("admin:index")
    return redirect("login")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Read Rehabit in another language from the next page on: remembered on a patient's
    record or a therapist's settings, and in a cookie for the login page."""
    language = request.POST.get("language", "")
    response = redirect(next_url(request, default=reverse("home")))
    if not is_known(language):
        return response
    user = request.user
    if user.is_authenticated:
        save_language(user=user, language=language, session=request.session)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=LANGUAGE_COOKIE_SECONDS,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
