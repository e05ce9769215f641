"""Programs and templates in API v1. These validate; ``prescriptions.services`` decides.

A program is written in one request with its items, as the builder does: the list of items
becomes the program's current items, in that order. An item named by ``id`` is kept (and
with it what the patient logged); an item left out is retired or deleted by the service.
Dose fields an item leaves out come from the exercise's default dose (for a new item) or stay
as they are (for a kept one).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.models import Exercise, Precaution
from patients.models import Patient
from prescriptions.models import (
    ALL_DAYS,
    ITEM_VALUE_FIELDS,
    PAIN_THRESHOLD_DEFAULT,
    Media,
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    ProgramTemplateItem,
    Status,
)
from prescriptions.services import MAX_ITEMS, ItemSpec, ProgramDetails

DAYS_HELP = "ISO weekdays counted from Monday = 0 to Sunday = 6."
ITEM_FIELDS = ["id", "exercise", "exercise_name", "position", *ITEM_VALUE_FIELDS, "dose_text"]
REPS_OR_DURATION = gettext_lazy("Give the number of repetitions or a duration.")
NOT_ON_CASELOAD = gettext_lazy("No such patient on your care team.")


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id chosen among what the caller may use; any other id is "does not exist"."""

    def __init__(
        self,
        *,
        model: type[Model],
        scope: Callable[[serializers.Field], QuerySet],
        missing: StrOrPromise,
        **kwargs: Any,
    ) -> None:
        self.scope = scope
        kwargs["error_messages"] = {"does_not_exist": missing, **kwargs.get("error_messages", {})}
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(self)


def request_user(field: serializers.Field) -> User:
    return field.context["request"].user


def usable_exercises(field: serializers.Field) -> QuerySet[Exercise]:
    """The caller's usable exercises, plus those already in the program being edited (a
    colleague on the care team may have added one of their own)."""
    usable = Exercise.objects.for_user(request_user(field))
    program = field.root.instance
    if not isinstance(program, Prescription):
        return usable
    in_program = program.items.filter(removed_on__isnull=True).values("exercise_id")
    return Exercise.objects.filter(Q(pk__in=usable.values("pk")) | Q(pk__in=in_program))


def caseload(field: serializers.Field) -> QuerySet[Patient]:
    return Patient.objects.for_therapist(request_user(field)).select_related("user")


def usable_templates(field: serializers.Field) -> QuerySet[ProgramTemplate]:
    return ProgramTemplate.objects.for_user(request_user(field))


def therapists_programs(field: serializers.Field) -> QuerySet[Prescription]:
    return Prescription.objects.filter(patient__care_team=request_user(field))


class DaysOfWeekField(serializers.ListField):
    child = serializers.IntegerField(min_value=0, max_value=6)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=1, max_length=7, help_text=DAYS_HELP, **kwargs)

    def to_internal_value(self, data: Any) -> list[int]:
        days = super().to_internal_value(data)
        if len(set(days)) != len(days):
            raise serializers.ValidationError(_("A day of the week is listed twice."))
        return sorted(days)


class ItemSerializer(serializers.ModelSerializer):
    """One dosed exercise of a program."""

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="To keep an item of this program (its history stays attached); leave it "
        "out for a new one.",
    )
    exercise = ScopedPrimaryKeyField(
        model=Exercise,
        scope=usable_exercises,
        missing=gettext_lazy("No such exercise in your catalogue."),
        help_text="An exercise of the catalogue (`/api/v1/exercises/`).",
    )
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    dose_text = serializers.SerializerMethodField(help_text="The dose as the patient reads it.")
    precautions_acknowledged = serializers.ListField(
        child=serializers.ChoiceField(choices=Precaution.choices),
        read_only=True,
        help_text="The patient's conditions this exercise conflicts with that the therapist "
        "confirmed (send `precautions_acknowledged: true` with the program to confirm).",
    )

    class Meta:
        model = PrescriptionItem
        fields = [
            *ITEM_FIELDS,
            "precautions_acknowledged",
            "precautions_acknowledged_by",
            "precautions_acknowledged_at",
        ]
        read_only_fields = [
            "position",
            "precautions_acknowledged_by",
            "precautions_acknowledged_at",
        ]
        extra_kwargs = {
            "sets": {"required": False},
            "side": {"required": False},
            "instructions": {"max_length": 1000},
        }

    def get_dose_text(self, item: PrescriptionItem) -> str:
        return item.dose_text()


