"""The exercise catalogue: shared exercises (owner is null) and therapists' private ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from modeltranslation.utils import build_localized_fieldname, resolution_order

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MAX_HOLD_SECONDS = 300
MAX_SETS = 10
MAX_REPS = 100
MAX_DURATION_SECONDS = 3 * 60 * 60
MAX_REST_SECONDS = 600
# How far a progression suggestion may take an exercise (DESIGN §5), unless its entry says.
DEFAULT_MAX_REPS = 12
DEFAULT_MAX_HOLD_SECONDS = 30


# The languages the catalogue is written in; the first is the one every text falls back to.
CATALOGUE_LANGUAGES = tuple(code for code, _ in settings.LANGUAGES)
FALLBACK_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def shown_language(instance: models.Model, field: str) -> str:
    """The language of the text a reader sees in a translated ``field`` of ``instance``: the
    active language when it is there, else the fallback's (English, else the language it was
    written in). Pages mark text not in the reader's language with ``lang`` for screen readers.
    """
    for language in resolution_order(translation.get_language() or FALLBACK_LANGUAGE):
        if getattr(instance, build_localized_fieldname(field, language), None):
            return language
    return FALLBACK_LANGUAGE


def missing_languages(instance: models.Model, fields: Iterable[str]) -> list[str]:
    """Languages in which any of the translated ``fields`` is empty while English is not."""
    missing = []
    for language in CATALOGUE_LANGUAGES:
        for field in fields:
            if getattr(instance, build_localized_fieldname(field, FALLBACK_LANGUAGE), None) and (
                not getattr(instance, build_localized_fieldname(field, language), None)
            ):
                missing.append(language)
                break
    return missing


class BodyRegion(models.TextChoices):
    NECK = "neck", gettext_lazy("Neck")
    SHOULDER = "shoulder", gettext_lazy("Shoulder")
    MID_BACK = "mid_back", gettext_lazy("Mid back")
    LOWER_BACK = "lower_back", gettext_lazy("Lower back")
    CORE = "core", gettext_lazy("Core")
    HIP = "hip", gettext_lazy("Hip")
    KNEE = "knee", gettext_lazy("Knee")
    ANKLE = "ankle", gettext_lazy("Ankle and foot")
    WHOLE_BODY = "whole_body", gettext_lazy("Whole body")


class Kind(models.TextChoices):
    STRETCH = "stretch", gettext_lazy("Stretch")
    STRENGTHENING = "strengthening", gettext_lazy("Strengthening")
    MOBILITY = "mobility", gettext_lazy("Mobility")
    BREATHING = "breathing", gettext_lazy("Breathing")
    AEROBIC = "aerobic", gettext_lazy("Aerobic")


class Position(models.TextChoices):
    LYING_ON_BACK = "lying_on_back", gettext_lazy("Lying on your back")
    LYING_ON_FRONT = "lying_on_front", gettext_lazy("Lying on your front")
    SIDE_LYING = "side_lying", gettext_lazy("Lying on your side")
    HANDS_AND_KNEES = "hands_and_knees", gettext_lazy("On hands and knees")
    KNEELING = "kneeling", gettext_lazy("Kneeling")
    SITTING = "sitting", gettext_lazy("Sitting")
    STANDING = "standing", gettext_lazy("Standing")


class Difficulty(models.IntegerChoices):
    EASY = 1, gettext_lazy("Easy")
    MODERATE = 2, gettext_lazy("Moderate")
    HARD = 3, gettext_lazy("Hard")


class Side(models.TextChoices):
    BOTH = "both", gettext_lazy("Both sides together")
    LEFT = "left", gettext_lazy("Left side")
    RIGHT = "right", gettext_lazy("Right side")
    EACH = "each", gettext_lazy("Each side")
    ALTERNATING = "alternating", gettext_lazy("Alternating sides")


class Precaution(models.TextChoices):
    """Conditions that call for care; patients' conditions use the same codes."""

    OSTEOPOROSIS = "osteoporosis", gettext_lazy("Osteoporosis")
    PREGNANCY = "pregnancy", gettext_lazy("Pregnancy")
    HERNIATED_DISC = "herniated_disc", gettext_lazy("Herniated disc")
    ACUTE_LOW_BACK_PAIN = "acute_low_back_pain", gettext_lazy("Acute low back pain")
    WRIST = "wrist", gettext_lazy("Wrist problems")
    KNEE = "knee", gettext_lazy("Knee problems")
    SPINAL_STENOSIS = "spinal_stenosis", gettext_lazy("Spinal stenosis")
    SPONDYLOLISTHESIS = "spondylolisthesis", gettext_lazy("Spondylolisthesis")
    HIP_REPLACEMENT = "hip_replacement", gettext_lazy("Hip replacement")
    RECENT_SPINAL_SURGERY = "recent_spinal_surgery", gettext_lazy("Recent spinal surgery")
    FALL_RISK = "fall_risk", gettext_lazy("Fall risk")


