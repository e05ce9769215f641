"""API v1 shapes for outcome measures: definitions, what is due, and answers."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from outcomes.definitions import Measure
from outcomes.models import MeasureDefinition, MeasureResponse
from outcomes.schedule import Due


class MeasureSerializer(serializers.ModelSerializer):
    minutes = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField(
        help_text="The languages its text is validated in; others read the first."
    )
    licence = serializers.SerializerMethodField()

    class Meta:
        model = MeasureDefinition
        fields = ["code", "version", "title", "minutes", "languages", "licence", "definition"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_minutes(self, row: MeasureDefinition) -> int:
        return row.measure.minutes

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, row: MeasureDefinition) -> list[str]:
        return list(row.measure.languages)

    @extend_schema_field(serializers.CharField())
    def get_licence(self, row: MeasureDefinition) -> str:
        return row.measure.text("licence", "en")


class ResponseSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.code", read_only=True)
    patient = serializers.IntegerField(source="episode.patient_id", read_only=True)
    can_edit = serializers.BooleanField(read_only=True)

    class Meta:
        model = MeasureResponse
        fields = [
            "id",
            "patient",
            "measure",
            "due_on",
            "version",
            "language",
            "answers",
            "scores",
            "band",
            "started_at",
            "submitted_at",
            "seen_at",
            "can_edit",
        ]
        read_only_fields = fields


class DueSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    title = serializers.CharField(source="measure.title")
    minutes = serializers.IntegerField(source="measure.measure.minutes")
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    response = serializers.SerializerMethodField()

    @extend_schema_field(ResponseSerializer(allow_null=True))
    def get_response(self, due: Due) -> dict[str, Any] | None:
        return None if due.response is None else dict(ResponseSerializer(due.response).data)


def _clean_text(value: str, limit: int) -> str:
    text = " ".join(value.split())
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise serializers.ValidationError(_("Remove the invisible control characters."))
    if len(text) > limit:
        raise serializers.ValidationError(
            _("Keep it to %(limit)d characters or fewer.") % {"limit": limit}
        )
    return text


def clean_answers(measure: Measure, raw: Any) -> dict[str, Any]:
    """Answers as the measure takes them: known items only, whole numbers in range for a
    scale (not 5.0 or "5"), one of the options' values for a choice, text for text."""
    if not isinstance(raw, dict):
        raise serializers.ValidationError(_("Give the answers as an object, by item id."))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for item_id, value in raw.items():
        item = measure.item(str(item_id))
        if item is None:
            errors[str(item_id)] = [_("No such question in this questionnaire.")]
            continue
        if value is None:
            cleaned[item.id] = None
            continue
        try:
            if item.type == "scale":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise serializers.ValidationError(_("Give a whole number."))
                if not item.minimum <= value <= item.maximum:
                    raise serializers.ValidationError(
                        _("Give a whole number from %(low)d to %(high)d.")
                        % {"low": item.minimum, "high": item.maximum}
                    )
                cleaned[item.id] = value
            elif item.type == "choice":
                if not isinstance(value, str) or item.option(value) is None:
                    raise serializers.ValidationError(
                        _("Give one of: %(values)s.")
                        % {"values": ", ".join(option.value for option in item.options)}
                    )
                cleaned[item.id] = value
            else:
                if not isinstance(value, str):
                    raise serializers.ValidationError(_("Give text."))
                cleaned[item.id] = _clean_text(value, item.max_length)
        except serializers.ValidationError as error:
            details = error.detail if isinstance(error.detail, list) else [error.detail]
            errors[item.id] = [str(detail) for detail in details]
    if errors:
        raise serializers.ValidationError(errors)
    return cleaned


class NewResponseSerializer(serializers.Serializer):
    measure = serializers.SlugField(help_text="The measure's code, as listed by me/questionnaires.")
    due_on = serializers.DateField(help_text="The due date, as listed by me/questionnaires.")
    answers = serializers.JSONField(
        help_text="Answers by item id: a whole number for a scale, an option's value for a "
        "choice, text for text; null takes an answer back. Merged into what was saved before."
    )
    submit = serializers.BooleanField(
        default=False,
        help_text="Send it to the therapist (scored); refused while a needed answer is missing.",
    )
