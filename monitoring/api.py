"""Alerts and progression suggestions in API v1, for the care team: list, read, acknowledge an
alert, apply or dismiss a suggestion."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_permissions import IsTherapist, caller
from monitoring.serializers import AcknowledgeSerializer, AlertSerializer, SuggestionSerializer
from monitoring.services import acknowledge_alert, apply_suggestion, dismiss_suggestion
from patients.api import caseload
from patients.models import Alert, AlertKind, Severity
from prescriptions.models import (
    Direction,
    ProgressionSuggestion,
    SuggestionField,
    SuggestionStatus,
)


class AlertFilter(filters.FilterSet):
    patient = filters.ModelChoiceFilter(queryset=caseload, help_text="Alerts of this patient.")
    kind = filters.ChoiceFilter(choices=AlertKind.choices)
    severity = filters.ChoiceFilter(choices=Severity.choices)
    open = filters.BooleanFilter(
        field_name="acknowledged_at",
        lookup_expr="isnull",
        help_text="`true` for alerts not yet acknowledged.",
    )

    class Meta:
        model = Alert
        fields = ["patient", "kind", "severity", "open"]


@extend_schema_view(
    list=extend_schema(summary="Alerts about the patients on your care team"),
    retrieve=extend_schema(summary="One alert"),
)
class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts raised from what patients report, for their care team (therapists only)."""

    serializer_class = AlertSerializer
    permission_classes = [IsTherapist]
    filterset_class = AlertFilter
    ordering_fields = ["created_at", "severity", "acknowledged_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Alert]:
        return Alert.objects.for_user(self.request.user).select_related("patient__user")

    @extend_schema(
        operation_id="alerts_acknowledge",
        summary="Acknowledge an alert, with an optional note",
        description="Acknowledging an alert that already is changes nothing; a new finding "
        "of the same kind then opens a new alert.",
        request=AcknowledgeSerializer,
        responses=AlertSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def acknowledge(self, request: Request, pk: str) -> Response:
        alert = self.get_object()
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        acknowledge_alert(alert=alert, by=caller(request), note=serializer.validated_data["note"])
        fresh = self.get_queryset().get(pk=alert.pk)
        return Response(self.get_serializer(fresh).data)


class SuggestionFilter(filters.FilterSet):
    patient = filters.ModelChoiceFilter(
        queryset=caseload,
        field_name="prescription__patient",
        help_text="Suggestions for this patient.",
    )
    status = filters.ChoiceFilter(choices=SuggestionStatus.choices)
    direction = filters.ChoiceFilter(choices=Direction.choices)
    field = filters.ChoiceFilter(choices=SuggestionField.choices)

    class Meta:
        model = ProgressionSuggestion
        fields = ["patient", "status", "direction", "field"]


@extend_schema_view(
    list=extend_schema(summary="Progression and regression suggestions for your patients"),
    retrieve=extend_schema(summary="One suggestion"),
)
class SuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Steps up or down in a dose, suggested from what patients report (therapists only);
    applying one changes the item's dose, recorded in the program's history."""

    serializer_class = SuggestionSerializer
    permission_classes = [IsTherapist]
    filterset_class = SuggestionFilter
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[ProgressionSuggestion]:
        return ProgressionSuggestion.objects.for_user(self.request.user).select_related(
            "item__exercise", "prescription"
        )

    def _decide(self, request: Request, decide: str) -> Response:
        suggestion = self.get_object()
        service = apply_suggestion if decide == "apply" else dismiss_suggestion
        try:
            service(suggestion=suggestion, by=caller(request))
        except ValidationError as error:
            raise serializers.ValidationError({"detail": error.messages}) from None
        fresh = self.get_queryset().get(pk=suggestion.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(
        operation_id="suggestions_apply",
        summary="Apply a suggestion: the item's dose changes",
        description="Refused (400) when it was decided already, the dose changed since, the "
        "exercise was taken out or the program ended.",
        request=None,
        responses=SuggestionSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def apply(self, request: Request, pk: str) -> Response:
        return self._decide(request, "apply")

    @extend_schema(
        operation_id="suggestions_dismiss",
        summary="Dismiss a suggestion: the dose stays as it is",
        request=None,
        responses=SuggestionSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def dismiss(self, request: Request, pk: str) -> Response:
        return self._decide(request, "dismiss")
