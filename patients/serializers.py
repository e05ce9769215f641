"""Patients, their day, what they log, alerts and logging in, in API v1.

These validate and shape the answers; ``patients.services`` and ``prescriptions.services``
decide. A refusal from a service (``NotAllowed``) answers 400 under the field it is about.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ErrorDetail, Throttled
from rest_framework.settings import api_settings

from config.api_permissions import token_expires_at
from exercises.models import DOSE_FIELDS, PATIENT_WORDS, Precaution, Side
from patients.guidance import Guidance, Level
from patients.models import (
    CLEARANCE_NOTE_MAX_LENGTH,
    INTAKE_QUESTIONS,
    Completion,
    Difficulty,
    LastingChoice,
    MorningAnswer,
    MorningCheck,
    PainReport,
    Patient,
    ProgramStart,
    SafetyPause,
)
from patients.plan import DayChecks, DayPlan, ItemRow
from patients.roles import is_patient, is_therapist
from patients.services import (
    NOTE_MAX_LENGTH,
    REPORT_ANSWERS,
    SAFETY_QUESTIONS,
    NotAllowed,
    PatientDetails,
    clinic_phone_for,
    guidance_to_show,
    guidance_under,
)
from prescriptions.models import (
    MAX_TIMES_PER_DAY,
    PHONE_MAX_LENGTH,
    Prescription,
    PrescriptionItem,
    validate_phone,
)
from prescriptions.serializers import MediaSerializer

# The field each refusal of patients.services is about.
REFUSAL_FIELDS = {
    "future": "date",
    "too_old": "date",
    "not_yours": "item",
    "not_due": "item",
    "bad_session": "session",
    "bad_pain": "pain",
    "bad_difficulty": "difficulty",
    "bad_effort": "effort",
    "note_too_long": "note",
    "bad_answer": "answer",
}


@contextmanager
def refusals_as_field_errors() -> Iterator[None]:
    """A service's ``NotAllowed`` as a 400 under the field it is about."""
    try:
        yield
    except NotAllowed as refusal:
        field = REFUSAL_FIELDS.get(refusal.code, api_settings.NON_FIELD_ERRORS_KEY)
        raise serializers.ValidationError(
            {field: [ErrorDetail(refusal.message, code=refusal.code)]}
        ) from None


def _caller(serializer: serializers.Field) -> User:
    return serializer.context["request"].user


# --- Patients (for their therapists) ----------------------------------------------------------


