"""The catalogue in API v1: shared exercises and a therapist's own, with their steps."""

from __future__ import annotations

from typing import Any

from django.db.models import Manager
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.models import (
    DOSE_FIELDS,
    EXERCISE_FIELDS,
    Difficulty,
    Equipment,
    Exercise,
    Precaution,
)

MAX_STEPS = 30
MAX_STEP_LENGTH = 1000
# What a therapist writes about their own exercise (everything else is the catalogue's).
WRITABLE_FIELDS = (*EXERCISE_FIELDS, *DOSE_FIELDS)


class StepsField(serializers.ListField):
    """The numbered steps as a list of strings, in order."""

    child = serializers.CharField(max_length=MAX_STEP_LENGTH)

    def to_representation(self, data: Any) -> list[str]:
        steps = data.all() if isinstance(data, Manager) else data
        return [step if isinstance(step, str) else step.text for step in steps]


class EquipmentField(serializers.SlugRelatedField):
    """Equipment by slug. A NUL byte names no equipment: PostgreSQL would refuse the lookup."""

    def to_internal_value(self, data: Any) -> Equipment:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ExerciseSerializer(serializers.ModelSerializer):
    steps = StepsField(
        min_length=1,
        max_length=MAX_STEPS,
        help_text="How to do it: one step per string, in order.",
    )
    equipment = EquipmentField(
        many=True,
        slug_field="slug",
        queryset=Equipment.objects.all(),
        required=False,
        help_text="Equipment slugs, for example `towel`.",
    )
    precaution_tags = serializers.ListField(
        child=serializers.ChoiceField(choices=Precaution.choices),
        required=False,
        help_text="Conditions that call for care with this exercise.",
    )
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    image = serializers.ImageField(read_only=True, allow_null=True, use_url=True)
    default_dose = serializers.SerializerMethodField(
        help_text="The default dose in words, as a patient reads it."
    )
    is_shared = serializers.BooleanField(
        read_only=True, help_text="Part of the shared catalogue (read only)."
    )
    is_own = serializers.SerializerMethodField(help_text="One of the caller's own exercises.")
    language = serializers.CharField(
        read_only=True,
        help_text="The language a therapist's own exercise is written in (`en`, `es`, `de`); "
        "empty for the shared catalogue, which is written in every language.",
    )
    text_language = serializers.CharField(
        read_only=True,
        help_text="The language of the name, summary, precautions and steps: the request's "
        "(Accept-Language), unless not translated yet (then English, or the language a "
        "therapist wrote their own exercise in). Mark the text with it when it differs.",
    )

    picture_url = serializers.SerializerMethodField(
        help_text="The exercise's picture (SVG): its start and end positions. Add `?side=left` "
        "or `?side=right` for the side an item is done on (the right side is the mirror image)."
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            *WRITABLE_FIELDS,
            "steps",
            "equipment",
            "default_dose",
            "image",
            "picture_url",
            "is_published",
            "is_shared",
            "is_own",
            "language",
            "text_language",
            "max_reps",
            "max_hold_seconds",
        ]
        # The progression caps are the catalogue's (the admin edits them), read only here.
        read_only_fields = ["slug", "is_published", "language", "max_reps", "max_hold_seconds"]

    def get_default_dose(self, exercise: Exercise) -> str:
        return exercise.dose_in_words(exercise.default_side)

    @extend_schema_field(serializers.URLField())
    def get_picture_url(self, exercise: Exercise) -> str:
        path = reverse("exercise_picture", kwargs={"slug": exercise.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.BooleanField())
    def get_is_own(self, exercise: Exercise) -> bool:
        request = self.context.get("request")
        return request is not None and exercise.owner_id == request.user.pk

    def validate_name(self, value: str) -> str:
        return value.strip()

    def validate_steps(self, value: list[str]) -> list[str]:
        steps = [step.strip() for step in value if step.strip()]
        if not steps:
            raise serializers.ValidationError("Write at least one step.")
        return steps

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            if name in attrs:
                return attrs[name]
            return getattr(self.instance, name, None)

        if current("reps") is None and current("duration_seconds") is None:
            raise serializers.ValidationError(
                {"reps": "Give the number of repetitions or a duration."}
            )
        return attrs

    def service_kwargs(self) -> dict[str, Any]:
        """What ``save_private_exercise`` needs; on a partial update, what is kept as it is."""
        data = self.validated_data
        exercise = self.instance
        values = {name: data[name] for name in WRITABLE_FIELDS if name in data}
        if "steps" in data:
            steps = data["steps"]
        else:
            steps = [step.text for step in exercise.steps.all()] if exercise else []
        if "equipment" in data:
            equipment = data["equipment"]
        else:
            equipment = list(exercise.equipment.all()) if exercise else []
        return {"values": values, "steps": steps, "equipment": equipment}
