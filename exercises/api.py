"""The catalogue in API v1: the exercises a user may use, with filters."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from exercises.models import BodyRegion, Exercise, Kind
from exercises.serializers import ExerciseSerializer

MAX_SEARCH_LENGTH = 80


class ExerciseFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        help_text="Words to find in the name, summary, body region or kind.",
    )
    equipment = filters.CharFilter(
        field_name="equipment__slug", help_text="Needs this equipment (slug)."
    )
    source = filters.ChoiceFilter(
        method="filter_source",
        choices=[("shared", "Shared catalogue"), ("mine", "My own exercises")],
        help_text="`shared` for the catalogue, `mine` for your own exercises.",
    )

    class Meta:
        model = Exercise
        fields = ["body_region", "kind", "position", "difficulty", "sided"]

    def filter_search(self, queryset: QuerySet[Exercise], name: str, value: str) -> QuerySet:
        for word in value.split():
            lowered = word.lower()
            regions = [code for code, label in BodyRegion.choices if lowered in label.lower()]
            kinds = [code for code, label in Kind.choices if lowered in label.lower()]
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(body_region__in=regions)
                | Q(kind__in=kinds)
            )
        return queryset

    def filter_source(self, queryset: QuerySet[Exercise], name: str, value: str) -> QuerySet:
        if value == "shared":
            return queryset.filter(owner__isnull=True)
        return queryset.filter(owner=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Exercises the caller may use: the catalogue and their own"),
    retrieve=extend_schema(summary="One exercise"),
)
class ExerciseViewSet(viewsets.ReadOnlyModelViewSet):
    """The shared catalogue plus the caller's own exercises, read only.

    ``prescriptions.api`` adds a therapist's writes to the same endpoint: the services for
    private exercises live with the therapist's workspace, and this app imports no other.
    """

    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter
    ordering_fields = ["name", "difficulty", "body_region", "kind"]
    ordering = ["name", "pk"]

    def get_queryset(self) -> QuerySet[Exercise]:
        return Exercise.objects.for_user(self.request.user).with_details()
