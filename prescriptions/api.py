"""The therapist's side of API v1: own exercises, programs with their items, templates.

Each view fetches what the caller may see (someone else's id answers 404), lets a serializer
validate the input, and hands plain values to ``prescriptions.services``, as the workspace's
pages do. A refusal from a service answers 400 with its message.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_permissions import IsTherapist, OwnerWrites, TherapistsWrite, caller
from exercises.api import ExerciseViewSet
from exercises.models import Exercise
from exercises.serializers import ExerciseSerializer
from patients.api import caseload
from prescriptions.audit import record_access
from prescriptions.models import Prescription, PrescriptionItem, ProgramTemplate, Status
from prescriptions.serializers import (
    NewPrescriptionSerializer,
    NewTemplateSerializer,
    PrescriptionSerializer,
    StartFromTemplateSerializer,
    TemplateSerializer,
)
from prescriptions.services import (
    CONFIRM_FIELD,
    delete_private_exercise,
    delete_template,
    save_as_template,
    save_private_exercise,
    save_program,
    set_status,
    start_program_from_template,
)

# --- Own exercises ----------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(summary="Add one of your own exercises (therapists)"),
    update=extend_schema(summary="Change one of your own exercises"),
    partial_update=extend_schema(summary="Change some fields of one of your own exercises"),
    destroy=extend_schema(
        summary="Delete one of your own exercises that no program or template holds",
        responses={
            204: OpenApiResponse(description="Deleted."),
            409: OpenApiResponse(description="A program or template holds it, so it stays."),
        },
    ),
)
class TherapistExerciseViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ExerciseViewSet,
):
    """The catalogue, where a therapist also adds, changes and deletes their own exercises.

    Everyone logged in reads; shared exercises answer 403 to a change.
    """

    permission_classes = [TherapistsWrite, OwnerWrites]

    def _fresh(self, exercise: Exercise) -> Exercise:
        return self.get_queryset().get(pk=exercise.pk)

    def create(self, request: Request) -> Response:
        serializer = ExerciseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        exercise = save_private_exercise(owner=caller(request), **serializer.service_kwargs())
        data = self.get_serializer(self._fresh(exercise)).data
        return Response(data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        exercise = self.get_object()
        serializer = ExerciseSerializer(
            exercise, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        save_private_exercise(
            owner=caller(request), exercise=exercise, **serializer.service_kwargs()
        )
        return Response(self.get_serializer(self._fresh(exercise)).data)

    def destroy(self, request: Request, pk: str) -> Response:
        exercise = self.get_object()
        try:
            delete_private_exercise(exercise=exercise, owner=caller(request))
        except ValidationError as refusal:
            return Response({"detail": " ".join(refusal.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Programs ---------------------------------------------------------------------------------


def programs_for(user: User | AnonymousUser) -> QuerySet[Prescription]:
    """The programs a user may see, with their patient and current items in order."""
    current = (
        PrescriptionItem.objects.filter(removed_on__isnull=True)
        .select_related("exercise")
        .order_by("position", "pk")
    )
    return (
        Prescription.objects.for_user(user)
        .select_related("patient__user")
        .prefetch_related(Prefetch("items", queryset=current, to_attr="current_items"))
    )


class PrescriptionFilter(filters.FilterSet):
    patient = filters.ModelChoiceFilter(queryset=caseload, help_text="Programs of this patient.")

    class Meta:
        model = Prescription
        fields = ["patient", "status"]


@extend_schema_view(
    list=extend_schema(summary="Programs of the patients on your care team"),
    retrieve=extend_schema(summary="One program with its current exercises"),
    create=extend_schema(
        summary="Prescribe a program with its exercises, in one request",
        request=NewPrescriptionSerializer,
        responses={201: PrescriptionSerializer},
    ),
    update=extend_schema(summary="Change a program and its exercises, in one request"),
    partial_update=extend_schema(
        summary="Change some of a program: its fields, its exercises or its status"
    ),
)
class PrescriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Programs of the patients on the caller's care team (therapists only).

    Programs are not deleted: end them (``status: ended``) and the patient's history stays.
    """

    serializer_class = PrescriptionSerializer
    permission_classes = [IsTherapist]
    filterset_class = PrescriptionFilter
    ordering_fields = ["start_date", "end_date", "title", "created_at", "updated_at"]
    ordering = ["-start_date", "-pk"]

    def get_queryset(self) -> QuerySet[Prescription]:
        return programs_for(self.request.user)

    def _answer(self, program: Prescription, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=program.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def retrieve(self, request: Request, pk: str) -> Response:
        program = self.get_object()
        record_access(program.patient)
        return Response(self.get_serializer(program).data)

    def create(self, request: Request) -> Response:
        serializer = NewPrescriptionSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        program = save_program(
            patient=serializer.validated_data["patient"],
            therapist=caller(request),
            details=serializer.details(),
            items=serializer.item_specs(),
            template=serializer.validated_data.get("template"),
            precautions_acknowledged=serializer.validated_data[CONFIRM_FIELD],
        )
        return self._answer(program, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        program = self.get_object()
        serializer = PrescriptionSerializer(
            program, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        new_status = serializer.validated_data.get("status")
        with transaction.atomic():
            if not partial or set(serializer.validated_data) - {"status", CONFIRM_FIELD}:
                save_program(
                    patient=program.patient,
                    therapist=caller(request),
                    details=serializer.details(),
                    items=serializer.item_specs(),
                    prescription=program,
                    precautions_acknowledged=serializer.validated_data.get(CONFIRM_FIELD, False),
                )
            if new_status is not None:
                try:
                    set_status(prescription=program, status=Status(new_status))
                except ValidationError as refusal:
                    raise serializers.ValidationError({"status": refusal.messages}) from None
        return self._answer(program)


# --- Templates --------------------------------------------------------------------------------


class TemplateFilter(filters.FilterSet):
    source = filters.ChoiceFilter(
        method="filter_source",
        choices=[("shared", "Shared starter templates"), ("mine", "My own templates")],
        help_text="`shared` for the starter templates, `mine` for your own.",
    )

    class Meta:
        model = ProgramTemplate
        fields = ["times_per_day"]

    def filter_source(
        self, queryset: QuerySet[ProgramTemplate], name: str, value: str
    ) -> QuerySet[ProgramTemplate]:
        if value == "shared":
            return queryset.filter(owner__isnull=True)
        return queryset.filter(owner=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Shared starter templates and your own"),
    retrieve=extend_schema(summary="One template with its exercises"),
    create=extend_schema(
        summary="Save a program as one of your own templates",
        request=NewTemplateSerializer,
        responses={201: TemplateSerializer},
    ),
    destroy=extend_schema(
        summary="Delete one of your own templates (programs started from it stay)",
        responses={204: OpenApiResponse(description="Deleted.")},
    ),
)
class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Reusable protocols: shared starter templates plus the caller's own (therapists only)."""

    serializer_class = TemplateSerializer
    permission_classes = [IsTherapist]
    filterset_class = TemplateFilter
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "pk"]

    def get_queryset(self) -> QuerySet[ProgramTemplate]:
        return ProgramTemplate.objects.for_user(self.request.user).with_items()

    def create(self, request: Request) -> Response:
        serializer = NewTemplateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = save_as_template(
            prescription=data["prescription"],
            owner=caller(request),
            name=data["name"],
            description=data["description"],
        )
        fresh = self.get_queryset().get(pk=template.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: str) -> Response:
        template = self.get_object()
        if template.owner_id != request.user.pk:
            raise PermissionDenied(_("Shared starter templates cannot be deleted."))
        delete_template(template=template, owner=caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="templates_start",
        summary="Start a program for a patient from this template",
        request=StartFromTemplateSerializer,
        responses={201: PrescriptionSerializer},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        template = self.get_object()
        serializer = StartFromTemplateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        program = start_program_from_template(
            patient=data["patient"],
            template=template,
            therapist=caller(request),
            start_date=data["start_date"],
            end_date=data["end_date"],
            title=data["title"],
            precautions_acknowledged=data["precautions_acknowledged"],
        )
        fresh = programs_for(request.user).get(pk=program.pk)
        return Response(
            PrescriptionSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
