"""Patients, their invitations, what they log (completions, pain reports) and alerts."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from exercises.models import Dose, Precaution, Side
from prescriptions.models import MAX_TIMES_PER_DAY

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

INVITATION_DAYS = 14
PAIN_MAX = 10


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (for example Europe/Berlin).")


def validate_conditions(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Conditions must be a list of codes.")
    unknown = sorted(set(value) - set(Precaution.values))
    if unknown:
        raise ValidationError(f"Unknown condition: {', '.join(unknown)}.")


class PatientQuerySet(models.QuerySet["Patient"]):
    def for_therapist(self, user: AbstractBaseUser | AnonymousUser) -> PatientQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(care_team=user)

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> PatientQuerySet:
        """The patient themself, or the patients on a therapist's care team."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(user=user) | Q(care_team=user)).distinct()

    def current(self) -> PatientQuerySet:
        return self.filter(archived_at__isnull=True)


class Patient(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient"
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="caseload", blank=True
    )
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_timezone], help_text="IANA name."
    )
    conditions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_conditions],
        help_text="Conditions that call for care with some exercises.",
    )
    clinic_phone = models.CharField(max_length=40, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_today(self, now: datetime.datetime | None = None) -> datetime.date:
        """Today's date where the patient lives."""
        return (now or timezone.now()).astimezone(self.zone).date()

    def condition_labels(self) -> list[str]:
        return [Precaution(code).label for code in self.conditions if code in Precaution.values]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self, now: datetime.datetime | None = None) -> InvitationQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A single-use link that lets a patient set a password. Only a hash of it is stored."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.patient}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class CompletionQuerySet(models.QuerySet["Completion"]):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> CompletionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()


class Completion(Dose):
    """One exercise done in one session of one day, with a copy of the dose done.

    The copy keeps history true after the program is edited. The unique constraint makes a
    double tap, a retry or a second tab harmless.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="completions")
    item = models.ForeignKey(
        "prescriptions.PrescriptionItem", on_delete=models.CASCADE, related_name="completions"
    )
    date = models.DateField()
    session = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)]
    )
    completed_at = models.DateTimeField(default=timezone.now)
    exercise_name = models.CharField(max_length=120)
    side = models.CharField(max_length=12, choices=Side.choices, default=Side.BOTH)

    objects = CompletionQuerySet.as_manager()

    class Meta(Dose.Meta):
        ordering = ["-date", "session"]
        constraints = [
            *Dose.Meta.constraints,
            models.UniqueConstraint(
                fields=["item", "date", "session"], name="one_completion_per_item_date_session"
            ),
            models.CheckConstraint(
                condition=Q(session__gte=1) & Q(session__lte=MAX_TIMES_PER_DAY),
                name="completion_session_in_range",
            ),
        ]
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"{self.exercise_name} on {self.date} (session {self.session})"


class Difficulty(models.TextChoices):
    TOO_EASY = "too_easy", "Too easy"
    ABOUT_RIGHT = "about_right", "About right"
    TOO_HARD = "too_hard", "Too hard"


class PainReportQuerySet(models.QuerySet["PainReport"]):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> PainReportQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()


class PainReport(models.Model):
    """How a session went: pain on the 0–10 numeric rating scale, symptoms and a note."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pain_reports")
    prescription = models.ForeignKey(
        "prescriptions.Prescription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pain_reports",
    )
    date = models.DateField()
    session = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)]
    )
    pain = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(PAIN_MAX)],
        help_text="0 is no pain, 10 is the worst pain imaginable.",
    )
    pain_lasted_over_15_min = models.BooleanField("pain lasted more than 15 minutes", default=False)
    numbness = models.BooleanField(default=False)
    tingling = models.BooleanField(default=False)
    weakness = models.BooleanField(default=False)
    pain_down_leg = models.BooleanField("pain spreading down a leg", default=False)
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PainReportQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-session"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain__gte=0) & Q(pain__lte=PAIN_MAX), name="pain_report_pain_0_10"
            ),
            models.CheckConstraint(
                condition=Q(session__gte=1) & Q(session__lte=MAX_TIMES_PER_DAY),
                name="pain_report_session_in_range",
            ),
            models.UniqueConstraint(
                fields=["patient", "date", "session"], name="one_pain_report_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"Pain report of {self.date} (session {self.session})"

    @property
    def has_red_flag(self) -> bool:
        """Numbness, tingling, weakness or pain spreading down a leg."""
        return self.numbness or self.tingling or self.weakness or self.pain_down_leg

    def symptom_labels(self) -> list[str]:
        """The red-flag symptoms reported, in plain words."""
        return [
            label
            for flag, label in (
                (self.numbness, "numbness"),
                (self.tingling, "tingling"),
                (self.weakness, "weakness"),
                (self.pain_down_leg, "pain spreading down a leg"),
            )
            if flag
        ]


class AlertKind(models.TextChoices):
    RED_FLAG = "red_flag", "Red-flag symptom"
    PAIN_ABOVE_THRESHOLD = "pain_above_threshold", "Pain above threshold"
    PAIN_RISING = "pain_rising", "Pain rising"
    LASTING_PAIN = "lasting_pain", "Pain lasting over 15 minutes"
    INACTIVITY = "inactivity", "Missed sessions"


class Severity(models.TextChoices):
    URGENT = "urgent", "Urgent"
    WARNING = "warning", "Warning"


class AlertQuerySet(models.QuerySet["Alert"]):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> AlertQuerySet:
        """Alerts are for the care team; patients do not see them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(patient__care_team=user)

    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    message = models.CharField(max_length=300)
    report = models.ForeignKey(
        PainReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(acknowledged_at__isnull=True),
                name="one_open_alert_per_patient_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