class IntakeScreenSerializer(serializers.Serializer):
    """The intake red-flag screen: every question answered ``true`` (yes) or ``false`` (no).
    Null on a patient whose screen was never recorded."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = {
            name: serializers.BooleanField(source=f"intake_{name}", help_text=f"{question}?")
            for name, question in INTAKE_QUESTIONS.items()
        }
        fields["screened_at"] = serializers.DateTimeField(
            source="intake_screened_at", read_only=True
        )
        return fields

    def to_representation(self, instance: Any) -> Any:
        if instance.intake_screened_at is None:
            return None
        return super().to_representation(instance)


class MedicalClearanceSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=CLEARANCE_NOTE_MAX_LENGTH,
        help_text="Who cleared the patient and on what, for the record.",
    )


class PatientSerializer(serializers.ModelSerializer):
    """A patient on the caller's care team: name, contact and care details."""

    username = serializers.CharField(
        source="user.username", read_only=True, help_text="What the patient logs in with."
    )
    first_name = serializers.CharField(source="user.first_name", max_length=150)
    last_name = serializers.CharField(source="user.last_name", max_length=150)
    email = serializers.EmailField(
        source="user.email",
        required=False,
        allow_blank=True,
        max_length=254,
        help_text="Optional. The patient can log in with it once they have a password.",
    )
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        help_text="Where the patient lives, as an IANA name such as `Europe/Berlin`: their "
        "day starts at midnight there.",
    )
    conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=Precaution.choices),
        required=False,
        help_text="Conditions that call for care with some exercises.",
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="What the patient reads Rehabit in: pages, emails, calendar and handout. "
        "Left out when adding a patient: the language of the therapist who adds them.",
    )
    clinic_phone = serializers.CharField(
        max_length=PHONE_MAX_LENGTH,
        validators=[validate_phone],
        help_text="The number the patient calls when something is wrong: every stop screen "
        "shows it. Digits, spaces, +, - and brackets; at least 6 digits.",
    )
    intake_screen = IntakeScreenSerializer(
        source="*",
        required=False,
        help_text="The intake red-flag screen; required when adding a patient. A yes asks for "
        "medical clearance before a program can start.",
    )
    program_start = serializers.SerializerMethodField(
        help_text="`allowed`; `screen_needed` (no intake screen recorded); or "
        "`clearance_needed` (a yes on the screen, medical clearance not confirmed)."
    )
    medical_clearance = serializers.SerializerMethodField(
        help_text="Who confirmed medical clearance, when, with their note; null when none."
    )
    has_password = serializers.SerializerMethodField(
        help_text="The patient has set a password and can log in."
    )
    is_archived = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "timezone",
            "conditions",
            "language",
            "clinic_phone",
            "intake_screen",
            "program_start",
            "medical_clearance",
            "has_password",
            "is_archived",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is None:
            self.fields["intake_screen"].required = True

    @extend_schema_field(serializers.ChoiceField(choices=ProgramStart.choices))
    def get_program_start(self, patient: Patient) -> str:
        return patient.program_start().value

    @extend_schema_field(
        serializers.DictField(allow_null=True, help_text="cleared_at, cleared_by (id), note")
    )
    def get_medical_clearance(self, patient: Patient) -> dict[str, Any] | None:
        if patient.cleared_at is None:
            return None
        return {
            "cleared_at": serializers.DateTimeField().to_representation(patient.cleared_at),
            "cleared_by": patient.cleared_by_id,
            "note": patient.clearance_note,
        }

    def validate_clinic_phone(self, value: str) -> str:
        phone = value.strip()
        if not phone:
            raise serializers.ValidationError(_("This field may not be blank."))
        return phone

    def get_has_password(self, patient: Patient) -> bool:
        return patient.user.has_usable_password()

    def get_is_archived(self, patient: Patient) -> bool:
        return patient.archived_at is not None

    def validate_first_name(self, value: str) -> str:
        return self._name(value)

    def validate_last_name(self, value: str) -> str:
        return self._name(value)

    @staticmethod
    def _name(value: str) -> str:
        name = value.strip()
        if not name:
            raise serializers.ValidationError(_("This field may not be blank."))
        return name

    def validate_timezone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(
                _("“%(value)s” is not a known time zone (for example Europe/Berlin).")
                % {"value": value}
            )
        return value

    def validate_email(self, value: str) -> str:
        email = value.strip()
        if not email:
            return ""
        others = get_user_model()._default_manager.filter(email__iexact=email)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise serializers.ValidationError(
                _(
                    "Another account already uses this email address. Leave it empty, or use "
                    "another one: each person logs in with their own."
                )
            )
        return email

    def details(self) -> PatientDetails:
        """What ``create_patient`` and ``update_patient`` take; on a partial update, what is
        left out stays as it is."""
        data = self.validated_data
        user_data = data.get("user", {})
        patient = self.instance
        user = patient.user if patient is not None else None

        def user_value(name: str) -> Any:
            if name in user_data:
                return user_data[name]
            return getattr(user, name) if user is not None else ""

        def value(name: str, default: Any) -> Any:
            if name in data:
                return data[name]
            return getattr(patient, name) if patient is not None else default

        return PatientDetails(
            first_name=user_value("first_name"),
            last_name=user_value("last_name"),
            email=user_value("email"),
            timezone_name=value("timezone", settings.TIME_ZONE),
            conditions=list(value("conditions", [])),
            clinic_phone=value("clinic_phone", ""),
            language=value("language", ""),
            intake=(
                {name: data[f"intake_{name}"] for name in INTAKE_QUESTIONS}
                if f"intake_{next(iter(INTAKE_QUESTIONS))}" in data
                else None
            ),
        )


class InvitationSerializer(serializers.Serializer):
    url = serializers.URLField(
        help_text="The single-use link with which the patient sets their password. It is "
        "shown this once: only a hash of it is stored."
    )
    expires_at = serializers.DateTimeField()


# --- The caller ----------------------------------------------------------------------------------


# One of the patient's conditions: its stable code and the words the patient reads.
CONDITION_SCHEMA = inline_serializer(
    "Condition",
    fields={
        "code": serializers.ChoiceField(choices=Precaution.choices, help_text="The stable code."),
        "label": serializers.CharField(
            help_text="The condition in everyday words, to show the patient."
        ),
    },
)