class PrescriptionSerializer(serializers.ModelSerializer):
    """A program with its current items. On update, ``status`` pauses, resumes or ends it."""

    patient: serializers.PrimaryKeyRelatedField[Patient] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    patient_name = serializers.CharField(source="patient.display_name", read_only=True)
    prescribed_by: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The therapist who wrote it."
    )
    template: serializers.PrimaryKeyRelatedField[ProgramTemplate] = (
        serializers.PrimaryKeyRelatedField(
            read_only=True, allow_null=True, help_text="The template it was started from."
        )
    )
    days_of_week = DaysOfWeekField(required=False)
    # A Field: a new program's status is read only (a CharField), set by the service.
    status: serializers.Field = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Pause, resume or end the program. An ended program stays ended.",
    )
    schedule_text = serializers.CharField(source="schedule_in_words", read_only=True)
    precautions_acknowledged = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Confirms prescribing exercises that conflict with the patient's conditions. "
        "Without it, such a program answers 400 naming the conflicts; with it, each such item "
        "records what was confirmed, by whom and when.",
    )
    items = ItemSerializer(  # type: ignore[call-arg]  # stubs miss many=True's min/max_length
        many=True,
        source="current_items",
        min_length=1,
        max_length=MAX_ITEMS,
        help_text="The program's exercises, in order.",
    )

    class Meta:
        model = Prescription
        fields = [
            "id",
            "patient",
            "patient_name",
            "title",
            "goal",
            "notes",
            "start_date",
            "end_date",
            "days_of_week",
            "times_per_day",
            "pain_threshold",
            "status",
            "schedule_text",
            "prescribed_by",
            "template",
            "items",
            "precautions_acknowledged",
            "created_at",
            "updated_at",
        ]

    def _value(self, attrs: dict[str, Any], name: str, default: Any = None) -> Any:
        if name in attrs:
            return attrs[name]
        if self.instance is not None:
            return getattr(self.instance, name)
        return default

    def validate_title(self, value: str) -> str:
        title = value.strip()
        if not title:
            raise serializers.ValidationError(_("Give the program a title."))
        return title

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = self._value(attrs, "start_date")
        end = self._value(attrs, "end_date")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": _("The end date cannot be before the start date.")}
            )
        self._specs = self._item_specs(attrs)
        return attrs

    def _current_items(self) -> dict[int, PrescriptionItem]:
        if self.instance is None:
            return {}
        items = self.instance.items.filter(removed_on__isnull=True).select_related("exercise")
        return {item.pk: item for item in items}

    def _item_specs(self, attrs: dict[str, Any]) -> list[ItemSpec]:
        current = self._current_items()
        if "current_items" not in attrs:
            ordered = sorted(current.values(), key=lambda item: (item.position, item.pk))
            return [ItemSpec.from_item(item, keep_id=True) for item in ordered]
        specs: list[ItemSpec] = []
        errors: dict[str, dict[str, list[str]]] = {}  # keyed by position, as in the JSON
        kept: set[int] = set()
        for index, data in enumerate(attrs["current_items"]):
            error: dict[str, list[str]] = {}
            item_id = data.get("id")
            existing = None
            if item_id is not None:
                if item_id in kept:
                    error["id"] = [_("This item is listed twice.")]
                elif item_id not in current:
                    error["id"] = [_("Not one of this program's current exercises.")]
                else:
                    existing = current[item_id]
                    kept.add(item_id)
            exercise: Exercise = data["exercise"]
            if existing is not None and existing.exercise_id == exercise.pk:
                base = ItemSpec.from_item(existing, keep_id=True)
            else:
                base = ItemSpec.from_exercise(exercise)
            values = {**base.values(), **{n: data[n] for n in ITEM_VALUE_FIELDS if n in data}}
            if values["reps"] is None and values["duration_seconds"] is None:
                error["reps"] = [str(REPS_OR_DURATION)]
            if error:
                errors[str(index)] = error
            else:
                item_id = existing.pk if existing is not None else None
                specs.append(ItemSpec(exercise=exercise, item_id=item_id, **values))
        if errors:
            # The shape of DRF's own errors for a list of objects: by position.
            raise serializers.ValidationError({"items": errors})
        return specs

    def item_specs(self) -> list[ItemSpec]:
        return self._specs

    def details(self) -> ProgramDetails:
        data = self.validated_data

        def value(name: str, default: Any = None) -> Any:
            return self._value(data, name, default)

        return ProgramDetails(
            title=value("title"),
            start_date=value("start_date"),
            end_date=value("end_date"),
            days_of_week=value("days_of_week", list(ALL_DAYS)),
            times_per_day=value("times_per_day", 1),
            pain_threshold=value("pain_threshold", PAIN_THRESHOLD_DEFAULT),
            goal=value("goal", ""),
            notes=value("notes", ""),
        )


