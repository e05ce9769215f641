"""Alerts in API v1, for the care team: list, read and acknowledge."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_permissions import IsTherapist, caller
from monitoring.serializers import AcknowledgeSerializer, AlertSerializer
from monitoring.services import acknowledge_alert
from patients.api import caseload
from patients.models import Alert, AlertKind, Severity


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
        return (
            Alert.objects.for_user(self.request.user).select_related("patient__user").with_reports()
        )

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
