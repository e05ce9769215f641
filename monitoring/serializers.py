"""Alerts as the API shows them, and the acknowledgement note it takes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from monitoring.alerts import alert_text
from patients.models import Alert, PainReport
from prescriptions.models import ProgressionSuggestion


class AlertSerializer(serializers.ModelSerializer):
    patient_name = serializers.CharField(source="patient.display_name", read_only=True)
    report: serializers.PrimaryKeyRelatedField[PainReport] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The pain report that raised it."
    )
    entries = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text=(
            "Each report as it stood when it raised or joined the alert, oldest first: report, "
            "date, session, pain, severity, reasons (in English) and when (`at`), with `words`: "
            "the codes and values the reasons were made from. A trend or inactivity alert has "
            "one entry holding its words."
        ),
    )
    acknowledged_by: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    is_open = serializers.BooleanField(read_only=True)

    def to_representation(self, instance: Alert) -> dict[str, Any]:
        """``message`` in the caller's language, said again from the alert's stored words
        (``monitoring.alerts.alert_text``); every other field as stored."""
        data = super().to_representation(instance)
        data["message"] = alert_text(instance)
        return data

    class Meta:
        model = Alert
        fields = [
            "id",
            "patient",
            "patient_name",
            "kind",
            "severity",
            "message",
            "report",
            "entries",
            "created_at",
            "updated_at",
            "is_open",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
        ]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=Alert._meta.get_field("acknowledgement_note").max_length,
        allow_blank=True,
        required=False,
        default="",
        help_text="Optional.",
    )


class SuggestionSerializer(serializers.ModelSerializer):
    """A step up or down in one item's dose, with its plain reasons, for the therapist."""

    patient = serializers.IntegerField(source="prescription.patient_id", read_only=True)
    exercise_name = serializers.CharField(source="item.exercise.name", read_only=True)
    change = serializers.CharField(source="change_in_words", read_only=True)
    decided_by: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = ProgressionSuggestion
        fields = [
            "id",
            "patient",
            "prescription",
            "item",
            "exercise_name",
            "direction",
            "field",
            "from_value",
            "to_value",
            "change",
            "reason",
            "status",
            "created_at",
            "decided_at",
            "decided_by",
        ]
        read_only_fields = fields
