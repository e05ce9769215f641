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
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from exercises.models import Dose, Precaution, Side
from patients.guidance import (
    OTHER_REASONS,
    AlertLevel,
    Answers,
    Lasting,
    LegSymptom,
    Level,
    Morning,
    Sign,
    alert_rank,
)
from patients.reminder_times import resolve_times, validate_reminder_times
from prescriptions.models import MAX_TIMES_PER_DAY, PHONE_MAX_LENGTH, validate_phone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise

INVITATION_DAYS = 14
# How many patients a list of them shows per page (caseload, archived, dashboard).
PATIENTS_PER_PAGE = 50
PAIN_MAX = 10


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("“%(value)s” is not a known time zone (for example Europe/Berlin).")
            % {"value": value}
        )


def validate_conditions(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(gettext("Conditions must be a list of codes."))
    unknown = sorted(set(value) - set(Precaution.values))
    if unknown:
        raise ValidationError(
            gettext("Unknown condition: %(codes)s.") % {"codes": ", ".join(unknown)}
        )


# The intake red-flag screen (DESIGN §5 and common red-flag practice): each answer is an explicit
# yes or no, stored as ``intake_<name>``; empty on every one means the screen was never done.
INTAKE_QUESTIONS: dict[str, StrOrPromise] = {
    "bladder_bowel": gettext_lazy(
        "Bladder or bowel change (can't pass urine, leaking, loss of control)"
    ),
    "saddle_numbness": gettext_lazy("Numbness in the saddle area"),
    "both_legs": gettext_lazy("Numbness or weakness in both legs"),
    "weight_loss": gettext_lazy("Unexplained weight loss"),
    "cancer_history": gettext_lazy("History of cancer"),
    "night_pain": gettext_lazy("Night pain not eased by rest"),
    "fever": gettext_lazy("Fever"),
    "injury": gettext_lazy("Recent significant injury (a fall, an accident)"),
}
INTAKE_FIELDS = [f"intake_{name}" for name in INTAKE_QUESTIONS]
CLEARANCE_NOTE_MAX_LENGTH = 1000


class ProgramStart(models.TextChoices):
    """Whether a new program may start for a patient, and if not, why."""

    ALLOWED = "allowed", gettext_lazy("A program can start")
    SCREEN_NEEDED = "screen_needed", gettext_lazy("The intake red-flag screen is not recorded yet")
    CLEARANCE_NEEDED = "clearance_needed", gettext_lazy("Medical clearance is not confirmed yet")


class PatientQuerySet(models.QuerySet["Patient"]):
    def for_therapist(self, user: User | AnonymousUser) -> PatientQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(care_team=user)

    def for_user(self, user: User | AnonymousUser) -> PatientQuerySet:
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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="patient",
        verbose_name=gettext_lazy("user"),
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="caseload",
        blank=True,
        verbose_name=gettext_lazy("care team"),
    )
    timezone = models.CharField(
        gettext_lazy("timezone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=gettext_lazy("IANA name."),
    )
    conditions = models.JSONField(
        gettext_lazy("conditions"),
        default=list,
        blank=True,
        validators=[validate_conditions],
        help_text=gettext_lazy("Conditions that call for care with some exercises."),
    )
    clinic_phone = models.CharField(
        gettext_lazy("clinic phone"),
        max_length=PHONE_MAX_LENGTH,
        blank=True,
        validators=[validate_phone],
        help_text=gettext_lazy(
            "Required for new patients; empty only on older records (the clinic-wide "
            "number stands in)."
        ),
    )
    language = models.CharField(
        gettext_lazy("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=gettext_lazy(
            "What the patient reads Rehabit in: pages, emails, calendar and handout."
        ),
    )
    archived_at = models.DateTimeField(gettext_lazy("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    # Reminders. The therapist sets defaults; the patient's own choice, once made, wins.
    default_reminder_times = models.JSONField(
        gettext_lazy("default reminder times"),
        default=list,
        blank=True,
        validators=[validate_reminder_times],
        help_text=gettext_lazy(
            "The therapist's times (HH:MM, one per daily session); empty: suggested times."
        ),
    )
    default_email_reminders = models.BooleanField(
        gettext_lazy("default email reminders"),
        default=False,
        help_text=gettext_lazy(
            "The therapist's default: email reminders unless the patient chooses."
        ),
    )
    reminder_times = models.JSONField(
        gettext_lazy("reminder times"),
        default=list,
        blank=True,
        validators=[validate_reminder_times],
        help_text=gettext_lazy("The patient's own times (HH:MM); empty: the therapist's."),
    )
    email_reminders = models.BooleanField(
        gettext_lazy("email reminders"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The patient's own choice; empty: the therapist's default."),
    )
    # The random half of the private calendar link; the other half is a signature made with
    # SECRET_KEY (see patients.calendar_feed), so this value alone, in a backup or the audit
    # trail, opens nothing. Empty: no link. A new key makes the old link answer 404.
    calendar_key = models.CharField(
        gettext_lazy("calendar key"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    # The intake red-flag screen, and the medical clearance a positive answer calls for.
    intake_bladder_bowel = models.BooleanField(
        INTAKE_QUESTIONS["bladder_bowel"],
        null=True,
        blank=True,
    )
    intake_saddle_numbness = models.BooleanField(
        INTAKE_QUESTIONS["saddle_numbness"],
        null=True,
        blank=True,
    )
    intake_both_legs = models.BooleanField(INTAKE_QUESTIONS["both_legs"], null=True, blank=True)
    intake_weight_loss = models.BooleanField(INTAKE_QUESTIONS["weight_loss"], null=True, blank=True)
    intake_cancer_history = models.BooleanField(
        INTAKE_QUESTIONS["cancer_history"],
        null=True,
        blank=True,
    )
    intake_night_pain = models.BooleanField(INTAKE_QUESTIONS["night_pain"], null=True, blank=True)
    intake_fever = models.BooleanField(INTAKE_QUESTIONS["fever"], null=True, blank=True)
    intake_injury = models.BooleanField(INTAKE_QUESTIONS["injury"], null=True, blank=True)
    intake_screened_at = models.DateTimeField(
        gettext_lazy("intake screened at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty: the intake screen was never recorded."),
    )
    intake_screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("intake screened by"),
    )
    cleared_at = models.DateTimeField(
        gettext_lazy("medical clearance confirmed at"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When a therapist confirmed medical clearance for the positive answers."
        ),
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("cleared by"),
    )
    clearance_note = models.TextField(
        gettext_lazy("clearance note"), blank=True, max_length=CLEARANCE_NOTE_MAX_LENGTH
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        constraints = [
            # The screen is all answered or not done at all, never half.
            models.CheckConstraint(
                condition=Q(
                    intake_screened_at__isnull=True,
                    **{f"{name}__isnull": True for name in INTAKE_FIELDS},
                )
                | Q(
                    intake_screened_at__isnull=False,
                    **{f"{name}__isnull": False for name in INTAKE_FIELDS},
                ),
                name="patient_intake_screen_complete_or_absent",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | Q(intake_screened_at__isnull=False),
                name="patient_clearance_after_screen",
            ),
        ]

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
        return [
            str(Precaution(code).label) for code in self.conditions if code in Precaution.values
        ]

    @property
    def wants_email_reminders(self) -> bool:
        """The patient's own choice, or the therapist's default until they make one."""
        if self.email_reminders is None:
            return self.default_email_reminders
        return self.email_reminders

    def reminder_times_for(self, sessions: int) -> list[datetime.time]:
        """The reminder time of each session, for a day plan with ``sessions`` sessions."""
        return resolve_times(
            sessions, own=self.reminder_times, therapist=self.default_reminder_times
        )

    # --- The intake red-flag screen ----------------------------------------------------------

    @property
    def is_screened(self) -> bool:
        return self.intake_screened_at is not None

    def intake_answers(self) -> dict[str, bool | None]:
        """Each intake question's answer by name; None while the screen is not recorded."""
        return {name: getattr(self, f"intake_{name}") for name in INTAKE_QUESTIONS}

    def intake_positives(self) -> list[str]:
        """The questions answered yes, in plain words."""
        return [str(INTAKE_QUESTIONS[name]) for name, yes in self.intake_answers().items() if yes]

    @property
    def needs_clearance(self) -> bool:
        """A yes on the intake screen that no therapist has cleared yet."""
        return bool(self.intake_positives()) and self.cleared_at is None

    def program_start(self) -> ProgramStart:
        """Whether a new program may start: only after the intake screen, and after medical
        clearance when it found a red flag. Programs already running are not stopped by it."""
        if not self.is_screened:
            return ProgramStart.SCREEN_NEEDED
        if self.needs_clearance:
            return ProgramStart.CLEARANCE_NEEDED
        return ProgramStart.ALLOWED

    def program_start_refusal(self) -> str:
        """Why a new program cannot start for this patient, in a whole sentence; empty: it can."""
        start = self.program_start()
        if start == ProgramStart.SCREEN_NEEDED:
            return (
                f"Record the intake red-flag screen for {self.display_name} before starting a "
                "program: edit their details and answer each question."
            )
        if start == ProgramStart.CLEARANCE_NEEDED:
            return (
                f"Confirm medical clearance for {self.display_name} before starting a program. "
                f"Their intake screen answered yes to: {'; '.join(self.intake_positives())}."
            )
        return ""

    @staticmethod
    def new_calendar_key() -> str:
        return secrets.token_urlsafe(18)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self, now: datetime.datetime | None = None) -> InvitationQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A single-use link that lets a patient set a password. Only a hash of it is stored."""

    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=gettext_lazy("patient"),
    )
    token_hash = models.CharField(gettext_lazy("token hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)
    expires_at = models.DateTimeField(gettext_lazy("expires at"))
    used_at = models.DateTimeField(gettext_lazy("used at"), null=True, blank=True)

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


class Difficulty(models.TextChoices):
    """How hard an exercise felt: asked after each check-off (DESIGN §5, progression)."""

    TOO_EASY = "too_easy", gettext_lazy("Too easy")
    ABOUT_RIGHT = "about_right", gettext_lazy("About right")
    TOO_HARD = "too_hard", gettext_lazy("Too hard")


class CompletionQuerySet(models.QuerySet["Completion"]):
    def for_user(self, user: User | AnonymousUser) -> CompletionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()


class Completion(Dose):
    """One exercise done in one session of one day, with a copy of the dose done.

    The copy keeps history true after the program is edited. The unique constraint makes a
    double tap, a retry or a second tab harmless.
    """

    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=gettext_lazy("patient"),
    )
    item = models.ForeignKey(
        "prescriptions.PrescriptionItem",
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=gettext_lazy("item"),
    )
    date = models.DateField(gettext_lazy("date"))
    session = models.PositiveSmallIntegerField(
        gettext_lazy("session"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)],
    )
    completed_at = models.DateTimeField(gettext_lazy("completed at"), default=timezone.now)
    exercise_name = models.CharField(gettext_lazy("exercise name"), max_length=120)
    side = models.CharField(
        gettext_lazy("side"), max_length=12, choices=Side.choices, default=Side.BOTH
    )
    effort = models.CharField(
        gettext_lazy("how it felt"),
        max_length=12,
        choices=Difficulty.choices,
        blank=True,
        help_text=gettext_lazy(
            "The patient's answer after ticking it off; empty when they skipped it."
        ),
    )

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
            models.CheckConstraint(
                condition=Q(effort__in=["", *Difficulty.values]), name="completion_effort_known"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "date"]),
            # The dashboard's "last activity": the newest completion of each patient.
            models.Index(fields=["patient", "-completed_at"], name="completion_patient_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_name} on {self.date} (session {self.session})"


class LastingChoice(models.TextChoices):
    YES = Lasting.YES.value, gettext_lazy("Yes")
    NO = Lasting.NO.value, gettext_lazy("No")
    NOT_SURE = Lasting.NOT_SURE.value, gettext_lazy("Not sure yet")


# "Not sure yet" whether the pain lasts: Today asks again this long after the report.
FOLLOW_UP_AFTER = datetime.timedelta(minutes=15)


class PainReportQuerySet(models.QuerySet["PainReport"]):
    def for_user(self, user: User | AnonymousUser) -> PainReportQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()


class PainReport(models.Model):
    """How a session went: pain on the 0–10 numeric rating scale, symptoms and a note."""

    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="pain_reports",
        verbose_name=gettext_lazy("patient"),
    )
    prescription = models.ForeignKey(
        "prescriptions.Prescription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pain_reports",
        verbose_name=gettext_lazy("prescription"),
    )
    date = models.DateField(gettext_lazy("date"))
    session = models.PositiveSmallIntegerField(
        gettext_lazy("session"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)],
    )
    pain = models.PositiveSmallIntegerField(
        gettext_lazy("pain"),
        validators=[MinValueValidator(0), MaxValueValidator(PAIN_MAX)],
        help_text=gettext_lazy("0 is no pain, 10 is the worst pain imaginable."),
    )
    pain_lasting = models.CharField(
        gettext_lazy("pain still there 15 minutes after stopping"),
        max_length=8,
        choices=LastingChoice.choices,
        blank=True,
        help_text=gettext_lazy("Empty only on reports from before the question was asked."),
    )
    # Leg symptoms (DESIGN §5 rows 2 and 7), and whether they are as usual.
    numbness = models.BooleanField(gettext_lazy("numbness"), default=False)
    tingling = models.BooleanField(gettext_lazy("tingling"), default=False)
    weakness = models.BooleanField(gettext_lazy("weakness"), default=False)
    pain_down_leg = models.BooleanField(gettext_lazy("pain spreading down a leg"), default=False)
    leg_symptoms_usual = models.BooleanField(
        gettext_lazy("leg symptoms as usual and unchanged"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Yes: the same as usual. No or unanswered: new or worse."),
    )
    # Emergency signs (row 1).
    bladder_bowel = models.BooleanField(
        gettext_lazy("bladder or bowel change"),
        default=False,
        help_text=gettext_lazy("Can't pass urine, leaking, loss of control."),
    )
    saddle_numbness = models.BooleanField(
        gettext_lazy("numbness in the saddle area"), default=False
    )
    both_legs = models.BooleanField(
        gettext_lazy("numbness or weakness in both legs"), default=False
    )
    chest = models.BooleanField(
        gettext_lazy("chest pain, sudden breathlessness or fainting"),
        default=False,
    )
    # Other reasons to stop (row 3).
    unwell = models.BooleanField(gettext_lazy("fever or feeling unwell"), default=False)
    fall_or_injury = models.BooleanField(
        gettext_lazy("a fall or injury since the last session"),
        default=False,
    )
    difficulty = models.CharField(
        gettext_lazy("difficulty"), max_length=12, choices=Difficulty.choices, blank=True
    )
    note = models.TextField(gettext_lazy("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)
    followed_up_at = models.DateTimeField(
        gettext_lazy("followed up at"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            'When a "not sure yet" about the pain 15 minutes later was answered on Today.'
        ),
    )

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
            models.CheckConstraint(
                condition=Q(pain_lasting__in=["", *LastingChoice.values]),
                name="pain_report_lasting_known",
            ),
            models.UniqueConstraint(
                fields=["patient", "date", "session"], name="one_pain_report_per_session"
            ),
        ]
        # The dashboard's "last activity": the newest report of each patient.
        indexes = [
            models.Index(fields=["patient", "-updated_at"], name="pain_report_patient_latest")
        ]

    def __str__(self) -> str:
        return f"Pain report of {self.date} (session {self.session})"

    def follow_up_due_at(self) -> datetime.datetime | None:
        """When Today asks "is the pain still there now?": 15 minutes after the "not sure yet"
        was last sent, until it is followed up; None when there is nothing to ask."""
        if self.pain_lasting != Lasting.NOT_SURE or self.followed_up_at is not None:
            return None
        return self.updated_at + FOLLOW_UP_AFTER

    def leg_symptoms(self) -> frozenset[LegSymptom]:
        return frozenset(symptom for symptom in LegSymptom if getattr(self, symptom.value))

    def signs(self) -> frozenset[Sign]:
        return frozenset(sign for sign in Sign if getattr(self, sign.value))

    def answers(self, threshold: int) -> Answers:
        """The report as the decision table of DESIGN §5 reads it."""
        return Answers(
            pain=self.pain,
            threshold=threshold,
            lasting=Lasting(self.pain_lasting) if self.pain_lasting else None,
            leg_symptoms=self.leg_symptoms(),
            leg_symptoms_usual=self.leg_symptoms_usual,
            signs=self.signs(),
            unwell=self.unwell,
            fall_or_injury=self.fall_or_injury,
        )

    @property
    def has_leg_symptoms(self) -> bool:
        return bool(self.leg_symptoms())

    def symptom_labels(self) -> list[str]:
        """Everything of concern the patient ticked, in plain words (no pain score)."""
        names = [*(s.value for s in Sign), *(s.value for s in LegSymptom), *OTHER_REASONS]
        return [self.label(name) for name in names if getattr(self, name)]

    @classmethod
    def label(cls, name: str) -> str:
        """A field's plain words ("numbness in the saddle area")."""
        if name in _UNNAMED_SYMPTOMS:
            return str(_UNNAMED_SYMPTOMS[name])
        field = cls._meta.get_field(name)
        return str(getattr(field, "verbose_name", name))


# The symptoms whose field name is their plain word (the field has no verbose name of its own).
_UNNAMED_SYMPTOMS = {
    "numbness": gettext_lazy("numbness"),
    "tingling": gettext_lazy("tingling"),
    "weakness": gettext_lazy("weakness"),
}


class MorningAnswer(models.TextChoices):
    """The morning check: the pain this morning compared with yesterday morning."""

    BETTER = Morning.BETTER.value, gettext_lazy("Better")
    SAME = Morning.SAME.value, gettext_lazy("The same")
    WORSE = Morning.WORSE.value, gettext_lazy("Worse")
    SKIPPED = "skipped", gettext_lazy("Skipped")


class MorningCheckQuerySet(models.QuerySet["MorningCheck"]):
    def for_user(self, user: User | AnonymousUser) -> MorningCheckQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()


class MorningCheck(models.Model):
    """One tap a day on Today: is the pain better, the same or worse than yesterday morning?
    ``skipped`` hides the question for the day. One per patient and local day."""

    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="morning_checks",
        verbose_name=gettext_lazy("patient"),
    )
    date = models.DateField(
        gettext_lazy("date"), help_text=gettext_lazy("The patient's local date.")
    )
    answer = models.CharField(gettext_lazy("answer"), max_length=8, choices=MorningAnswer.choices)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)

    objects = MorningCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="one_morning_check_per_day"),
            models.CheckConstraint(
                condition=Q(answer__in=MorningAnswer.values), name="morning_check_answer_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Morning check of {self.date}: {self.get_answer_display()}"


class AlertKind(models.TextChoices):
    REPORT = "report", gettext_lazy("Pain report")
    WORSE_MORNINGS = "worse_mornings", gettext_lazy("Worse two mornings running")
    WEEKLY_RISE = "weekly_rise", gettext_lazy("Pain higher than last week")
    # Reports before one alert gathered every reason had one alert per reason.
    RED_FLAG = "red_flag", gettext_lazy("Red-flag symptom")
    PAIN_ABOVE_THRESHOLD = "pain_above_threshold", gettext_lazy("Pain above threshold")
    PAIN_RISING = "pain_rising", gettext_lazy("Pain rising")
    LASTING_PAIN = "lasting_pain", gettext_lazy("Pain lasting over 15 minutes")
    INACTIVITY = "inactivity", gettext_lazy("Missed sessions")


class Severity(models.TextChoices):
    """How urgently the care team must look (DESIGN §5); the worst reason sets it."""

    CRITICAL = AlertLevel.CRITICAL.value, gettext_lazy("Critical")
    URGENT = AlertLevel.URGENT.value, gettext_lazy("Urgent")
    ATTENTION = AlertLevel.ATTENTION.value, gettext_lazy("Attention")


# The emails a critical or urgent alert sends to the care team (once per alert and severity).
EMAILED_SEVERITIES = (Severity.CRITICAL, Severity.URGENT)


class AlertQuerySet(models.QuerySet["Alert"]):
    def for_user(self, user: User | AnonymousUser) -> AlertQuerySet:
        """Alerts are for the care team; patients do not see them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(patient__care_team=user)

    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=gettext_lazy("patient"),
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=24, choices=AlertKind.choices)
    severity = models.CharField(
        gettext_lazy("severity"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.ATTENTION,
    )
    message = models.CharField(gettext_lazy("message"), max_length=300)
    report = models.ForeignKey(
        PainReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        help_text=gettext_lazy("The latest report in it."),
        verbose_name=gettext_lazy("report"),
    )
    reports = models.ManyToManyField(
        PainReport,
        blank=True,
        related_name="report_alerts",
        help_text=gettext_lazy("Every report in it."),
        verbose_name=gettext_lazy("reports"),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)
    updated_at = models.DateTimeField(
        gettext_lazy("updated at"),
        default=timezone.now,
        help_text=gettext_lazy("When a report last joined it (the dashboard's recency)."),
    )
    acknowledged_at = models.DateTimeField(gettext_lazy("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("acknowledged by"),
    )
    acknowledgement_note = models.TextField(
        gettext_lazy("acknowledgement note"), blank=True, max_length=1000
    )
    entries = models.JSONField(
        gettext_lazy("entries"),
        default=list,
        blank=True,
        editable=False,
        help_text=(
            gettext_lazy(
                "Each report as it stood when it raised or joined the alert, oldest first: report, "
                "date, session, pain, severity and reasons. A report changed later does not change "
                "what the alert recorded."
            )
        ),
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(acknowledged_at__isnull=True),
                name="one_open_alert_per_patient_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="alert_severity_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def severity_rank(self) -> int:
        return alert_rank(self.severity)

    @property
    def entries_newest_first(self) -> list[dict[str, object]]:
        return list(reversed(self.entries))

    @property
    def worst_entry(self) -> dict[str, object] | None:
        """The gathered report that set the alert's severity, when it is not the latest (so a
        critical badge never stands over milder words only); None otherwise."""
        if len(self.entries) < 2:
            return None
        worst = max(reversed(self.entries), key=lambda entry: alert_rank(str(entry["severity"])))
        if alert_rank(str(worst["severity"])) <= alert_rank(str(self.entries[-1]["severity"])):
            return None
        return worst


class AlertEmail(models.Model):
    """The record of one urgent-alert email to one therapist, once per alert and severity.

    It carries no name, pain or symptom: the email says only that an alert needs them, with a
    link. The row is written in the transaction that raises or escalates the alert, so an
    email owed is never lost; it is owed until ``sent_at`` is set or it is given up
    (``failed``). Senders claim it first (``claimed_at``, ``attempts``) as reminder emails are
    claimed; see ``monitoring.notify``. The unique constraint makes a second writer find the
    row, not add another.
    """

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="emails", verbose_name=gettext_lazy("alert")
    )
    severity = models.CharField(gettext_lazy("severity"), max_length=10, choices=Severity.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("recipient"),
    )
    sent_at = models.DateTimeField(gettext_lazy("sent at"), null=True, blank=True)
    failed = models.BooleanField(
        gettext_lazy("failed"),
        default=False,
        help_text=gettext_lazy("Given up: not sent, never will be."),
    )
    claimed_at = models.DateTimeField(
        gettext_lazy("claimed at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When a sender last took it on; empty: free to retry."),
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    last_error = models.CharField(
        gettext_lazy("last error"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("The kind of the last error (no addresses)."),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "severity", "recipient"], name="one_alert_email_per_severity"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed=False),
                name="alert_email_sent_or_failed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, failed=False),
                name="alert_email_owed",
            )
        ]

    def __str__(self) -> str:
        return f"Alert email ({self.get_severity_display()}) to user {self.recipient_id}"


class SafetyPauseQuerySet(models.QuerySet["SafetyPause"]):
    def open(self) -> SafetyPauseQuerySet:
        return self.filter(ended_at__isnull=True)

    def open_since(self) -> models.Subquery:
        """For annotating patients: when their open safety pause began, or None."""
        open_pause = self.open().filter(patient=models.OuterRef("pk"))
        return models.Subquery(open_pause.values("started_at")[:1])


class SafetyPause(models.Model):
    """After a ``stop`` or ``emergency`` answer: the patient's programs are paused for safety
    until a therapist on the care team ends the pause (DESIGN §5)."""

    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="safety_pauses",
        verbose_name=gettext_lazy("patient"),
    )
    level = models.CharField(
        gettext_lazy("level"),
        max_length=10,
        choices=[(Level.EMERGENCY.value, "Emergency"), (Level.STOP.value, "Stop")],
    )
    report = models.ForeignKey(
        PainReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("report"),
    )
    programs = models.ManyToManyField(
        "prescriptions.Prescription",
        blank=True,
        related_name="safety_pauses",
        help_text=gettext_lazy("The programs this pause paused, resumed when it ends."),
        verbose_name=gettext_lazy("programs"),
    )
    started_at = models.DateTimeField(gettext_lazy("started at"), default=timezone.now)
    ended_at = models.DateTimeField(gettext_lazy("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("ended by"),
    )
    resumed = models.BooleanField(
        gettext_lazy("resumed"),
        default=False,
        help_text=gettext_lazy("Whether ending it resumed the programs it paused."),
    )
    reasons = models.CharField(
        gettext_lazy("reasons"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "Why it began (or rose to emergency), as the report said then: a report "
            "changed later does not change it."
        ),
    )
    end_note = models.TextField(gettext_lazy("end note"), blank=True, max_length=1000)

    objects = SafetyPauseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ended_at__isnull=True),
                name="one_open_safety_pause_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[Level.EMERGENCY.value, Level.STOP.value]),
                name="safety_pause_level_known",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="safety_pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety pause for {self.patient}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Being sent")
    SENT = "sent", gettext_lazy("Sent")
    FAILED = "failed", gettext_lazy("Not sent")


class ReminderEmailQuerySet(models.QuerySet["ReminderEmail"]):
    def for_user(self, user: User | AnonymousUser) -> ReminderEmailQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()


class ReminderEmail(models.Model):
    """The record of one reminder email: one row per patient, day and session, ever.

    A sender claims the row (``pending``) in its own committed transaction before it sends, and
    marks it ``sent`` afterwards; the unique constraint is what makes a second sender, a rerun
    or a retry find the row instead of sending again. See ``patients.reminders``.
    """

    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="reminder_emails",
        verbose_name=gettext_lazy("patient"),
    )
    date = models.DateField(
        gettext_lazy("date"), help_text=gettext_lazy("The patient's local date.")
    )
    session = models.PositiveSmallIntegerField(
        gettext_lazy("session"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)],
    )
    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=ReminderStatus.choices,
        default=ReminderStatus.PENDING,
    )
    due_at = models.DateTimeField(
        gettext_lazy("due at"), help_text=gettext_lazy("The reminder time, as an instant.")
    )
    claimed_at = models.DateTimeField(
        gettext_lazy("claimed at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When a sender last took it on; empty: free to retry."),
    )
    sent_at = models.DateTimeField(gettext_lazy("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)

    objects = ReminderEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-session"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "date", "session"], name="one_reminder_email_per_session"
            ),
            models.CheckConstraint(
                condition=Q(session__gte=1) & Q(session__lte=MAX_TIMES_PER_DAY),
                name="reminder_email_session_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReminderStatus.values), name="reminder_email_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
                name="reminder_email_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status=ReminderStatus.PENDING),
                name="reminder_email_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.date} (session {self.session}): {self.get_status_display()}"
