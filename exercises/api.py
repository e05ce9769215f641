from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from exercises.models import Exercise
from exercises.serializers import ExerciseSerializer


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet):
    """The exercises the user may use: the shared catalogue plus their own."""

    serializer_class = ExerciseSerializer
    filterset_fields = ["body_region", "kind", "position", "difficulty", "sided"]
    ordering_fields = ["name", "difficulty"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Exercise]:
        return Exercise.objects.for_user(self.request.user).with_details()
