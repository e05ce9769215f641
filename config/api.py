"""The one DRF router of API v1; each app registers its viewsets here."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from exercises.api import ExerciseViewSet

router = DefaultRouter()
router.register("exercises", ExerciseViewSet, basename="exercise")
