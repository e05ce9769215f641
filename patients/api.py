"""Patients, the patient's own day and logs, alerts and logging in, in API v1.

For therapists: their care team's patients (with a FHIR export) and alerts. For patients:
``me/plan``, completions and pain reports, always their own. Views fetch what the caller may
see (someone else's id answers 404), let a serializer validate, and call the same services as
the HTML pages.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_errors import RehabitAutoSchema
from config.api_permissions import IsPatient, IsTherapist, caller, token_has_expired
from patients.fhir import FHIR_MEDIA_TYPE, patient_bundle
from patients.models import Completion, MorningCheck, PainReport, Patient, SafetyPause
from patients.plan import load_day_checks, load_day_plan
from patients.serializers import (
    CompletionSerializer,
    EffortSerializer,
    EndSafetyPauseSerializer,
    InvitationSerializer,
    LoginSerializer,
    MedicalClearanceSerializer,
    MeSerializer,
    MorningCheckSerializer,
    NewCompletionSerializer,
    NewMorningCheckSerializer,
    NewPainReportSerializer,
    PainFollowUpSerializer,
    PainReportSerializer,
    PatientSerializer,
    PlanQuerySerializer,
    PlanSerializer,
    TokenSerializer,
    refusals_as_field_errors,
)
from patients.services import (
    answer_pain_follow_up,
    create_invitation,
    create_patient,
    end_safety_pause,
    record_completion,
    record_effort,
    record_medical_clearance,
    record_morning_check,
    submit_pain_report,
    undo_completion,
    update_patient,
)
from prescriptions.audit import record_access
from prescriptions.handout import invitation_url
from prescriptions.models import PrescriptionItem


def _patient(request: Request) -> Patient:
    return caller(request).patient  # IsPatient made sure there is one


# --- Logging in ----------------------------------------------------------------------------------


class TokenView(APIView):
    """Trade a username (or email) and password for an API token; revoke it when done."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Log in: get the API token for a username or email and password",
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="The details do not match an account."),
            429: OpenApiResponse(
                description="Too many attempts from here, or too many failed logins for this "
                "account: try again later."
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = Token.objects.filter(user=user).first()
        if token is None or token_has_expired(token):
            Token.objects.filter(user=user).delete()
            token = Token.objects.create(user=user)
        # As a login does: last_login, and the lockout's count of failures starts again.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response(TokenSerializer(token).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="Log out: revoke the caller's API token",
        request=None,
        responses={204: OpenApiResponse(description="The token no longer works.")},
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=caller(request)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The caller ----------------------------------------------------------------------------------


class SingleObjectSchema(RehabitAutoSchema):
    """``GET /me/`` answers one object, although the router calls it a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class MeViewSet(viewsets.ViewSet):
    """Who is logged in, and for a patient, their day."""

    schema = SingleObjectSchema()

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "plan":
            return [IsPatient()]
        return [permissions.IsAuthenticated()]

    @extend_schema(
        operation_id="me", summary="Who is logged in, with their role", responses=MeSerializer
    )
    def list(self, request: Request) -> Response:
        return Response(MeSerializer(request.user, context={"request": request}).data)

    @extend_schema(
        operation_id="me_plan",
        summary="The patient's plan for a day: sessions, exercises, what is done, pain reports",
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description="The patient's local date (YYYY-MM-DD); today when left out.",
            )
        ],
        responses=PlanSerializer,
    )
    @action(detail=False)
    def plan(self, request: Request) -> Response:
        query = PlanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        patient = _patient(request)
        today = patient.local_today()
        day: datetime.date = query.validated_data.get("date") or today
        plan = load_day_plan(patient, day, today)
        context = {"request": request, "checks": load_day_checks(plan)}
        return Response(PlanSerializer(plan, context=context).data)


# --- What the patient logs -----------------------------------------------------------------------


def own_items(request: Request | None) -> QuerySet[PrescriptionItem]:
    if request is None:  # the schema generator asks without a request
        return PrescriptionItem.objects.none()
    return PrescriptionItem.objects.filter(prescription__patient__user=caller(request))


class LogFilter(filters.FilterSet):
    """Days as the patient's local dates: one day, or a range."""

    date = filters.DateFilter(help_text="On this day.")
    date_from = filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="On or after this day."
    )
    date_to = filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="On or before this day."
    )


