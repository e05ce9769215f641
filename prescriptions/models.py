"""Programs a therapist prescribes (Prescription + items) and reusable ProgramTemplates."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from exercises.models import DOSE_FIELDS, Dose, Side, validate_precaution_tags

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MAX_TIMES_PER_DAY = 6
# The pain acceptable during exercise (DESIGN §5): 0–6, default 5 ("mild" in the seeds).
PAIN_THRESHOLD_MAX = 6
PAIN_THRESHOLD_DEFAULT = 5
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]
# English names, for code and logs; pages use ``django.utils.dates.WEEKDAYS`` (translated).
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def validate_days_of_week(value: object) -> None:
    """Days are ISO weekday numbers counted from Monday = 0, at least one, no repeats."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one day of the week."))
    if any(not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6 for day in value):
        raise ValidationError(_("Days of the week are numbers from 0 (Monday) to 6 (Sunday)."))
    if len(set(value)) != len(value):
        raise ValidationError(_("A day of the week is listed twice."))


PHONE_MAX_LENGTH = 40
PHONE_MIN_DIGITS = 6
_PHONE_CHARACTERS = frozenset("0123456789 +-()")


def validate_phone(value: str) -> None:
    """A phone number written plainly: digits, spaces, +, - and parentheses, 6 digits or more."""
    if not value.strip():
        return
    if not set(value) <= _PHONE_CHARACTERS:
        raise ValidationError(
            _("Write the phone number with digits only, and spaces, +, - or brackets if you like."),
            code="invalid_phone",
        )
    if sum(character.isdigit() for character in value) < PHONE_MIN_DIGITS:
        raise ValidationError(
            _("A phone number has at least %(count)s digits.") % {"count": PHONE_MIN_DIGITS},
            code="invalid_phone",
        )


def days_in_words(days: list[int]) -> str:
    days = sorted(set(days))
    if days == ALL_DAYS:
        return _("every day")
    if days == [0, 1, 2, 3, 4]:
        return _("Monday to Friday")
    return ", ".join(str(WEEKDAYS[day]) for day in days)


def times_in_words(times_per_day: int) -> str:
    if times_per_day == 1:
        return _("once a day")
    if times_per_day == 2:
        return _("twice a day")
    return ngettext("%(count)s time a day", "%(count)s times a day", times_per_day) % {
        "count": times_per_day
    }


class Schedule(models.Model):
    """Which weekdays and how many sessions a day: shared by programs and templates."""

    days_of_week = models.JSONField(
        gettext_lazy("days of week"), default=list, validators=[validate_days_of_week]
    )
    times_per_day = models.PositiveSmallIntegerField(
        gettext_lazy("times per day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(times_per_day__gte=1) & Q(times_per_day__lte=MAX_TIMES_PER_DAY),
                name="%(app_label)s_%(class)s_times_per_day_in_range",
            ),
        ]

    def schedule_in_words(self) -> str:
        # Translators: how often, then which days: "twice a day, Monday to Friday".
        return _("%(times)s, %(days)s") % {
            "times": times_in_words(self.times_per_day),
            "days": days_in_words(self.days_of_week),
        }