class MyPatientSerializer(serializers.ModelSerializer):
    today = serializers.SerializerMethodField(help_text="Today's date where the patient lives.")
    clinic_phone = serializers.SerializerMethodField(
        help_text="The number to call the clinic on: the patient's own clinic, else the "
        "clinic-wide number (as every stop screen shows it); empty only when neither is set."
    )
    condition_labels = serializers.SerializerMethodField(
        help_text="The patient's conditions (`conditions`, in the same order) with the words "
        "to show the patient."
    )

    class Meta:
        model = Patient
        fields = ["id", "timezone", "today", "clinic_phone", "conditions", "condition_labels"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField())
    def get_today(self, patient: Patient) -> str:
        return patient.local_today().isoformat()

    @extend_schema_field(serializers.CharField())
    def get_clinic_phone(self, patient: Patient) -> str:
        return clinic_phone_for(patient)

    @extend_schema_field(serializers.ListField(child=CONDITION_SCHEMA))
    def get_condition_labels(self, patient: Patient) -> list[dict[str, str]]:
        return [
            {"code": code, "label": str(PATIENT_WORDS[Precaution(code)])}
            for code in patient.conditions
            if code in Precaution.values
        ]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    username = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    role = serializers.SerializerMethodField(
        help_text="`therapist`, `patient`, or `other` (an admin, say)."
    )
    patient = serializers.SerializerMethodField(help_text="The patient's profile, for patients.")

    @extend_schema_field(serializers.ChoiceField(choices=["therapist", "patient", "other"]))
    def get_role(self, user: User) -> str:
        if is_therapist(user):
            return "therapist"
        if is_patient(user):
            return "patient"
        return "other"

    @extend_schema_field(MyPatientSerializer(allow_null=True))
    def get_patient(self, user: User) -> dict[str, Any] | None:
        if not is_patient(user):
            return None
        return MyPatientSerializer(user.patient, context=self.context).data


# --- Logging in ----------------------------------------------------------------------------------


class LockedOut(Throttled):
    default_detail = gettext_lazy("Too many failed attempts: this login is locked for a while.")


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=254, help_text="The username or the email address.", write_only=True
    )
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}, write_only=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        lockout: dict[str, Any] = {}
        user = authenticate(
            request=request,
            username=attrs["username"],
            password=attrs["password"],
            response_context=lockout,
        )
        if user is None:
            if lockout.get("error") or getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise serializers.ValidationError(
                _("Unable to log in with these details."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        source="key", read_only=True, help_text="Send as `Authorization: Token …`."
    )
    expires_at = serializers.SerializerMethodField(
        help_text="After this the token answers 401: log in again."
    )

    @extend_schema_field(serializers.DateTimeField())
    def get_expires_at(self, token: Token) -> str:
        return serializers.DateTimeField().to_representation(token_expires_at(token))


# --- The patient's day ---------------------------------------------------------------------------


class GuidanceSerializer(serializers.Serializer):
    """What the patient is told after a report: stop, ease off, or carry on."""

    level = serializers.ChoiceField(
        choices=[level.value for level in Level],
        help_text="The first row of the decision table met: `emergency` (call the emergency "
        "number now), `stop` (stop, call the clinic; a safety pause begins), `ease_off`, `ok`.",
    )
    title = serializers.CharField()
    message = serializers.CharField()
    show_phone = serializers.BooleanField(help_text="Show the clinic phone prominently.")
    phone = serializers.CharField(help_text="The clinic phone, if known.")
    phone_href = serializers.CharField(help_text="A `tel:` link for the phone, if known.")
    emergency_number = serializers.CharField(
        help_text="The emergency number to call, when set for this installation."
    )
    emergency_href = serializers.CharField(help_text="A `tel:` link for it, if set.")


class PainReportSerializer(serializers.ModelSerializer):
    """A pain report with the guidance it calls for."""

    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, allow_blank=True, read_only=True
    )
    prescription: serializers.PrimaryKeyRelatedField[Prescription] = (
        serializers.PrimaryKeyRelatedField(
            read_only=True, allow_null=True, help_text="The program the report belongs to."
        )
    )
    guidance = serializers.SerializerMethodField()
    follow_up_due_at = serializers.SerializerMethodField(
        help_text='After `not_sure`: from when to ask "is the pain still there now?" '
        "(`still-there/`); null when there is nothing to ask."
    )

    class Meta:
        model = PainReport
        fields = [
            "id",
            "date",
            "session",
            "pain",
            *REPORT_ANSWERS,
            "prescription",
            "guidance",
            "follow_up_due_at",
            "followed_up_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_follow_up_due_at(self, report: PainReport) -> str | None:
        due_at = report.follow_up_due_at()
        return serializers.DateTimeField().to_representation(due_at) if due_at else None

    @extend_schema_field(GuidanceSerializer)
    def get_guidance(self, report: PainReport) -> dict[str, Any]:
        guidance: Guidance | None = self.context.get("guidance")
        if guidance is None and "safety_pause" in self.context:
            guidance = guidance_under(report, self.context["safety_pause"])
        return GuidanceSerializer(guidance or guidance_to_show(report)).data


class NewPainReportSerializer(serializers.ModelSerializer):
    """How a session went. A second report for the same day and session replaces the first.

    Every safety question is required: a skipped answer is never taken as "no" (DESIGN §5).
    """

    date = serializers.DateField(
        required=False, help_text="The patient's local date; today when left out."
    )
    session = serializers.IntegerField(min_value=1, max_value=MAX_TIMES_PER_DAY, default=1)
    pain_lasting = serializers.ChoiceField(
        choices=LastingChoice.choices,
        help_text="Is the pain still there 15 minutes after stopping? `not_sure` is not yet "
        "a yes: from the report's `follow_up_due_at`, ask again and answer with "
        "`still-there/`.",
    )
    leg_symptoms_usual = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="With a leg symptom: `true` if the same as usual, `false` if new or worse. "
        "Left out or null counts as new.",
    )
    difficulty = serializers.ChoiceField(
        choices=Difficulty.choices, allow_blank=True, default="", required=False
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, allow_blank=True, default="", required=False
    )

    class Meta:
        model = PainReport
        fields = ["date", "session", "pain", *REPORT_ANSWERS]
        # The yes/no questions have no default: each must be answered.
        extra_kwargs = {name: {"required": True} for name in SAFETY_QUESTIONS}
        validators: list[object] = []  # one report per session is the service's update