class CompletionFilter(LogFilter):
    item = filters.ModelChoiceFilter(queryset=own_items, help_text="Of this program exercise.")

    class Meta:
        model = Completion
        fields = ["date", "session", "item"]


@extend_schema_view(
    list=extend_schema(summary="The patient's ticked-off exercises"),
    retrieve=extend_schema(summary="One ticked-off exercise"),
    create=extend_schema(
        summary="Tick off an exercise in a session (today or yesterday); a repeat is harmless",
        request=NewCompletionSerializer,
        responses={
            201: OpenApiResponse(CompletionSerializer, description="Ticked off."),
            200: OpenApiResponse(CompletionSerializer, description="It already was."),
        },
    ),
    destroy=extend_schema(
        summary="Undo a tick (today or yesterday)",
        responses={204: OpenApiResponse(description="Undone.")},
    ),
)
class CompletionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The exercises the patient ticked off (patients only, their own)."""

    serializer_class = CompletionSerializer
    permission_classes = [IsPatient]
    filterset_class = CompletionFilter
    ordering_fields = ["date", "completed_at", "session"]
    ordering = ["-date", "session", "pk"]

    def get_queryset(self) -> QuerySet[Completion]:
        user = self.request.user
        if not user.is_authenticated:  # only the schema generator asks as nobody
            return Completion.objects.none()
        return Completion.objects.filter(patient__user_id=user.pk)

    def create(self, request: Request) -> Response:
        serializer = NewCompletionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        patient = _patient(request)
        with refusals_as_field_errors():
            completion, created = record_completion(
                patient=patient,
                item=data["item"],
                day=data.get("date") or patient.local_today(),
                session=data["session"],
            )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(CompletionSerializer(completion).data, status=code)

    def destroy(self, request: Request, pk: str) -> Response:
        completion = self.get_object()
        with refusals_as_field_errors():
            undo_completion(
                patient=_patient(request),
                item=completion.item,
                day=completion.date,
                session=completion.session,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="me_completions_effort",
        summary="Say how a ticked-off exercise felt (today or yesterday); optional",
        description="too_easy, about_right or too_hard; a second answer replaces the first. "
        "The answers feed the therapist's progression suggestions.",
        request=EffortSerializer,
        responses=CompletionSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def effort(self, request: Request, pk: str) -> Response:
        completion = self.get_object()
        serializer = EffortSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with refusals_as_field_errors():
            updated = record_effort(
                patient=_patient(request),
                item=completion.item,
                day=completion.date,
                session=completion.session,
                effort=serializer.validated_data["effort"],
            )
        return Response(CompletionSerializer(updated).data)


class MorningCheckFilter(LogFilter):
    class Meta:
        model = MorningCheck
        fields = ["date"]


class PainReportFilter(LogFilter):
    class Meta:
        model = PainReport
        fields = ["date", "session"]


@extend_schema_view(
    list=extend_schema(summary="The patient's pain reports, each with its guidance"),
    retrieve=extend_schema(summary="One pain report with its guidance"),
    create=extend_schema(
        summary="Report how a session went; the answer says what to do now",
        description="Creates the report of the day and session, or replaces it when there "
        "is one. The answer carries the safety guidance: `stop` (stop and contact the "
        "therapist), `ease_off`, or `ok`. The care team is alerted when the answer calls "
        "for it.",
        request=NewPainReportSerializer,
        responses={
            201: OpenApiResponse(PainReportSerializer, description="Reported."),
            200: OpenApiResponse(PainReportSerializer, description="The report was replaced."),
        },
    ),
)
class PainReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """How the patient's sessions went (patients only, their own)."""

    serializer_class = PainReportSerializer
    permission_classes = [IsPatient]
    filterset_class = PainReportFilter
    ordering_fields = ["date", "session", "pain", "created_at"]
    ordering = ["-date", "-session"]

    def get_queryset(self) -> QuerySet[PainReport]:
        user = self.request.user
        if not user.is_authenticated:  # only the schema generator asks as nobody
            return PainReport.objects.none()
        return PainReport.objects.filter(patient__user_id=user.pk).select_related(
            "patient", "prescription"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        """The patient's open safety pause, read once for every report's guidance."""
        context = dict(super().get_serializer_context())
        user = self.request.user
        if user.is_authenticated and self.action in ("list", "retrieve"):
            context["safety_pause"] = (
                SafetyPause.objects.open().filter(patient__user_id=user.pk).first()
            )
        return context

    def create(self, request: Request) -> Response:
        serializer = NewPainReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        patient = _patient(request)
        day = data.pop("date", None) or patient.local_today()
        existed = PainReport.objects.filter(
            patient=patient, date=day, session=data["session"]
        ).exists()
        with refusals_as_field_errors():
            report, guidance = submit_pain_report(patient=patient, day=day, **data)
        answer = PainReportSerializer(report, context={"guidance": guidance}).data
        return Response(answer, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary='Answer "is the pain still there now?" after `not_sure`; the answer says what '
        "to do now",
        description="Sets the report's `pain_lasting` to `yes` or `no` and decides again as "
        "when it was sent (a `yes` can call for `stop`, an alert and a safety pause). A report "
        "that was not `not_sure` answers 400; answering again keeps the first answer.",
        request=PainFollowUpSerializer,
        responses={200: PainReportSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="still-there",
        filter_backends=[],
        pagination_class=None,
    )
    def still_there(self, request: Request, pk: str) -> Response:
        report = self.get_object()
        serializer = PainFollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with refusals_as_field_errors():
            report, guidance = answer_pain_follow_up(
                report=report, still_there=serializer.validated_data["still_there"]
            )
        return Response(PainReportSerializer(report, context={"guidance": guidance}).data)


@extend_schema_view(
    list=extend_schema(summary="The patient's morning checks"),
    create=extend_schema(
        summary="Answer today's morning check; the answer says what to do now",
        description="Compared with yesterday morning: better, the same or worse (or skipped "
        "for today). Once per day: a repeat answers 200 with the first. Two `worse` mornings "
        "in a row call for easing off and alert the care team.",
        request=NewMorningCheckSerializer,
        responses={
            201: OpenApiResponse(MorningCheckSerializer, description="Recorded."),
            200: OpenApiResponse(MorningCheckSerializer, description="Today's was already in."),
        },
    ),
)
class MorningCheckViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """How the patient's pain is each morning (patients only, their own)."""

    serializer_class = MorningCheckSerializer
    permission_classes = [IsPatient]
    filterset_class = MorningCheckFilter
    ordering_fields = ["date"]
    ordering = ["-date"]

    def get_queryset(self) -> QuerySet[MorningCheck]:
        user = self.request.user
        if not user.is_authenticated:  # only the schema generator asks as nobody
            return MorningCheck.objects.none()
        return MorningCheck.objects.filter(patient__user_id=user.pk)

    def create(self, request: Request) -> Response:
        serializer = NewMorningCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with refusals_as_field_errors():
            result = record_morning_check(
                patient=_patient(request), answer=serializer.validated_data["answer"]
            )
        answer = MorningCheckSerializer(result.check, context={"guidance": result.guidance}).data
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(answer, status=code)


# --- Patients, for their therapists --------------------------------------------------------------


class PatientFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search", max_length=100, help_text="Words in the first or last name."
    )
    archived = filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, help_text="Archived or not."
    )

    class Meta:
        model = Patient
        fields = ["search", "archived"]

    def filter_search(self, queryset: QuerySet[Patient], name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
            )
        return queryset