# How a patient reads the name of a condition their therapist recorded: everyday words, no
# clinical terms (the codes and ``Precaution`` labels are for therapists and programs).
PATIENT_WORDS = {
    Precaution.OSTEOPOROSIS: gettext_lazy("Thin or weak bones"),
    Precaution.PREGNANCY: gettext_lazy("Pregnancy"),
    Precaution.HERNIATED_DISC: gettext_lazy("A slipped disc in your back"),
    Precaution.ACUTE_LOW_BACK_PAIN: gettext_lazy("A recent flare-up of low back pain"),
    Precaution.WRIST: gettext_lazy("Wrist problems"),
    Precaution.KNEE: gettext_lazy("Knee problems"),
    Precaution.SPINAL_STENOSIS: gettext_lazy("Narrowing around the nerves in your back"),
    Precaution.SPONDYLOLISTHESIS: gettext_lazy("A bone in your back that has slipped forward"),
    Precaution.HIP_REPLACEMENT: gettext_lazy("A hip replacement"),
    Precaution.RECENT_SPINAL_SURGERY: gettext_lazy("Recent surgery on your back"),
    Precaution.FALL_RISK: gettext_lazy("A risk of falling"),
}

# Conditions that conflict with every exercise, tagged or not, the therapist's own included
# (DESIGN §5: after recent spinal surgery, everything until the surgeon clears it).
CONFLICTS_WITH_EVERYTHING = frozenset({Precaution.RECENT_SPINAL_SURGERY})

# What a patient with the condition reads on an exercise that conflicts with it when the
# exercise has no tip of its own: what to do, in plain words, never "not for you".
DEFAULT_TIPS = {
    Precaution.OSTEOPOROSIS: gettext_lazy(
        "Move slowly and smoothly, and do not bend or twist further than your therapist showed you."
    ),
    Precaution.PREGNANCY: gettext_lazy(
        "Do not stay lying flat on your back or on your front for long, and "
        "do not push a stretch far."
    ),
    Precaution.HERNIATED_DISC: gettext_lazy(
        "Move gently, and stop if tingling, numbness or pain goes down your leg."
    ),
    Precaution.ACUTE_LOW_BACK_PAIN: gettext_lazy(
        "Go gently and keep the movement small while your back settles."
    ),
    Precaution.WRIST: gettext_lazy(
        "If your wrists hurt, place your hands a little further forward or rest on your fists."
    ),
    Precaution.KNEE: gettext_lazy("If your knees hurt, put a cushion under them."),
    Precaution.SPINAL_STENOSIS: gettext_lazy(
        "Only bend backwards a little, and come back down if your legs ache, tingle or feel heavy."
    ),
    Precaution.SPONDYLOLISTHESIS: gettext_lazy(
        "Only bend backwards a little, and come back down if your back or legs hurt more."
    ),
    Precaution.HIP_REPLACEMENT: gettext_lazy(
        "Keep your knee in line with your hip: do not bring it past "
        "your hip height, across your body or turn it inwards."
    ),
    Precaution.RECENT_SPINAL_SURGERY: gettext_lazy(
        "Do only the movements your surgeon and therapist have cleared, and move gently."
    ),
    Precaution.FALL_RISK: gettext_lazy(
        "Have something sturdy to hold on to, or someone nearby, while you do this."
    ),
}


def validate_precaution_tags(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValidationError(_("Precaution tags must be a list of codes."))
    unknown = sorted(set(value) - set(Precaution.values))
    if unknown:
        raise ValidationError(_("Unknown precaution: %(codes)s.") % {"codes": ", ".join(unknown)})


def validate_precaution_tips(value: object) -> None:
    """A tip per condition: ``{"pregnancy": "What to do, in plain words."}``."""
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(tip, str) and tip.strip()
        for code, tip in value.items()
    ):
        raise ValidationError(_("Tips must map a precaution code to a sentence."))
    unknown = sorted(set(value) - set(Precaution.values))
    if unknown:
        raise ValidationError(_("Unknown precaution: %(codes)s.") % {"codes": ", ".join(unknown)})