class ItemFields(Dose):
    """A dosed exercise inside a program or template."""

    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("exercise"),
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    side = models.CharField(
        gettext_lazy("side"), max_length=12, choices=Side.choices, default=Side.BOTH
    )
    load = models.CharField(
        gettext_lazy("load"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy("For example: light band, 1 kg weight."),
    )
    instructions = models.TextField(
        gettext_lazy("instructions"),
        blank=True,
        help_text=gettext_lazy("Extra notes for the patient."),
    )

    class Meta(Dose.Meta):
        abstract = True
        ordering = ["position", "pk"]

    def dose_text(self) -> str:
        return self.dose_in_words(self.side)


# What a program or template item holds besides its exercise and place in the list.
ITEM_VALUE_FIELDS = (*DOSE_FIELDS, "side", "load", "instructions")


class TemplateQuerySet(models.QuerySet["ProgramTemplate"]):
    def for_user(self, user: User | AnonymousUser) -> TemplateQuerySet:
        """Shared starter templates plus the user's own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner=user))

    def with_items(self) -> TemplateQuerySet:
        return self.prefetch_related(
            models.Prefetch(
                "items", queryset=ProgramTemplateItem.objects.select_related("exercise")
            )
        )


class ProgramTemplate(Schedule):
    name = models.CharField(gettext_lazy("name"), max_length=120)
    slug = models.SlugField(gettext_lazy("slug"), max_length=120, blank=True)
    audience = models.CharField(
        gettext_lazy("who it is for"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("For the therapist choosing it; patients do not see it."),
    )
    description = models.TextField(gettext_lazy("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="program_templates",
        help_text=gettext_lazy(
            "Empty for a shared starter template; otherwise the therapist who owns it."
        ),
        verbose_name=gettext_lazy("owner"),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    objects = TemplateQuerySet.as_manager()

    class Meta(Schedule.Meta):
        ordering = ["name"]
        constraints = [
            *Schedule.Meta.constraints,
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(owner__isnull=True) & ~Q(slug=""),
                name="unique_shared_template_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramTemplateItem(ItemFields):
    template = models.ForeignKey(
        ProgramTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=gettext_lazy("template"),
    )

    class Meta(ItemFields.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.exercise} in {self.template}"


class Status(models.TextChoices):
    ACTIVE = "active", gettext_lazy("Active")
    PAUSED = "paused", gettext_lazy("Paused")
    ENDED = "ended", gettext_lazy("Ended")


class PrescriptionQuerySet(models.QuerySet["Prescription"]):
    def for_user(self, user: User | AnonymousUser) -> PrescriptionQuerySet:
        """A patient's own programs; a therapist's care-team patients' programs."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()

    def with_items(self) -> PrescriptionQuerySet:
        return self.prefetch_related(
            models.Prefetch(
                "items",
                queryset=PrescriptionItem.objects.select_related("exercise").prefetch_related(
                    "exercise__steps"
                ),
            )
        )

    def active(self) -> PrescriptionQuerySet:
        return self.filter(status=Status.ACTIVE)

    def active_on(self, day: datetime.date) -> PrescriptionQuerySet:
        """Active programs whose date range includes the day (weekday checked in Python)."""
        return self.active().filter(
            Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
        )


class Prescription(Schedule):
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        related_name="prescriptions",
        verbose_name=gettext_lazy("patient"),
    )
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="prescriptions_written",
        verbose_name=gettext_lazy("prescribed by"),
    )
    title = models.CharField(gettext_lazy("title"), max_length=120)
    goal = models.TextField(gettext_lazy("goal"), blank=True)
    notes = models.TextField(
        gettext_lazy("notes"), blank=True, help_text=gettext_lazy("Notes for the patient.")
    )
    start_date = models.DateField(gettext_lazy("start date"))
    end_date = models.DateField(gettext_lazy("end date"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    pain_threshold = models.PositiveSmallIntegerField(
        gettext_lazy("pain threshold"),
        default=PAIN_THRESHOLD_DEFAULT,
        validators=[MinValueValidator(0), MaxValueValidator(PAIN_THRESHOLD_MAX)],
        help_text=gettext_lazy(
            "The pain acceptable during the exercises (0–6). Pain above it tells the patient to "
            "ease off and alerts you."
        ),
    )
    template = models.ForeignKey(
        ProgramTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("template"),
    )
    pauses = models.JSONField(
        gettext_lazy("pauses"),
        default=list,
        blank=True,
        editable=False,
        help_text=(
            "When the program was paused: [first day, last day] pairs of ISO dates, the last "
            "day empty while it still is. Nothing is due on those days."
        ),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = PrescriptionQuerySet.as_manager()

    class Meta(Schedule.Meta):
        ordering = ["-start_date", "-pk"]
        constraints = [
            *Schedule.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="prescription_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(pain_threshold__gte=0) & Q(pain_threshold__lte=PAIN_THRESHOLD_MAX),
                name="prescription_pain_threshold_0_6",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="prescription_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["patient", "status", "start_date"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def covers(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def was_paused_on(self, day: datetime.date) -> bool:
        """Whether the day falls in a pause (an open pause covers every day from its start)."""
        iso = day.isoformat()
        return any(first <= iso and (last is None or iso <= last) for first, last in self.pauses)

    def get_additional_data(self) -> dict[str, int]:
        """Stored with each audit-trail entry, so a patient's trail finds it."""
        return {"patient_id": self.patient_id}


class PrescriptionItem(ItemFields):
    prescription = models.ForeignKey(
        Prescription,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=gettext_lazy("prescription"),
    )
    removed_on = models.DateField(
        gettext_lazy("removed on"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Taken out of the program from this day on; kept so past logs stay intact."
        ),
    )
    # The therapist's confirmation that the exercise suits the patient despite a precaution
    # (DESIGN §5): which of the patient's conditions it conflicted with, who confirmed, when.
    precautions_acknowledged = models.JSONField(
        gettext_lazy("precautions confirmed"),
        default=list,
        blank=True,
        editable=False,
        validators=[validate_precaution_tags],
    )
    precautions_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("precautions confirmed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    precautions_acknowledged_at = models.DateTimeField(
        gettext_lazy("precautions confirmed on"),
        null=True,
        blank=True,
        editable=False,
    )

    class Meta(ItemFields.Meta):
        constraints = [
            *ItemFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(precautions_acknowledged_by__isnull=True)
                | Q(precautions_acknowledged_at__isnull=False),
                name="item_precautions_confirmed_with_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.prescription}"

    def precautions_covered(self, conflicts: Iterable[str]) -> bool:
        """Whether every one of these conflicts was confirmed for this item already."""
        return set(conflicts) <= set(self.precautions_acknowledged or [])

    def is_current_on(self, day: datetime.date) -> bool:
        return self.removed_on is None or day < self.removed_on

    def get_additional_data(self) -> dict[str, int]:
        """Stored with each audit-trail entry, so the program's and the patient's trail find
        it, even after the item is deleted."""
        return {
            "patient_id": self.prescription.patient_id,
            "prescription_id": self.prescription_id,
        }


# Progression (DESIGN §5): a safe step in dose, suggested to the therapist. Steps up stop at
# the exercise's own caps (``max_reps``, ``max_hold_seconds``) and at ``SETS_CAP`` sets.
REPS_STEP = 2
HOLD_STEP = 5
SETS_STEP = 1
SETS_CAP = 3


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for you")
    APPLIED = "applied", gettext_lazy("Applied")
    DISMISSED = "dismissed", gettext_lazy("Dismissed")


class SuggestionField(models.TextChoices):
    REPS = "reps", gettext_lazy("Repetitions")
    HOLD_SECONDS = "hold_seconds", gettext_lazy("Hold (seconds)")
    SETS = "sets", gettext_lazy("Sets")


class Direction(models.TextChoices):
    """A step up (progression) or down (regression) in one item's dose."""

    PROGRESSION = "progression", gettext_lazy("Step up")
    REGRESSION = "regression", gettext_lazy("Step down")


class SuggestionQuerySet(models.QuerySet["ProgressionSuggestion"]):
    def for_user(self, user: User | AnonymousUser) -> SuggestionQuerySet:
        """Suggestions are for the care team of the program's patient."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(prescription__patient__care_team=user)

    def pending(self) -> SuggestionQuerySet:
        return self.filter(status=SuggestionStatus.PENDING)


class ProgressionSuggestion(models.Model):
    """One step in one item's dose: up after the patient found it too easy (progression), down
    after it was too hard or painful (regression), each under the rules of DESIGN §5.

    At most one suggestion per item waits for a decision; the therapist applies it (the item's
    dose changes and the program's history shows it) or dismisses it.
    """

    prescription = models.ForeignKey(
        Prescription,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=gettext_lazy("prescription"),
    )
    item = models.ForeignKey(
        PrescriptionItem,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=gettext_lazy("item"),
    )
    direction = models.CharField(
        gettext_lazy("direction"),
        max_length=12,
        choices=Direction.choices,
        default=Direction.PROGRESSION,
    )
    field = models.CharField(gettext_lazy("field"), max_length=20, choices=SuggestionField.choices)
    from_value = models.PositiveSmallIntegerField(gettext_lazy("from value"))
    to_value = models.PositiveSmallIntegerField(gettext_lazy("to value"))
    reason = models.CharField(gettext_lazy("reason"), max_length=300)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)
    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status=SuggestionStatus.PENDING),
                name="one_pending_suggestion_per_item",
            ),
            models.CheckConstraint(
                condition=Q(direction=Direction.PROGRESSION, to_value__gt=models.F("from_value"))
                | Q(direction=Direction.REGRESSION, to_value__lt=models.F("from_value")),
                name="suggestion_steps_its_way",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="suggestion_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(field__in=SuggestionField.values), name="suggestion_field_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=SuggestionStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=SuggestionStatus.PENDING) & Q(decided_at__isnull=False)),
                name="suggestion_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_in_words} for {self.item.exercise}"

    @property
    def change_in_words(self) -> str:
        # The unit names the change as a whole ("2 → 1 sets"), so it takes no singular.
        values = {"from": self.from_value, "to": self.to_value}
        if self.field == SuggestionField.REPS:
            # Translators: a change in dose, e.g. "8 → 10 repetitions".
            return _("%(from)s → %(to)s repetitions") % values
        if self.field == SuggestionField.SETS:
            return _("%(from)s → %(to)s sets") % values
        # Translators: a change in how long a position is held, e.g. "hold 10 → 15 seconds".
        return _("hold %(from)s → %(to)s seconds") % values

    @property
    def is_regression(self) -> bool:
        return self.direction == Direction.REGRESSION

    @property
    def is_pending(self) -> bool:
        return self.status == SuggestionStatus.PENDING


class TherapistProfile(models.Model):
    """A therapist's own settings: the clinic phone new patients get by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="therapist_profile",
        verbose_name=gettext_lazy("user"),
    )
    clinic_phone = models.CharField(
        gettext_lazy("clinic phone"),
        max_length=PHONE_MAX_LENGTH,
        blank=True,
        validators=[validate_phone],
        help_text=gettext_lazy("Prefilled as the clinic phone of each patient they add."),
    )
    language = models.CharField(
        gettext_lazy("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=gettext_lazy(
            "What they read Rehabit in (empty: their browser's); new patients start with it."
        ),
    )

    def __str__(self) -> str:
        return f"Settings of {self.user}"

    @classmethod
    def default_phone_for(cls, user: User) -> str:
        """The clinic phone a new patient of this therapist starts with: their own default,
        else the clinic-wide ``REHABIT_CLINIC_PHONE``."""
        own = cls.objects.filter(user=user).values_list("clinic_phone", flat=True).first()
        return (own or "").strip() or settings.REHABIT_CLINIC_PHONE


class MediaKind(models.TextChoices):
    PHOTO = "photo", gettext_lazy("Photo")
    VIDEO = "video", gettext_lazy("Video")


def media_upload_to(instance: Media, filename: str) -> str:
    """Stored under the random name the upload check gave it: never the uploader's own name."""
    return f"media/{filename}"


class MediaQuerySet(models.QuerySet["Media"]):
    def for_user(self, user: User | AnonymousUser) -> MediaQuerySet:
        """Who may see a photo or video (patient media is health data; everyone else: 404).

        On a patient's item: the patient and their care team. On an exercise: its owner, and
        the patients (and their care teams) with the exercise in one of their programs; on a
        shared catalogue exercise, every therapist too.
        Archived patients' media stays visible to the care team; so does a removed clip, kept
        with the patient's record, which the patient no longer sees.
        """
        if not user.is_authenticated:
            return self.none()
        from patients.roles import is_therapist  # patients' models import this module

        involved = Q(prescription__patient__user=user) | Q(prescription__patient__care_team=user)
        exercises_in_programs = PrescriptionItem.objects.filter(involved).values("exercise_id")
        return self.filter(
            Q(item__prescription__patient__user=user, removed_at__isnull=True)
            | Q(item__prescription__patient__care_team=user)
            | Q(exercise__owner=user)
            | Q(exercise__in=exercises_in_programs)
            # The shared catalogue's media is no one's health data: every therapist's.
            | (
                Q(exercise__isnull=False, exercise__owner__isnull=True)
                if is_therapist(user)
                else Q(pk__in=[])
            )
        ).distinct()

    def shown(self) -> MediaQuerySet:
        """What the patient sees: not removed by the therapist."""
        return self.filter(removed_at__isnull=True)

    def removable_by(self, user: User) -> MediaQuerySet:
        """What a therapist may remove: photos and videos of their own exercises, and those on
        the items of their active patients' programs."""
        return self.filter(
            Q(exercise__owner=user)
            | Q(
                item__prescription__patient__care_team=user,
                item__prescription__patient__archived_at__isnull=True,
            ),
            removed_at__isnull=True,
        ).distinct()


class Media(models.Model):
    """A photo or a short video a therapist attached to their own exercise or to one item of
    a patient's program. Files go through the storage API (``STORAGES["default"]``) under a
    random name and are only ever served by ``media_file``, which checks who asks."""

    key = models.UUIDField(gettext_lazy("key"), default=uuid.uuid4, unique=True, editable=False)
    exercise = models.ForeignKey(
        "exercises.Exercise",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="media",
        verbose_name=gettext_lazy("exercise"),
    )
    # Kept with the patient's record: an item with media is retired, never deleted.
    item = models.ForeignKey(
        PrescriptionItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media",
        verbose_name=gettext_lazy("item"),
    )
    file = models.FileField(gettext_lazy("file"), upload_to=media_upload_to, max_length=200)
    kind = models.CharField(gettext_lazy("kind"), max_length=8, choices=MediaKind.choices)
    content_type = models.CharField(gettext_lazy("content type"), max_length=40)
    size = models.PositiveBigIntegerField(gettext_lazy("size (bytes)"))
    title = models.CharField(gettext_lazy("title"), max_length=120, blank=True)
    # For shared catalogue media: where it comes from and on what terms (shown with it).
    licence = models.CharField(gettext_lazy("licence"), max_length=80, blank=True)
    author = models.CharField(gettext_lazy("author"), max_length=120, blank=True)
    source = models.URLField(gettext_lazy("source"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)
    # A patient's clip removed by the therapist is kept with the record, hidden from the patient.
    removed_at = models.DateTimeField(gettext_lazy("removed at"), null=True, blank=True)

    objects = MediaQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = gettext_lazy("photo or video")
        verbose_name_plural = gettext_lazy("photos and videos")
        constraints = [
            models.CheckConstraint(
                condition=Q(exercise__isnull=True, item__isnull=False)
                | Q(exercise__isnull=False, item__isnull=True),
                name="media_on_an_exercise_or_an_item",
            ),
            models.CheckConstraint(condition=Q(kind__in=MediaKind.values), name="media_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def is_video(self) -> bool:
        return self.kind == MediaKind.VIDEO

    @property
    def attribution(self) -> str:
        """ "Photo: Jane Doe, CC BY-SA 4.0" for shared media with an author or a licence."""
        parts = [part for part in (self.author, self.licence) if part]
        if not parts:
            return ""
        # Translators: the credit of a shared photo or video, e.g. "By Jane Doe, CC BY-SA 4.0".
        return _("By %(credit)s") % {"credit": ", ".join(parts)}

    def get_additional_data(self) -> dict[str, int]:
        """Stored with each audit-trail entry, so the patient's trail finds it."""
        if self.item is None:
            return {}
        return {
            "patient_id": self.item.prescription.patient_id,
            "prescription_id": self.item.prescription_id,
        }
