"""Outcome measures and the episode of care.

``MeasureDefinition`` holds a questionnaire loaded from its data file (``load_measures``);
an ``Episode`` is a patient's course of care from intake to discharge, with the measures the
therapist chose (``ScheduledMeasure``) and the patient's answers (``MeasureResponse``, one per
measure and due date).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from outcomes.definitions import Measure, parse_measure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MAX_EVERY_WEEKS = 12


@lru_cache(maxsize=64)
def _parsed(code: str, version: str, definition: str) -> Measure:
    return parse_measure(json.loads(definition), code)


class MeasureDefinition(models.Model):
    code = models.SlugField(gettext_lazy("code"), max_length=40, unique=True)
    version = models.CharField(gettext_lazy("version"), max_length=20)
    title = models.CharField(gettext_lazy("title"), max_length=120)
    definition = models.JSONField(gettext_lazy("definition"))
    is_active = models.BooleanField(
        gettext_lazy("offered"),
        default=True,
        help_text=gettext_lazy("Therapists can schedule it for new episodes of care."),
    )
    loaded_at = models.DateTimeField(gettext_lazy("loaded at"), default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = gettext_lazy("outcome measure")
        verbose_name_plural = gettext_lazy("outcome measures")

    def __str__(self) -> str:
        return self.title

    @property
    def measure(self) -> Measure:
        """The checked definition (parsed once per version)."""
        return _parsed(self.code, self.version, json.dumps(self.definition, sort_keys=True))


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def for_user(self, user: User | AnonymousUser) -> EpisodeQuerySet:
        """The patient's own episodes, and their care team's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(patient__user=user) | Q(patient__care_team=user)).distinct()

    def open(self) -> EpisodeQuerySet:
        return self.filter(ended_on__isnull=True)


class Episode(models.Model):
    """A course of care: intake (conditions, red-flag screen, baseline measures) to discharge."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        related_name="episodes",
        verbose_name=gettext_lazy("patient"),
    )
    started_on = models.DateField(gettext_lazy("started on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("started by"),
    )
    # The day the discharge questionnaires were asked for (they are due from then on).
    discharge_asked_on = models.DateField(gettext_lazy("discharge measures asked on"), null=True)
    ended_on = models.DateField(gettext_lazy("discharged on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("discharged by"),
    )
    discharge_note = models.TextField(gettext_lazy("discharge note"), blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = gettext_lazy("episode of care")
        verbose_name_plural = gettext_lazy("episodes of care")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ended_on__isnull=True),
                name="one_open_episode_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Timing(models.TextChoices):
    INTAKE = "intake", gettext_lazy("At the start")
    REPEAT = "repeat", gettext_lazy("At the start, then every few weeks")
    DISCHARGE = "discharge", gettext_lazy("At discharge")


class ScheduledMeasure(models.Model):
    episode = models.ForeignKey(
        Episode,
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name=gettext_lazy("episode"),
    )
    measure = models.ForeignKey(
        MeasureDefinition,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("measure"),
    )
    timing = models.CharField(gettext_lazy("when"), max_length=12, choices=Timing.choices)
    every_weeks = models.PositiveSmallIntegerField(
        gettext_lazy("every (weeks)"), null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = gettext_lazy("scheduled measure")
        verbose_name_plural = gettext_lazy("scheduled measures")
        constraints = [
            models.UniqueConstraint(fields=["episode", "measure"], name="measure_once_per_episode"),
            models.CheckConstraint(condition=Q(timing__in=Timing.values), name="timing_valid"),
            models.CheckConstraint(
                condition=(
                    Q(timing=Timing.REPEAT, every_weeks__gte=1, every_weeks__lte=MAX_EVERY_WEEKS)
                    | (~Q(timing=Timing.REPEAT) & Q(every_weeks__isnull=True))
                ),
                name="repeat_has_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} ({self.get_timing_display()})"


class ResponseQuerySet(models.QuerySet["MeasureResponse"]):
    def for_user(self, user: User | AnonymousUser) -> ResponseQuerySet:
        """The answers in the episodes the user may see (``EpisodeQuerySet.for_user``)."""
        return self.filter(episode__in=Episode.objects.for_user(user))

    def submitted(self) -> ResponseQuerySet:
        return self.filter(submitted_at__isnull=False)


class MeasureResponse(models.Model):
    """A patient's answers to one measure for one due date (saved as they go)."""

    episode = models.ForeignKey(
        Episode,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=gettext_lazy("episode"),
    )
    measure = models.ForeignKey(
        MeasureDefinition,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("measure"),
    )
    due_on = models.DateField(gettext_lazy("due on"))
    # The version of the measure answered, and the language it was read in.
    version = models.CharField(gettext_lazy("version"), max_length=20)
    language = models.CharField(gettext_lazy("language"), max_length=8)
    answers = models.JSONField(gettext_lazy("answers"), default=dict, blank=True)
    scores = models.JSONField(gettext_lazy("scores"), default=dict, blank=True)
    band = models.CharField(gettext_lazy("band"), max_length=40, blank=True)
    started_at = models.DateTimeField(gettext_lazy("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"), null=True, blank=True)
    # Once the therapist has seen it, the patient's answers are final.
    seen_at = models.DateTimeField(gettext_lazy("seen by the therapist at"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = gettext_lazy("questionnaire response")
        verbose_name_plural = gettext_lazy("questionnaire responses")
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "measure", "due_on"], name="one_response_per_due_date"
            ),
            models.CheckConstraint(
                condition=Q(seen_at__isnull=True) | Q(submitted_at__isnull=False),
                name="seen_only_once_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} due {self.due_on}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def can_edit(self) -> bool:
        return self.seen_at is None and self.episode.ended_on is None

    @property
    def primary_score(self) -> float | None:
        value = self.scores.get(self.measure.measure.primary)
        return None if value is None else float(value)