def seconds_in_words(seconds: int) -> str:
    """As a patient reads it: "45 seconds", "1 second", "5 minutes"."""
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


# The side of a dose as the end of "3 sets of 10, hold 5 seconds, each side".
SIDE_IN_DOSE = {
    "left": pgettext_lazy("the side of a dose", "left side"),
    "right": pgettext_lazy("the side of a dose", "right side"),
    "each": pgettext_lazy("the side of a dose", "each side"),
    "alternating": pgettext_lazy("the side of a dose", "alternating sides"),
}


class Dose(models.Model):
    """Sets, repetitions, hold, duration and rest: shared by exercises, templates and programs.

    The database refuses a dose without repetitions or a duration, and non-positive values.
    """

    sets = models.PositiveSmallIntegerField(
        gettext_lazy("sets"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SETS)],
    )
    reps = models.PositiveSmallIntegerField(
        gettext_lazy("repetitions"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPS)],
    )
    hold_seconds = models.PositiveSmallIntegerField(
        gettext_lazy("hold (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOLD_SECONDS)],
    )
    duration_seconds = models.PositiveIntegerField(
        gettext_lazy("duration (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_SECONDS)],
    )
    rest_seconds = models.PositiveSmallIntegerField(
        gettext_lazy("rest (seconds)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_REST_SECONDS)],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(sets__gte=1) & Q(sets__lte=MAX_SETS),
                name="%(app_label)s_%(class)s_sets_in_range",
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | (Q(reps__gte=1) & Q(reps__lte=MAX_REPS)),
                name="%(app_label)s_%(class)s_reps_in_range",
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds__isnull=True)
                | (Q(hold_seconds__gte=1) & Q(hold_seconds__lte=MAX_HOLD_SECONDS)),
                name="%(app_label)s_%(class)s_hold_in_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True) | Q(duration_seconds__gte=1),
                name="%(app_label)s_%(class)s_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(rest_seconds__isnull=True) | Q(rest_seconds__gte=0),
                name="%(app_label)s_%(class)s_rest_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(duration_seconds__isnull=False),
                name="%(app_label)s_%(class)s_reps_or_duration",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.reps is None and self.duration_seconds is None:
            raise ValidationError(_("Give the number of repetitions or a duration."))

    def dose_in_words(self, side: str = "") -> str:
        """The dose as a patient reads it: "3 sets of 10 repetitions, hold 5 seconds, each
        side"."""
        parts: list[str] = []
        if self.reps and self.sets > 1:
            parts.append(
                # Translators: the start of a dose: "3 sets of 10 repetitions". There are always
                # two sets or more; the plural follows the number of repetitions.
                ngettext(
                    "%(sets)d sets of %(reps)d repetition",
                    "%(sets)d sets of %(reps)d repetitions",
                    self.reps,
                )
                % {"sets": self.sets, "reps": self.reps}
            )
        elif self.reps:
            parts.append(
                ngettext("%(count)d repetition", "%(count)d repetitions", self.reps)
                % {"count": self.reps}
            )
        elif self.sets > 1:
            parts.append(
                ngettext("%(count)d set", "%(count)d sets", self.sets) % {"count": self.sets}
            )
        if self.hold_seconds:
            # Translators: part of a dose: "hold 5 seconds" (keep the position still).
            parts.append(_("hold %(time)s") % {"time": seconds_in_words(self.hold_seconds)})
        if self.duration_seconds:
            # Translators: part of a dose: "for 10 minutes".
            parts.append(_("for %(time)s") % {"time": seconds_in_words(self.duration_seconds)})
        if self.rest_seconds:
            # Translators: part of a dose: "rest 30 seconds between" (sets or repetitions).
            parts.append(_("rest %(time)s between") % {"time": seconds_in_words(self.rest_seconds)})
        if side in SIDE_IN_DOSE:
            parts.append(str(SIDE_IN_DOSE[side]))
        # Translators: what separates the parts of a dose ("3 sets of 10, hold 5 seconds").
        return pgettext("between the parts of a dose", ", ").join(parts)


# The dose's fields, in order: every list of them (forms, serializers, copies) starts here.
DOSE_FIELDS = tuple(field.name for field in Dose._meta.local_fields)


class Equipment(models.Model):
    name = models.CharField(gettext_lazy("name"), max_length=80, unique=True)
    slug = models.SlugField(gettext_lazy("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    # Declared so that type checking knows it: the translations library extends it at run time.
    objects: ClassVar[models.Manager[Equipment]] = models.Manager()

    def __str__(self) -> str:
        return self.name


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def shared(self) -> ExerciseQuerySet:
        return self.filter(owner__isnull=True)

    def for_user(self, user: User | AnonymousUser) -> ExerciseQuerySet:
        """What a user may use: the published shared catalogue, plus a therapist's own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.filter(Q(owner__isnull=True) | Q(owner=user))
        return self.filter(Q(owner__isnull=True, is_published=True) | Q(owner=user))

    def with_details(self) -> ExerciseQuerySet:
        return self.prefetch_related("steps", "equipment")


ExerciseManager = models.Manager.from_queryset(ExerciseQuerySet)


class Exercise(Dose):
    name = models.CharField(gettext_lazy("name"), max_length=120)
    slug = models.SlugField(gettext_lazy("slug"), max_length=120, unique=True)
    summary = models.CharField(gettext_lazy("summary"), max_length=300, blank=True)
    body_region = models.CharField(
        gettext_lazy("body region"), max_length=20, choices=BodyRegion.choices
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    position = models.CharField(gettext_lazy("position"), max_length=20, choices=Position.choices)
    equipment = models.ManyToManyField(
        Equipment, blank=True, related_name="exercises", verbose_name=gettext_lazy("equipment")
    )
    difficulty = models.PositiveSmallIntegerField(
        gettext_lazy("difficulty"), choices=Difficulty.choices, default=Difficulty.EASY
    )
    sided = models.BooleanField(
        gettext_lazy("sided"),
        default=False,
        help_text="Done on one side, then the other (left and right).",
    )
    precautions = models.TextField(
        gettext_lazy("precautions"),
        blank=True,
        help_text="How to do it safely, for everyone: what to do, in plain words.",
    )
    precaution_tags = models.JSONField(
        gettext_lazy("precaution tags"),
        default=list,
        blank=True,
        validators=[validate_precaution_tags],
        help_text="Conditions it conflicts with: prescribing it to a patient with one of them "
        "needs the therapist's confirmation.",
    )
    precaution_tips = models.JSONField(
        gettext_lazy("precaution tips"),
        default=dict,
        blank=True,
        validators=[validate_precaution_tips],
        help_text="How to do it safely with a condition, by condition code; only patients with "
        "that condition read it.",
    )
    image = models.ImageField(gettext_lazy("image"), upload_to="exercises/", blank=True)
    video_url = models.URLField(gettext_lazy("video url"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="private_exercises",
        help_text="Empty for the shared catalogue; otherwise the therapist who owns it.",
        verbose_name=gettext_lazy("owner"),
    )
    is_published = models.BooleanField(gettext_lazy("is published"), default=True)
    # The start and end positions a picture is drawn from (exercises/illustrations.py); the
    # shared catalogue's come from exercises/data/poses.json.
    pose = models.JSONField(
        gettext_lazy("pose"),
        null=True,
        blank=True,
        help_text="Start and end positions the exercise's picture is drawn from.",
    )
    language = models.CharField(
        gettext_lazy("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The language a therapist's own exercise is written in (theirs by default); "
        "empty for the shared catalogue, which is written in every language.",
    )
    # The caps of a progression suggestion (DESIGN §5): it never goes past them.
    max_reps = models.PositiveSmallIntegerField(
        "most repetitions a progression suggests",
        default=DEFAULT_MAX_REPS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPS)],
    )
    max_hold_seconds = models.PositiveSmallIntegerField(
        "longest hold a progression suggests (seconds)",
        default=DEFAULT_MAX_HOLD_SECONDS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOLD_SECONDS)],
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    # Declared so that type checking knows it: the translations library extends it at run time.
    objects: ClassVar[ExerciseManager] = ExerciseManager()

    class Meta(Dose.Meta):
        ordering = ["name"]
        indexes = [models.Index(fields=["body_region", "kind"])]
        constraints = [
            *Dose.Meta.constraints,
            models.CheckConstraint(
                condition=Q(max_reps__gte=1) & Q(max_reps__lte=MAX_REPS),
                name="exercise_max_reps_in_range",
            ),
            models.CheckConstraint(
                condition=Q(max_hold_seconds__gte=1) & Q(max_hold_seconds__lte=MAX_HOLD_SECONDS),
                name="exercise_max_hold_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # A therapist writes their own exercise in the language they work in: it is stored in
        # that language's fields, so it is the exercise's language too.
        if self.owner_id is not None and not self.language:
            active = translation.get_language() or FALLBACK_LANGUAGE
            self.language = active if active in CATALOGUE_LANGUAGES else FALLBACK_LANGUAGE
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def missing_translations(self) -> list[str]:
        """Languages missing from any of the exercise's texts that English has: its name,
        summary, precautions, steps and precaution tips (steps read from a prefetch if any)."""
        missing = set(missing_languages(self, ("name", "summary", "precautions")))
        for step in self.steps.all():
            missing.update(missing_languages(step, ("text",)))
        english_tips = self.precaution_tips_en if isinstance(self.precaution_tips_en, dict) else {}  # type: ignore[attr-defined]
        for language in CATALOGUE_LANGUAGES:
            tips = getattr(self, build_localized_fieldname("precaution_tips", language), None)
            tips = tips if isinstance(tips, dict) else {}
            if any(text and not tips.get(code) for code, text in english_tips.items()):
                missing.add(language)
        return [language for language in CATALOGUE_LANGUAGES if language in missing]

    @property
    def text_language(self) -> str:
        """The language of the name, summary and precautions the reader sees (see
        ``shown_language``): a page marks them with it when it is not the page's own."""
        return shown_language(self, "name")

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def default_side(self) -> str:
        return Side.EACH if self.sided else Side.BOTH

    def precaution_labels(self) -> list[str]:
        return [
            str(Precaution(tag).label) for tag in self.precaution_tags if tag in Precaution.values
        ]

    def precaution_conflicts(self, conditions: Iterable[str]) -> list[str]:
        """Codes of the patient's conditions this exercise conflicts with, in the order of the
        Precaution choices: its tags, plus the conditions that conflict with everything."""
        present = set(conditions)
        tagged = set(self.precaution_tags) | CONFLICTS_WITH_EVERYTHING
        return [code for code in Precaution.values if code in present and code in tagged]

    def precautions_matching(self, conditions: Iterable[str]) -> list[str]:
        """Labels of the patient's conditions this exercise conflicts with (for therapists)."""
        return [str(Precaution(code).label) for code in self.precaution_conflicts(conditions)]

    def tips_for(self, conditions: Iterable[str]) -> list[str]:
        """How to do it safely with the patient's own conditions, as the patient reads it:
        the exercise's tip for each condition it conflicts with, else the condition's default."""
        by_language = [
            tips
            for language in resolution_order(translation.get_language() or FALLBACK_LANGUAGE)
            if isinstance(tips := getattr(self, f"precaution_tips_{language}", None), dict)
        ]
        found: list[str] = []
        for code in self.precaution_conflicts(conditions):
            # Each condition's tip in the reader's language, else English (the fallback).
            tip = next((tips[code] for tips in by_language if tips.get(code)), None)
            tip = tip or DEFAULT_TIPS[Precaution(code)]
            if tip not in found:
                found.append(str(tip))
        return found


# What describes an exercise besides its steps, equipment and default dose: what a therapist
# writes about their own exercise and what the catalogue file holds for a shared one.
EXERCISE_FIELDS = (
    "name",
    "summary",
    "body_region",
    "kind",
    "position",
    "difficulty",
    "sided",
    "precautions",
    "precaution_tags",
    "video_url",
)


class ExerciseStep(models.Model):
    exercise = models.ForeignKey(
        Exercise,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=gettext_lazy("exercise"),
    )
    order = models.PositiveSmallIntegerField(gettext_lazy("order"), default=0)
    text = models.TextField(gettext_lazy("text"))

    # Declared so that type checking knows it: the translations library extends it at run time.
    objects: ClassVar[models.Manager[ExerciseStep]] = models.Manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="unique_step_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:40]}"
