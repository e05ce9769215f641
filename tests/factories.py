"""Factories for tests: build realistic objects with as little typing as possible."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from exercises.models import BodyRegion, Equipment, Exercise, ExerciseStep, Kind, Position
from patients.models import Completion, PainReport, Patient
from patients.roles import make_therapist
from prescriptions.models import (
    ALL_DAYS,
    Media,
    MediaKind,
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    ProgramTemplateItem,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class TherapistFactory(UserFactory):
    username = factory.Sequence(lambda n: f"therapist{n}")

    @factory.post_generation
    def therapist_role(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            make_therapist(self)


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"patient{n}"))
    # A recorded intake screen with no red flag, so programs can start.
    intake_screened_at = factory.LazyFunction(timezone.now)
    intake_bladder_bowel = False
    intake_saddle_numbness = False
    intake_both_legs = False
    intake_weight_loss = False
    intake_cancer_history = False
    intake_night_pain = False
    intake_fever = False
    intake_injury = False
    timezone = "Europe/Berlin"

    @factory.post_generation
    def therapist(self, create: bool, extracted: object, **kwargs: object) -> None:
        """PatientFactory(therapist=t) puts t on the care team."""
        if create and extracted:
            self.care_team.add(extracted)


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Equipment {n}")
    slug = factory.Sequence(lambda n: f"equipment-{n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Exercise {n}")
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    summary = "A gentle exercise."
    body_region = BodyRegion.LOWER_BACK
    kind = Kind.STRETCH
    position = Position.LYING_ON_BACK
    sets = 1
    reps = 5
    hold_seconds = 10

    @factory.post_generation
    def steps(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            texts = extracted or ["Get into position.", "Do the movement.", "Relax."]
            ExerciseStep.objects.bulk_create(
                ExerciseStep(exercise=self, order=order, text=text)
                for order, text in enumerate(texts, start=1)
            )


class ProgramTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    days_of_week = factory.LazyFunction(lambda: list(ALL_DAYS))
    times_per_day = 1


class ProgramTemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTemplateItem

    template = factory.SubFactory(ProgramTemplateFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    sets = 2
    reps = 8


class PrescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prescription

    patient = factory.SubFactory(PatientFactory)
    prescribed_by = factory.SubFactory(TherapistFactory)
    title = "Low back program"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    days_of_week = factory.LazyFunction(lambda: list(ALL_DAYS))
    times_per_day = 1


class PrescriptionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriptionItem

    prescription = factory.SubFactory(PrescriptionFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.Sequence(lambda n: n)
    sets = 2
    reps = 10
    hold_seconds = 5


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    item = factory.SubFactory(PrescriptionItemFactory)
    patient = factory.LazyAttribute(lambda c: c.item.prescription.patient)
    date = factory.LazyFunction(timezone.localdate)
    session = 1
    exercise_name = factory.LazyAttribute(lambda c: c.item.exercise.name)
    sets = factory.LazyAttribute(lambda c: c.item.sets)
    reps = factory.LazyAttribute(lambda c: c.item.reps)
    hold_seconds = factory.LazyAttribute(lambda c: c.item.hold_seconds)


class PainReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PainReport

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(timezone.localdate)
    session = 1
    pain = 3


# The smallest MP4 a browser recognises: an ``ftyp`` box (brand isom) and an empty ``mdat``.
MP4_BYTES = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08mdat"


class MediaFactory(factory.django.DjangoModelFactory):
    """A short video of a patient's item (pass ``exercise=`` and ``item=None`` for one of an
    exercise)."""

    class Meta:
        model = Media

    item = factory.SubFactory(PrescriptionItemFactory)
    exercise = None
    kind = MediaKind.VIDEO
    content_type = "video/mp4"
    file = factory.LazyFunction(lambda: ContentFile(MP4_BYTES, "0123456789abcdef.mp4"))
    size = len(MP4_BYTES)
    uploaded_by = factory.LazyAttribute(
        lambda m: m.item.prescription.prescribed_by if m.item else m.exercise.owner
    )