class PainFollowUpSerializer(serializers.Serializer):
    """The answer to "is the pain still there now?" after `not_sure`."""

    still_there = serializers.BooleanField(
        help_text="`true`: the pain is still there (it counts as still there 15 minutes after "
        "stopping); `false`: it has gone."
    )


class MorningCheckSerializer(serializers.ModelSerializer):
    """The morning check: the pain this morning compared with yesterday morning."""

    guidance = serializers.SerializerMethodField(help_text="What to do now; null after `skipped`.")

    class Meta:
        model = MorningCheck
        fields = ["id", "date", "answer", "created_at", "guidance"]
        read_only_fields = fields

    @extend_schema_field(GuidanceSerializer(allow_null=True))
    def get_guidance(self, check: MorningCheck) -> dict[str, Any] | None:
        guidance: Guidance | None = self.context.get("guidance")
        return GuidanceSerializer(guidance).data if guidance else None


class NewMorningCheckSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=MorningAnswer.choices,
        help_text="Compared with yesterday morning: `better`, `same`, `worse`; `skipped` hides "
        "the question for today. Once a day: a second answer finds the first.",
    )


class CompletionSerializer(serializers.ModelSerializer):
    """One exercise done in one session of a day, with the dose done and how it felt."""

    dose_text = serializers.SerializerMethodField()
    effort = serializers.ChoiceField(
        choices=Difficulty.choices,
        allow_blank=True,
        read_only=True,
        help_text="How it felt, said after ticking it off; empty when not said.",
    )

    class Meta:
        model = Completion
        fields = [
            "id",
            "item",
            "date",
            "session",
            "completed_at",
            "exercise_name",
            *DOSE_FIELDS,
            "side",
            "dose_text",
            "effort",
        ]
        read_only_fields = fields

    def get_dose_text(self, completion: Completion) -> str:
        return completion.dose_in_words(completion.side)


def own_items(field: serializers.Field) -> QuerySet[PrescriptionItem]:
    return PrescriptionItem.objects.filter(
        prescription__patient__user=_caller(field)
    ).select_related("prescription", "exercise")


class OwnItemField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[PrescriptionItem]:
        return own_items(self)