class FhirRenderer(JSONRenderer):
    media_type = FHIR_MEDIA_TYPE
    format = "fhir"


FHIR_BUNDLE_SCHEMA = {
    "type": "object",
    "description": "A FHIR R4 Bundle of type `collection`: the Patient, a CarePlan per "
    "program (its activities are the exercises with their dose and schedule) and an "
    "Observation per pain report (LOINC 72514-3, `valueInteger` 0–10).",
    "required": ["resourceType", "type", "entry"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["collection"]},
        "timestamp": {"type": "string", "format": "date-time"},
        "entry": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["fullUrl", "resource"],
                "properties": {
                    "fullUrl": {"type": "string"},
                    "resource": {
                        "type": "object",
                        "required": ["resourceType", "id"],
                        "properties": {
                            "resourceType": {
                                "type": "string",
                                "enum": ["Patient", "CarePlan", "Observation"],
                            },
                            "id": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}


@extend_schema_view(
    list=extend_schema(summary="The patients on your care team"),
    retrieve=extend_schema(summary="One patient on your care team"),
    create=extend_schema(
        summary="Add a patient to your care team",
        description="Creates the patient's login, without a password: they set one "
        "through an invitation link from the workspace.",
    ),
    update=extend_schema(summary="Change a patient's details"),
    partial_update=extend_schema(summary="Change some of a patient's details"),
)
class PatientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The patients on the caller's care team (therapists only)."""

    serializer_class = PatientSerializer
    permission_classes = [IsTherapist]
    filterset_class = PatientFilter
    ordering_fields = ["last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name", "pk"]

    def get_queryset(self) -> QuerySet[Patient]:
        return (
            Patient.objects.for_therapist(self.request.user)
            .select_related("user")
            .annotate(last_name=F("user__last_name"), first_name=F("user__first_name"))
        )

    def _answer(self, patient: Patient, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=patient.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def retrieve(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        record_access(patient)
        return Response(self.get_serializer(patient).data)

    def create(self, request: Request) -> Response:
        serializer = PatientSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        patient = create_patient(therapist=caller(request), details=serializer.details())
        return self._answer(patient, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        patient = self.get_object()
        serializer = PatientSerializer(
            patient, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        update_patient(patient=patient, details=serializer.details(), by=caller(request))
        return self._answer(patient)

    @extend_schema(
        operation_id="patients_medical_clearance",
        summary="Confirm medical clearance for the red flags of the intake screen",
        description="Records who confirmed it, when, and the note. Until then no program can "
        "start for a patient whose intake screen answered yes. 400 when there is nothing to "
        "clear or the note is empty.",
        request=MedicalClearanceSerializer,
        responses={200: PatientSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="medical-clearance",
        filter_backends=[],
        pagination_class=None,
    )
    def medical_clearance(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        serializer = MedicalClearanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record_medical_clearance(
            patient=patient, by=caller(request), note=serializer.validated_data["note"]
        )
        return self._answer(patient)

    @extend_schema(
        operation_id="patients_invitation",
        summary="A new invitation link for the patient to set their password",
        description="Earlier unused links stop working. The link is in this answer only.",
        request=None,
        responses={201: InvitationSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def invitation(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        invitation, token = create_invitation(patient=patient, created_by=caller(request))
        answer = {"url": invitation_url(token), "expires_at": invitation.expires_at}
        return Response(InvitationSerializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="patients_end_safety_pause",
        summary="End the patient's safety pause",
        description="After a `stop` or `emergency` report the patient's programs are paused "
        "until a therapist ends the pause. `resume: true` starts the programs it paused again; "
        "`false` keeps them paused to edit first. 409 when there is no open pause.",
        request=EndSafetyPauseSerializer,
        responses={200: PatientSerializer, 409: OpenApiResponse(description="No open pause.")},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="end-safety-pause",
        filter_backends=[],
        pagination_class=None,
    )
    def end_safety_pause(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        serializer = EndSafetyPauseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pause = patient.safety_pauses.open().first()
        if pause is None:
            return Response(
                {"detail": _("There is no safety pause to end.")}, status=status.HTTP_409_CONFLICT
            )
        end_safety_pause(pause=pause, by=caller(request), **serializer.validated_data)
        return self._answer(patient)

    @extend_schema(
        operation_id="patients_fhir",
        summary="The patient's record as a FHIR R4 Bundle",
        description="The Patient, a CarePlan per program with the exercises and their dose "
        "as activities, and the pain reports as Observations coded LOINC 72514-3.",
        responses={200: OpenApiResponse(FHIR_BUNDLE_SCHEMA, description="A FHIR Bundle.")},
        filters=False,
    )
    @action(
        detail=True,
        renderer_classes=[FhirRenderer, JSONRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def fhir(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        record_access(patient)
        return Response(patient_bundle(patient))


def caseload(request: Request | None) -> QuerySet[Patient]:
    """The therapist's patients, for filters that name a patient (none for the schema)."""
    if request is None:  # the schema generator asks without a request
        return Patient.objects.none()
    return Patient.objects.for_therapist(request.user)