class NewPrescriptionSerializer(PrescriptionSerializer):
    """A new program for a patient on the caller's care team; it is active at once."""

    patient = ScopedPrimaryKeyField(
        model=Patient,
        scope=caseload,
        missing=NOT_ON_CASELOAD,
        help_text="A patient on your care team.",
    )
    template = ScopedPrimaryKeyField(
        model=ProgramTemplate,
        scope=usable_templates,
        missing=gettext_lazy("No such template among the shared ones and yours."),
        required=False,
        allow_null=True,
        help_text="The template the program was built from, if any (for the record).",
    )
    status = serializers.CharField(read_only=True)


class TemplateItemSerializer(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    dose_text = serializers.SerializerMethodField()

    class Meta:
        model = ProgramTemplateItem
        fields = ITEM_FIELDS
        read_only_fields = fields

    def get_dose_text(self, item: ProgramTemplateItem) -> str:
        return item.dose_text()


class TemplateSerializer(serializers.ModelSerializer):
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), help_text=DAYS_HELP
    )
    slug = serializers.CharField(read_only=True)
    schedule_text = serializers.CharField(source="schedule_in_words")
    is_shared = serializers.SerializerMethodField(help_text="A shared starter template.")
    is_own = serializers.SerializerMethodField(help_text="One of the caller's own templates.")
    items = TemplateItemSerializer(many=True)

    class Meta:
        model = ProgramTemplate
        fields = [
            "id",
            "name",
            "slug",
            "audience",
            "description",
            "days_of_week",
            "times_per_day",
            "schedule_text",
            "is_shared",
            "is_own",
            "items",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_shared(self, template: ProgramTemplate) -> bool:
        return template.owner_id is None

    def get_is_own(self, template: ProgramTemplate) -> bool:
        return template.owner_id == self.context["request"].user.pk


class NewTemplateSerializer(serializers.Serializer):
    """Save a program's schedule and current exercises as one of your own templates."""

    prescription = ScopedPrimaryKeyField(
        model=Prescription,
        scope=therapists_programs,
        missing=gettext_lazy("No such program for a patient on your care team."),
        help_text="The program to copy: one of a patient on your care team.",
    )
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_name(self, value: str) -> str:
        name = value.strip()
        if not name:
            raise serializers.ValidationError(_("Give the template a name."))
        return name


class StartFromTemplateSerializer(serializers.Serializer):
    """Start a new program for a patient from a template's schedule and exercises."""

    patient = ScopedPrimaryKeyField(
        model=Patient,
        scope=caseload,
        missing=NOT_ON_CASELOAD,
        help_text="A patient on your care team.",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    title = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="The template's name when left out.",
    )
    precautions_acknowledged = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms exercises that conflict with the patient's conditions; without it "
        "such a template answers 400 naming the conflicts.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end: datetime.date | None = attrs.get("end_date")
        if end is not None and end < attrs["start_date"]:
            raise serializers.ValidationError(
                {"end_date": _("The end date cannot be before the start date.")}
            )
        attrs["title"] = attrs["title"].strip()
        return attrs


class MediaSerializer(serializers.Serializer):
    """A therapist's photo or video, as the patient sees it beside an exercise."""

    url = serializers.SerializerMethodField(
        help_text="Where to fetch the file: only the patient and their care team may (or, for "
        "an exercise's own media, the therapists and patients it is meant for)."
    )
    kind = serializers.CharField(help_text="`photo` or `video`.")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes.")
    title = serializers.CharField()
    attribution = serializers.CharField(help_text="Author and licence, to show with it.")

    @extend_schema_field(serializers.URLField())
    def get_url(self, media: Media) -> str:
        path = reverse("patients:media_file", kwargs={"key": media.key})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