class NewCompletionSerializer(serializers.Serializer):
    """Tick off one exercise in one session of a day (today or yesterday)."""

    item = OwnItemField(
        queryset=PrescriptionItem.objects.none(),
        help_text="An exercise of your program.",
        error_messages={"does_not_exist": gettext_lazy("No such exercise in your program.")},
    )
    date = serializers.DateField(
        required=False, help_text="The patient's local date; today when left out."
    )
    session = serializers.IntegerField(min_value=1, max_value=MAX_TIMES_PER_DAY, default=1)


class EffortSerializer(serializers.Serializer):
    """How an exercise ticked off felt, for the therapist's progression suggestions."""

    effort = serializers.ChoiceField(
        choices=Difficulty.choices, help_text="too_easy, about_right or too_hard."
    )


class PlanExerciseSerializer(serializers.Serializer):
    """An exercise as the plan shows it (read from a plan row: its item and cached details)."""

    id = serializers.IntegerField(source="item.exercise.pk")
    name = serializers.CharField(source="item.exercise.name")
    summary = serializers.CharField(source="item.exercise.summary")
    steps = serializers.ListField(child=serializers.CharField(), source="details.steps")
    position = serializers.CharField(source="item.exercise.get_position_display")
    equipment = serializers.ListField(child=serializers.CharField(), source="details.equipment")
    precautions = serializers.CharField(
        source="item.exercise.precautions",
        help_text="How to do it safely, for everyone (the tips for the patient's own "
        "conditions are the item's `safety_tips`).",
    )
    image = serializers.ImageField(allow_null=True, use_url=True, source="item.exercise.image")
    video_url = serializers.CharField(source="item.exercise.video_url")
    picture_url = serializers.SerializerMethodField(
        help_text="The exercise's picture (SVG) for the side this item is done on."
    )

    @extend_schema_field(serializers.URLField())
    def get_picture_url(self, row: ItemRow) -> str:
        item = row.item
        path = reverse("exercise_picture", kwargs={"slug": item.exercise.slug})
        if item.side in ("left", "right"):
            path = f"{path}?side={item.side}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PlanItemSerializer(serializers.Serializer):
    """One exercise in one session: the unit the patient ticks off."""

    item_id = serializers.IntegerField(source="item.pk")
    session = serializers.IntegerField()
    done = serializers.BooleanField()
    completion = CompletionSerializer(allow_null=True)
    exercise = PlanExerciseSerializer(source="*")
    sets = serializers.IntegerField(source="item.sets")
    reps = serializers.IntegerField(source="item.reps", allow_null=True)
    hold_seconds = serializers.IntegerField(source="item.hold_seconds", allow_null=True)
    duration_seconds = serializers.IntegerField(source="item.duration_seconds", allow_null=True)
    rest_seconds = serializers.IntegerField(source="item.rest_seconds", allow_null=True)
    timer_rest_seconds = serializers.IntegerField(
        source="timer_rest", help_text="Rest between holds for the timer (a default when unset)."
    )
    side = serializers.ChoiceField(choices=Side.choices, source="item.side")
    load = serializers.CharField(source="item.load")
    instructions = serializers.CharField(source="item.instructions")
    dose_text = serializers.CharField(source="item.dose_text")
    safety_tips = serializers.ListField(
        child=serializers.CharField(),
        help_text="How to do it safely with the patient's own conditions, as sentences to show "
        "as they are (what to do; no condition names).",
    )
    media = serializers.SerializerMethodField(
        help_text="The therapist's photos and videos: the exercise's, then this patient's own."
    )
    has_timer = serializers.BooleanField()
    timer_sides = serializers.IntegerField(help_text="2 when done on each side in turn.")
    current = serializers.BooleanField(help_text="The next exercise to do.")

    @extend_schema_field(MediaSerializer(many=True))
    def get_media(self, row: ItemRow) -> list[dict[str, Any]]:
        media = [*row.item.exercise.media.all(), *row.item.media.all()]
        return list(MediaSerializer(media, many=True, context=self.context).data)


class PlanSessionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    done_count = serializers.IntegerField()
    total = serializers.IntegerField()
    all_done = serializers.BooleanField()
    items = PlanItemSerializer(many=True, source="rows")


class PlanProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="prescription.pk")
    title = serializers.CharField(source="prescription.title")
    goal = serializers.CharField(source="prescription.goal")
    notes = serializers.CharField(source="prescription.notes")
    pain_threshold = serializers.IntegerField(source="prescription.pain_threshold")
    current_session = serializers.IntegerField(
        allow_null=True, help_text="The first session not yet finished; null when all are."
    )
    sessions = PlanSessionSerializer(many=True)


class SafetyPauseSerializer(serializers.Serializer):
    """Why the patient's programs are paused for safety, until a therapist ends it."""

    since = serializers.DateTimeField()
    reason = serializers.ChoiceField(
        choices=[Level.EMERGENCY.value, Level.STOP.value],
        help_text="The guidance that started it.",
    )
    message = serializers.CharField(help_text="What the patient is told.")
    phone = serializers.CharField(help_text="The clinic phone to call.")


class EndSafetyPauseSerializer(serializers.Serializer):
    resume = serializers.BooleanField(
        help_text="`true`: start the programs it paused again; `false`: keep them paused."
    )
    note = serializers.CharField(
        max_length=SafetyPause._meta.get_field("end_note").max_length,
        allow_blank=True,
        default="",
        help_text="Optional, for the record.",
    )


class PlanSerializer(serializers.Serializer):
    """A patient's day: what is due in each session, what is done, how the pain was."""

    date = serializers.DateField(source="day")
    today = serializers.DateField(help_text="Today's date where the patient lives.")
    can_log = serializers.BooleanField(
        help_text="Ticks and pain reports can be made for this day (today or yesterday)."
    )
    due_count = serializers.IntegerField()
    done_count = serializers.IntegerField()
    all_done = serializers.BooleanField()
    report_sessions = serializers.IntegerField(
        help_text="How many sessions the day has for pain reports."
    )
    next_report_session = serializers.SerializerMethodField(
        help_text="The session to ask about next."
    )
    programs = PlanProgramSerializer(many=True)
    pain_reports = serializers.SerializerMethodField()
    safety_pause = serializers.SerializerMethodField(
        help_text="Null, or why the programs are paused for safety (no exercises until a "
        "therapist ends it)."
    )
    stop = serializers.SerializerMethodField(
        help_text="The advice given when the safety pause began, while it lasts."
    )
    other_completions = CompletionSerializer(
        many=True, help_text="Exercises ticked off that are no longer planned for the day."
    )
    morning_check_due = serializers.SerializerMethodField(
        help_text='Today only: ask "compared with yesterday morning, how is your pain?" '
        "(`me/morning-checks/`)."
    )
    pain_follow_ups = serializers.SerializerMethodField(
        help_text='Today only: reports answered `not_sure` whose "is the pain still there '
        'now?" is to be asked from their `follow_up_due_at`.'
    )

    def _checks(self) -> DayChecks:
        return self.context.get("checks") or DayChecks()

    def get_morning_check_due(self, plan: DayPlan) -> bool:
        return self._checks().morning_check_due

    @extend_schema_field(PainReportSerializer(many=True))
    def get_pain_follow_ups(self, plan: DayPlan) -> list[dict[str, Any]]:
        context = {**self.context, "safety_pause": plan.safety_pause}
        return [
            PainReportSerializer(follow_up.report, context=context).data
            for follow_up in self._checks().follow_ups
        ]

    def get_next_report_session(self, plan: DayPlan) -> int:
        return plan.next_report_session()

    @extend_schema_field(PainReportSerializer(many=True))
    def get_pain_reports(self, plan: DayPlan) -> list[dict[str, Any]]:
        reports = [plan.reports[session] for session in sorted(plan.reports)]
        for report in reports:
            report.patient = plan.patient
        context = {**self.context, "safety_pause": plan.safety_pause}
        return [PainReportSerializer(report, context=context).data for report in reports]

    @extend_schema_field(SafetyPauseSerializer(allow_null=True))
    def get_safety_pause(self, plan: DayPlan) -> dict[str, Any] | None:
        if plan.safety_pause is None or plan.stop is None:
            return None
        pause, said = plan.safety_pause, plan.stop
        shown = {"since": pause.started_at, "reason": pause.level}
        return SafetyPauseSerializer({**shown, "message": said.message, "phone": said.phone}).data

    @extend_schema_field(GuidanceSerializer(allow_null=True))
    def get_stop(self, plan: DayPlan) -> dict[str, Any] | None:
        return GuidanceSerializer(plan.stop).data if plan.stop else None


class PlanQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
