from __future__ import annotations

from rest_framework import serializers

from exercises.models import Exercise


class ExerciseSerializer(serializers.ModelSerializer):
    steps = serializers.SlugRelatedField(many=True, read_only=True, slug_field="text")
    equipment = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    default_dose = serializers.SerializerMethodField()

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "summary",
            "steps",
            "body_region",
            "kind",
            "position",
            "equipment",
            "difficulty",
            "sided",
            "sets",
            "reps",
            "hold_seconds",
            "duration_seconds",
            "rest_seconds",
            "default_dose",
            "precautions",
            "precaution_tags",
            "is_published",
        ]

    def get_default_dose(self, exercise: Exercise) -> str:
        return exercise.dose_in_words(exercise.default_side)
