"""The one DRF router of API v1; each app registers its viewsets here.

Therapists: exercises (their own too), patients (+ FHIR export), prescriptions, templates,
alerts and progression suggestions. Patients: me/plan, me/completions, me/pain-reports,
me/morning-checks and me/questionnaires. Both: questionnaire-responses (patients answer,
therapists read). Everyone: me, measures. Logging in is ``auth/token/`` (see config.urls).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import DefaultRouter

from monitoring.api import AlertViewSet, SuggestionViewSet
from outcomes.api import DueViewSet, MeasureViewSet, ResponseViewSet
from patients.api import (
    CompletionViewSet,
    MeViewSet,
    MorningCheckViewSet,
    PainReportViewSet,
    PatientViewSet,
)
from prescriptions.api import PrescriptionViewSet, TemplateViewSet, TherapistExerciseViewSet


@csrf_exempt  # it changes nothing, whatever the method
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under the API answers in JSON too."""
    return JsonResponse({"detail": "Not found."}, status=404)


class Router(DefaultRouter):
    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [*super().get_urls(), re_path(r"^.*$", not_found)]


router = Router()
router.register("exercises", TherapistExerciseViewSet, basename="exercise")
router.register("patients", PatientViewSet, basename="patient")
router.register("prescriptions", PrescriptionViewSet, basename="prescription")
router.register("templates", TemplateViewSet, basename="template")
router.register("alerts", AlertViewSet, basename="alert")
router.register("suggestions", SuggestionViewSet, basename="suggestion")
router.register("me/completions", CompletionViewSet, basename="completion")
router.register("me/pain-reports", PainReportViewSet, basename="pain-report")
router.register("me/morning-checks", MorningCheckViewSet, basename="morning-check")
router.register("me/questionnaires", DueViewSet, basename="questionnaire")
router.register("measures", MeasureViewSet, basename="measure")
router.register("questionnaire-responses", ResponseViewSet, basename="questionnaire-response")
router.register("me", MeViewSet, basename="me")
