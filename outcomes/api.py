"""API v1 for outcome measures.

Everyone logged in reads the measures' definitions (``measures``). A patient lists what is due
(``me/questionnaires``) and saves or sends answers (``questionnaire-responses``, one response per
measure and due date: 201 when it is new, 200 when it changes the one saved); therapists read
the responses of their care team's patients there. Someone else's response answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as InvalidInput
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_permissions import IsPatient
from outcomes.models import Episode, MeasureDefinition, MeasureResponse
from outcomes.schedule import Due
from outcomes.serializers import (
    DueSerializer,
    MeasureSerializer,
    NewResponseSerializer,
    ResponseSerializer,
    clean_answers,
)
from outcomes.services import begin_response, open_episode, save_page, submit, waiting_for
from patients.models import Patient
from patients.roles import is_patient


class Final(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Your therapist has already read these answers: they can no longer change."
    default_code = "final"


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """The questionnaires this installation offers, with their full definitions."""

    serializer_class = MeasureSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "code"
    filter_backends: list[type] = []
    queryset = MeasureDefinition.objects.filter(is_active=True).order_by("code")


class DueViewSet(viewsets.GenericViewSet):
    """The questionnaires waiting for the patient today (patients only)."""

    serializer_class = DueSerializer
    permission_classes = [IsPatient]
    pagination_class = None
    filter_backends: list[type] = []

    def list(self, request: Request) -> Response:
        patient = request.user.patient  # type: ignore[union-attr]
        waiting = waiting_for(patient, patient.local_today())
        return Response(DueSerializer(waiting, many=True).data)


class ResponseFilter(filters.FilterSet):
    patient = filters.NumberFilter(field_name="episode__patient_id")
    measure = filters.CharFilter(field_name="measure__code")

    class Meta:
        model = MeasureResponse
        fields = ["patient", "measure"]


class ResponseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Answers to questionnaires: a patient's own; a therapist's patients' (read only)."""

    serializer_class = ResponseSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = ResponseFilter
    ordering_fields = ["due_on", "submitted_at"]
    ordering = ["-due_on", "-pk"]

    def get_queryset(self) -> QuerySet[MeasureResponse]:
        user = self.request.user
        if not user.is_authenticated:  # only the schema generator asks as nobody
            return MeasureResponse.objects.none()
        return MeasureResponse.objects.for_user(user).select_related("measure", "episode")

    @extend_schema(
        summary="Save or send answers to a due questionnaire (patients only)",
        description="One response per measure and due date: 201 when it is new, 200 when the "
        "answers change the one saved. A sent response may change until the therapist has read "
        "it (then 409).",
        request=NewResponseSerializer,
        responses={200: ResponseSerializer, 201: ResponseSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not is_patient(request.user):
            raise PermissionDenied(_("Only patients answer questionnaires."))
        query = NewResponseSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        patient = request.user.patient  # type: ignore[union-attr]
        existing, due, episode = self._target(
            patient, query.validated_data["measure"], query.validated_data["due_on"]
        )
        if existing is not None:
            measure = existing.measure
        else:
            assert due is not None  # _target refuses a questionnaire neither saved nor due
            measure = due.measure
        try:
            answers = clean_answers(measure.measure, query.validated_data["answers"])
        except InvalidInput as error:
            raise InvalidInput({"answers": error.detail}) from error
        if existing is not None and not existing.can_edit:
            raise Final()
        created = existing is None
        if existing is not None:
            response = existing
        else:
            assert due is not None
            assert episode is not None
            response = begin_response(due=due, episode=episode, language=patient.language)
        try:
            response = save_page(response=response, answers=answers)
            if query.validated_data["submit"]:
                response = submit(response=response)
        except ValidationError as error:
            raise InvalidInput({"answers": error.messages}) from error
        return Response(
            ResponseSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _target(
        self, patient: Patient, code: str, due_on: datetime.date
    ) -> tuple[MeasureResponse | None, Due | None, Episode | None]:
        """The response saved for that measure and date, or what is due now to start one."""
        existing = (
            MeasureResponse.objects.filter(
                episode__patient=patient, measure__code=code, due_on=due_on
            )
            .select_related("measure", "episode")
            .first()
        )
        if existing is not None:
            return existing, None, existing.episode
        episode = open_episode(patient)
        waiting = waiting_for(patient, patient.local_today()) if episode else []
        due = next((d for d in waiting if d.measure.code == code and d.due_on == due_on), None)
        if episode is None or due is None:
            raise InvalidInput({"measure": [_("This questionnaire is not due on that date.")]})
        return None, due, episode
