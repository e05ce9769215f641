"""Writes that touch several models on the program side. Keyword-only, typed, atomic.

The therapist's pages and the API call these same functions; they know nothing of requests
or forms. Callers scope what they pass in (a therapist only hands over their own patients,
programs, templates and usable exercises); the functions keep the data consistent.

History is never rewritten: an item the patient has already logged is retired from a given
day on (``removed_on``) instead of being deleted, and completions keep their own copy of the
dose, so editing a dose changes nothing in the past. Program items are written one by one
with ``save()``/``delete()`` (a program holds at most ``MAX_ITEMS``), and only when they
change, so model signals and the audit trail see every change to a patient's program.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from exercises.models import (
    DOSE_FIELDS,
    EXERCISE_FIELDS,
    Equipment,
    Exercise,
    ExerciseStep,
    Precaution,
    Side,
)
from patients.models import Completion, Patient, SafetyPause
from prescriptions.media import CheckedUpload
from prescriptions.models import (
    ITEM_VALUE_FIELDS,
    ItemFields,
    Media,
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    ProgramTemplateItem,
    Status,
    TherapistProfile,
)

MAX_ITEMS = 30
# How a therapist confirms precaution conflicts, in the API and the builder alike.
CONFIRM_FIELD = "precautions_acknowledged"
# Fields checked in Python before saving; the database constraints back them up. Foreign
# keys are left out on purpose: their checks cost a query each and callers pass objects.
_ITEM_CLEAN_EXCLUDE = ["exercise", "prescription", "template", "position", "removed_on"]
_PROGRAM_CLEAN_EXCLUDE = ["patient", "prescribed_by", "template", "status"]


@dataclass(frozen=True)
class ItemSpec:
    """One dosed exercise as it should stand in a program or a template.

    ``item_id`` names an existing item of the same program to keep (its history stays
    attached); without it a new item is created.
    """

    exercise: Exercise
    sets: int = 1
    reps: int | None = None
    hold_seconds: int | None = None
    duration_seconds: int | None = None
    rest_seconds: int | None = None
    side: str = Side.BOTH
    load: str = ""
    instructions: str = ""
    item_id: int | None = None

    @classmethod
    def from_exercise(cls, exercise: Exercise) -> ItemSpec:
        """The exercise with its catalogue default dose and side."""
        return cls(
            exercise=exercise,
            side=exercise.default_side,
            **{name: getattr(exercise, name) for name in DOSE_FIELDS},
        )

    @classmethod
    def from_item(cls, item: ItemFields, *, keep_id: bool = False) -> ItemSpec:
        return cls(
            exercise=item.exercise,
            item_id=item.pk if keep_id else None,
            **{name: getattr(item, name) for name in ITEM_VALUE_FIELDS},
        )

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in ITEM_VALUE_FIELDS}


@dataclass(frozen=True)
class ProgramDetails:
    """A program's own fields: what the patient does when, and when to ease off."""

    title: str
    start_date: datetime.date
    days_of_week: Sequence[int]
    times_per_day: int = 1
    end_date: datetime.date | None = None
    goal: str = ""
    notes: str = ""
    pain_threshold: int = 5


@dataclass(frozen=True)
class TemplateDetails:
    name: str
    days_of_week: Sequence[int]
    times_per_day: int = 1
    description: str = ""


def check_program_can_start(patient: Patient) -> None:
    """Refuse a new program until the patient's intake screen is recorded and, when it found
    a red flag, medical clearance is confirmed (``Patient.program_start``). Every path that
    starts a program calls this: the builder, templates, copies and the API."""
    refusal = patient.program_start_refusal()
    if refusal:
        raise ValidationError(
            {"patient": ValidationError(refusal, code=patient.program_start().value)}
        )


def _hold_for_safety_pause(prescription: Prescription, today: datetime.date | None) -> None:
    """A program started while the patient's safety pause is open joins the pause: it stays
    paused, the patient sees nothing of it, and it starts when a therapist ends the pause
    with "start again" (DESIGN §5: nothing is due until then)."""
    pause = SafetyPause.objects.open().filter(patient=prescription.patient_id).first()
    if pause is None:
        return
    set_status(prescription=prescription, status=Status.PAUSED, today=today)
    pause.programs.add(prescription)


def _refuse_resume_during_safety_pause(prescription: Prescription) -> None:
    if SafetyPause.objects.open().filter(patient=prescription.patient_id).exists():
        raise ValidationError(
            _(
                "%(name)s's exercises are paused for safety. End the safety pause on their "
                "page: their paused programs start again from there."
            )
            % {"name": prescription.patient.display_name}
        )


def _check_item(item: ItemFields) -> None:
    item.full_clean(exclude=_ITEM_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)


def _check_count(count: int) -> None:
    if count > MAX_ITEMS:
        raise ValidationError(
            _("A program can hold at most %(count)s exercises.") % {"count": MAX_ITEMS}
        )


def _current_items(prescription: Prescription) -> list[PrescriptionItem]:
    return list(
        prescription.items.filter(removed_on__isnull=True)
        .select_for_update()
        .order_by("position", "pk")
    )


def _renumber(items: Sequence[ItemFields]) -> None:
    """Positions 0..n-1 in the given order, written only where they changed."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _retire_or_delete(items: Iterable[PrescriptionItem], today: datetime.date) -> set[int]:
    """Take items out of their program; those with logged completions are kept, retired from
    ``today`` on. Returns the ids of the retired (kept) items."""
    items = list(items)
    if not items:
        return set()
    logged = set(
        Completion.objects.filter(item__in=items).values_list("item_id", flat=True).distinct()
    )
    # An item with a photo or video of the patient is kept too: their media is never lost.
    logged |= set(Media.objects.filter(item__in=items).values_list("item_id", flat=True))
    for item in items:
        if item.pk in logged:
            item.removed_on = today
            item.save(update_fields=["removed_on"])
        else:
            item.delete()
    return logged


@dataclass(frozen=True)
class PrecautionConflict:
    """An exercise that conflicts with some of the patient's conditions (DESIGN §5)."""

    exercise: Exercise
    codes: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        return [str(Precaution(code).label) for code in self.codes]

    def __str__(self) -> str:
        return f"{self.exercise.name} ({', '.join(self.labels)})"


class PrecautionsNotConfirmed(ValidationError):
    """Exercises conflict with the patient's conditions and the therapist has not confirmed
    them; nothing was saved."""

    def __init__(self, conflicts: Sequence[PrecautionConflict]) -> None:
        self.conflicts = list(conflicts)
        names = "; ".join(str(conflict) for conflict in self.conflicts)
        message = ValidationError(
            _(
                "Some exercises conflict with the patient’s conditions: %(names)s. Confirm that "
                "you want to prescribe them, then save again."
            )
            % {"names": names},
            code="precautions",
        )
        # Under the API's field name, so a 400 names the field to send.
        super().__init__({CONFIRM_FIELD: [message]})


@dataclass(frozen=True)
class Confirmation:
    """Who is prescribing, and whether they confirmed the precaution conflicts shown to them."""

    by: User
    acknowledged: bool = False


def conflicts_with(patient: Patient, exercises: Iterable[Exercise]) -> list[PrecautionConflict]:
    """The exercises that conflict with the patient's conditions, each once, in order."""
    found: dict[int, PrecautionConflict] = {}
    for exercise in exercises:
        codes = exercise.precaution_conflicts(patient.conditions)
        if codes and exercise.pk not in found:
            found[exercise.pk] = PrecautionConflict(exercise=exercise, codes=tuple(codes))
    return list(found.values())


@transaction.atomic
def replace_items(
    *,
    prescription: Prescription,
    items: Sequence[ItemSpec],
    today: datetime.date | None = None,
    confirmation: Confirmation | None = None,
) -> list[PrescriptionItem]:
    """Make the program's current items exactly ``items``, in that order.

    Items named by ``item_id`` (with the same exercise) are updated in place; the others are
    created. Current items left out are retired from ``today`` (the patient's local date by
    default) when the patient has logged them, and deleted otherwise.

    With a ``confirmation`` (a therapist prescribing), an item whose exercise conflicts with
    the patient's conditions needs the therapist's confirmation unless that item already
    carries one for the same conflicts: without it :class:`PrecautionsNotConfirmed` is raised;
    with it, the item records which conflicts were confirmed, by whom and when (so the
    program's history shows it). Without one (a dose change the therapist already decided),
    nothing is checked.
    """
    _check_count(len(items))
    today = today or prescription.patient.local_today()
    conditions = prescription.patient.conditions if confirmation is not None else []
    now = timezone.now()
    current = {item.pk: item for item in _current_items(prescription)}
    kept: set[int] = set()
    to_save: list[PrescriptionItem] = []
    result: list[PrescriptionItem] = []
    unconfirmed: list[PrecautionConflict] = []
    for position, spec in enumerate(items):
        item_id = spec.item_id
        item = current.get(item_id) if item_id is not None and item_id not in kept else None
        values = {**spec.values(), "position": position}
        if item is not None and item.exercise_id == spec.exercise.pk:
            kept.add(item.pk)
        else:
            item = PrescriptionItem(prescription=prescription, exercise=spec.exercise)
        conflicts = spec.exercise.precaution_conflicts(conditions)
        if conflicts and not item.precautions_covered(conflicts):
            assert confirmation is not None  # conflicts are only looked for with one
            unconfirmed.append(PrecautionConflict(exercise=spec.exercise, codes=tuple(conflicts)))
            item.precautions_acknowledged = conflicts
            item.precautions_acknowledged_by = confirmation.by
            item.precautions_acknowledged_at = now
        elif item.pk is not None and all(
            getattr(item, name) == value for name, value in values.items()
        ):
            result.append(item)
            continue
        for name, value in values.items():
            setattr(item, name, value)
        _check_item(item)
        to_save.append(item)
        result.append(item)
    if unconfirmed and not (confirmation and confirmation.acknowledged):
        raise PrecautionsNotConfirmed(unconfirmed)
    _retire_or_delete((item for pk, item in current.items() if pk not in kept), today)
    for item in to_save:
        item.save()
    return result


def _apply_details(prescription: Prescription, details: ProgramDetails) -> None:
    prescription.title = details.title.strip()
    prescription.goal = details.goal
    prescription.notes = details.notes
    prescription.start_date = details.start_date
    prescription.end_date = details.end_date
    prescription.days_of_week = sorted(set(details.days_of_week))
    prescription.times_per_day = details.times_per_day
    prescription.pain_threshold = details.pain_threshold
    prescription.full_clean(
        exclude=_PROGRAM_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False
    )


@transaction.atomic
def save_program(
    *,
    patient: Patient,
    therapist: User,
    details: ProgramDetails,
    items: Sequence[ItemSpec],
    prescription: Prescription | None = None,
    template: ProgramTemplate | None = None,
    today: datetime.date | None = None,
    precautions_acknowledged: bool = False,
) -> Prescription:
    """Create a program for the patient (when ``prescription`` is None) or update one, with
    its items replaced as in :func:`replace_items`. A new program is active at once.

    An exercise that conflicts with the patient's conditions needs the therapist's explicit
    confirmation (``precautions_acknowledged``); without it nothing is saved."""
    if not items:
        raise ValidationError(_("Add at least one exercise to the program."))
    new = prescription is None
    if prescription is None:
        check_program_can_start(patient)
        prescription = Prescription(patient=patient, prescribed_by=therapist, template=template)
    elif prescription.patient_id != patient.pk:
        raise ValueError("The program belongs to another patient.")
    _apply_details(prescription, details)
    prescription.save()
    replace_items(
        prescription=prescription,
        items=items,
        today=today or patient.local_today(),
        confirmation=Confirmation(by=therapist, acknowledged=precautions_acknowledged),
    )
    if new:
        _hold_for_safety_pause(prescription, today)
    return prescription


@transaction.atomic
def start_program_from_template(
    *,
    patient: Patient,
    template: ProgramTemplate,
    therapist: User,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    title: str = "",
    precautions_acknowledged: bool = False,
) -> Prescription:
    """A new active program for the patient, copying the template's schedule and items.
    Conflicts with the patient's conditions need confirming, as in :func:`save_program`."""
    check_program_can_start(patient)
    prescription = Prescription.objects.create(
        patient=patient,
        prescribed_by=therapist,
        title=title or template.name,
        goal=template.description,
        start_date=start_date,
        end_date=end_date,
        days_of_week=list(template.days_of_week),
        times_per_day=template.times_per_day,
        template=template,
    )
    replace_items(
        prescription=prescription,
        items=[ItemSpec.from_item(item) for item in template.items.all()],
        confirmation=Confirmation(by=therapist, acknowledged=precautions_acknowledged),
    )
    _hold_for_safety_pause(prescription, None)
    return prescription


@transaction.atomic
def add_item(
    *,
    prescription: Prescription,
    item: ItemSpec,
    position: int | None = None,
) -> PrescriptionItem:
    """Add one dosed exercise, at the end or at ``position`` (0 = first)."""
    current = _current_items(prescription)
    _check_count(len(current) + 1)
    new = PrescriptionItem(prescription=prescription, exercise=item.exercise, **item.values())
    _check_item(new)
    index = len(current) if position is None else max(0, min(position, len(current)))
    new.position = index
    new.save()
    current.insert(index, new)
    _renumber(current)
    return new


@transaction.atomic
def remove_item(*, item: PrescriptionItem, today: datetime.date | None = None) -> bool:
    """Take an item out of its program. Returns True when it was kept for its history
    (retired from ``today``, the patient's local date by default), False when deleted."""
    if item.removed_on is not None:
        raise ValidationError(_("This exercise was already taken out of the program."))
    prescription = item.prescription
    today = today or prescription.patient.local_today()
    kept = bool(_retire_or_delete([item], today))
    _renumber(_current_items(prescription))
    return kept


@transaction.atomic
def move_item(*, item: PrescriptionItem, position: int) -> None:
    """Move a current item to ``position`` (0 = first; clamped to the list)."""
    if item.removed_on is not None:
        raise ValidationError(_("This exercise was taken out of the program."))
    current = _current_items(item.prescription)
    moving = next(i for i in current if i.pk == item.pk)
    current.remove(moving)
    current.insert(max(0, min(position, len(current))), moving)
    _renumber(current)
    item.position = moving.position


@transaction.atomic
def duplicate_program(
    *,
    prescription: Prescription,
    therapist: User,
    start_date: datetime.date,
    patient: Patient | None = None,
    title: str = "",
    end_original: bool = False,
    today: datetime.date | None = None,
    precautions_acknowledged: bool = False,
) -> Prescription:
    """A new active copy of the program (its current items), for the same or another patient.

    The copy keeps the schedule's shape; an end date keeps the same length from the new
    start. ``end_original`` ends the original program, as when a new phase replaces it.
    Conflicts with the patient's conditions need confirming again, as in :func:`save_program`:
    the copy is a new prescription.
    """
    check_program_can_start(patient or prescription.patient)
    end_date = None
    if prescription.end_date is not None:
        end_date = start_date + (prescription.end_date - prescription.start_date)
    copy = Prescription.objects.create(
        patient=patient or prescription.patient,
        prescribed_by=therapist,
        title=(title or prescription.title).strip(),
        goal=prescription.goal,
        notes=prescription.notes,
        start_date=start_date,
        end_date=end_date,
        days_of_week=list(prescription.days_of_week),
        times_per_day=prescription.times_per_day,
        pain_threshold=prescription.pain_threshold,
        template=prescription.template,
    )
    current = prescription.items.filter(removed_on__isnull=True).select_related("exercise")
    replace_items(
        prescription=copy,
        items=[ItemSpec.from_item(item) for item in current.order_by("position", "pk")],
        today=today,
        confirmation=Confirmation(by=therapist, acknowledged=precautions_acknowledged),
    )
    _hold_for_safety_pause(copy, today)
    if end_original and prescription.status != Status.ENDED:
        set_status(prescription=prescription, status=Status.ENDED, today=today)
    return copy


def _save_template_items(template: ProgramTemplate, items: Sequence[ItemSpec]) -> None:
    _check_count(len(items))
    new_items = []
    for position, spec in enumerate(items):
        item = ProgramTemplateItem(
            template=template, exercise=spec.exercise, position=position, **spec.values()
        )
        _check_item(item)
        new_items.append(item)
    template.items.all().delete()
    ProgramTemplateItem.objects.bulk_create(new_items)


def _apply_template_details(template: ProgramTemplate, details: TemplateDetails) -> None:
    template.name = details.name.strip()
    template.description = details.description
    template.days_of_week = sorted(set(details.days_of_week))
    template.times_per_day = details.times_per_day
    template.full_clean(
        exclude=["owner", "slug"], validate_unique=False, validate_constraints=False
    )


@transaction.atomic
def save_template(
    *,
    owner: User,
    details: TemplateDetails,
    items: Sequence[ItemSpec],
    template: ProgramTemplate | None = None,
) -> ProgramTemplate:
    """Create or update a therapist's own template. Shared starter templates are kept by the
    catalogue loader and cannot be changed here."""
    if not items:
        raise ValidationError(_("Add at least one exercise to the template."))
    if template is None:
        template = ProgramTemplate(owner=owner)
    elif template.owner_id != owner.pk:
        raise ValueError("Only the owner can change a template.")
    _apply_template_details(template, details)
    template.save()
    _save_template_items(template, items)
    return template


@transaction.atomic
def save_as_template(
    *,
    prescription: Prescription,
    owner: User,
    name: str,
    description: str = "",
) -> ProgramTemplate:
    """The program's schedule and current items as a new template of the therapist's own."""
    current = prescription.items.filter(removed_on__isnull=True).select_related("exercise")
    return save_template(
        owner=owner,
        details=TemplateDetails(
            name=name,
            description=description,
            days_of_week=list(prescription.days_of_week),
            times_per_day=prescription.times_per_day,
        ),
        items=[ItemSpec.from_item(item) for item in current.order_by("position", "pk")],
    )


def _refused_change(current: Status, status: Status) -> str:
    """Why a program cannot go from ``current`` to ``status`` (only an ended one refuses)."""
    if current == Status.ENDED and status == Status.ACTIVE:
        return _("This program is ended, so it cannot be resumed. Duplicate it to start again.")
    if current == Status.ENDED:
        return _("This program is ended, so it cannot be paused. Duplicate it to start again.")
    return _("This program cannot change that way.")


_TRANSITIONS = {
    Status.ACTIVE: {Status.PAUSED, Status.ENDED},
    Status.PAUSED: {Status.ACTIVE, Status.ENDED},
    Status.ENDED: set(),
}


def _pauses_after(
    pauses: list[list[str | None]], current: Status, status: Status, today: datetime.date
) -> list[list[str | None]]:
    """The program's pauses once its status goes from ``current`` to ``status`` on ``today``.

    Pausing opens a pause from today. Resuming closes it on the day before (the patient has
    the rest of today), and forgets it when it began today. Ending closes it on today.
    """
    pauses = [list(pause) for pause in pauses]
    if status == Status.PAUSED:
        return [*pauses, [today.isoformat(), None]]
    if current != Status.PAUSED or not pauses or pauses[-1][1] is not None:
        return pauses
    first = pauses[-1][0] or today.isoformat()
    last = today if status == Status.ENDED else today - datetime.timedelta(days=1)
    if last.isoformat() < first:
        return pauses[:-1]
    pauses[-1] = [first, last.isoformat()]
    return pauses


@transaction.atomic
def set_status(
    *,
    prescription: Prescription,
    status: str,
    today: datetime.date | None = None,
) -> Prescription:
    """Pause, resume or end a program. Ending it sets the end date to ``today`` (the
    patient's local date by default) unless it already ends sooner; an ended program stays
    ended (duplicate it to start again). The days a program was paused are kept in
    ``pauses``, so that history, adherence and the inactivity check count nothing due on them.
    """
    status = Status(status)
    current = Status(prescription.status)
    if status == current:
        return prescription
    if status not in _TRANSITIONS[current]:
        raise ValidationError(_refused_change(current, status))
    if status == Status.ACTIVE:
        _refuse_resume_during_safety_pause(prescription)
    today = today or prescription.patient.local_today()
    prescription.status = status
    prescription.pauses = _pauses_after(prescription.pauses, current, status, today)
    update_fields = ["status", "pauses", "updated_at"]
    if status == Status.ENDED:
        last_day = max(today, prescription.start_date)
        if prescription.end_date is None or prescription.end_date > last_day:
            prescription.end_date = last_day
            update_fields.append("end_date")
    prescription.save(update_fields=update_fields)
    return prescription


@transaction.atomic
def delete_template(*, template: ProgramTemplate, owner: User) -> None:
    """Delete a therapist's own template; programs started from it keep their items."""
    if template.owner_id != owner.pk:
        raise ValueError("Only the owner can delete a template.")
    template.delete()


PRIVATE_EXERCISE_FIELDS = frozenset({*EXERCISE_FIELDS, *DOSE_FIELDS})


def _private_slug(owner: User, name: str) -> str:
    """Private slugs start with the owner's id, so the shared catalogue never claims them."""
    base = f"t{owner.pk}-{slugify(name)[:100]}".rstrip("-")
    taken = set(Exercise.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, counter = base, 1
    while candidate in taken:
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


@transaction.atomic
def save_private_exercise(
    *,
    owner: User,
    values: Mapping[str, object],
    steps: Sequence[str],
    equipment: Iterable[Equipment] = (),
    exercise: Exercise | None = None,
) -> Exercise:
    """Create or update a therapist's own exercise with its numbered steps. Only its owner
    sees and uses it; programs already holding it show the new wording and default dose
    applies to items added from now on."""
    unknown = set(values) - PRIVATE_EXERCISE_FIELDS
    if unknown:
        raise ValueError(f"Unknown exercise fields: {', '.join(sorted(unknown))}.")
    steps = [step.strip() for step in steps if step.strip()]
    if not steps:
        raise ValidationError({"steps": _("Write at least one step.")})
    if exercise is None:
        exercise = Exercise(owner=owner, is_published=True)
    elif exercise.owner_id != owner.pk:
        raise ValueError("Only the owner can change a private exercise.")
    for name, value in values.items():
        setattr(exercise, name, value)
    if not exercise.slug:
        exercise.slug = _private_slug(owner, exercise.name)
    exercise.full_clean(exclude=["owner", "image"], validate_constraints=False)
    exercise.save()
    exercise.equipment.set(list(equipment))
    exercise.steps.all().delete()
    ExerciseStep.objects.bulk_create(
        ExerciseStep(exercise=exercise, order=order, text=text)
        for order, text in enumerate(steps, start=1)
    )
    return exercise


def exercise_uses(exercise: Exercise) -> int:
    """How many programs and templates hold the exercise (including retired items)."""
    programs = PrescriptionItem.objects.filter(exercise=exercise).values("prescription").distinct()
    templates = ProgramTemplateItem.objects.filter(exercise=exercise).values("template").distinct()
    return programs.count() + templates.count()


@transaction.atomic
def delete_private_exercise(*, exercise: Exercise, owner: User) -> None:
    """Delete a therapist's own exercise that no program or template holds."""
    if exercise.owner_id != owner.pk:
        raise ValueError("Only the owner can delete a private exercise.")
    if exercise_uses(exercise):
        raise ValidationError(
            _(
                "This exercise is part of a program or template, so it stays: patients' plans "
                "and history need it."
            )
        )
    exercise.delete()


@transaction.atomic
def save_therapist_settings(
    *, therapist: User, clinic_phone: str, language: str | None = None
) -> TherapistProfile:
    """The therapist's own settings: the clinic phone their new patients start with and the
    language they read Rehabit in (empty: their browser's; None: left as it is)."""
    profile, _created = TherapistProfile.objects.get_or_create(user=therapist)
    profile.clinic_phone = clinic_phone.strip()
    fields = ["clinic_phone"]
    if language is not None:
        profile.language = language
        fields.append("language")
    profile.full_clean(exclude=["user"], validate_unique=False)
    profile.save(update_fields=fields)
    return profile


@transaction.atomic
def attach_media(
    *,
    uploaded_by: User,
    upload: CheckedUpload,
    title: str = "",
    exercise: Exercise | None = None,
    item: PrescriptionItem | None = None,
) -> Media:
    """Attach a checked photo or video to the therapist's own exercise or to one item of a
    patient's program (the caller has checked that the therapist may)."""
    if (exercise is None) == (item is None):
        raise ValidationError(_("Attach it to an exercise or to an item of a program."))
    if exercise is not None and exercise.owner_id != uploaded_by.pk:
        raise ValidationError(_("You can add photos and videos only to your own exercises."))
    return Media.objects.create(
        exercise=exercise,
        item=item,
        file=upload.content,
        kind=upload.kind,
        content_type=upload.content_type,
        size=upload.content.size,
        title=title.strip(),
        uploaded_by=uploaded_by,
    )


@transaction.atomic
def remove_media(media: Media) -> None:
    """Take a photo or video away (the caller has checked ``Media.objects.removable_by``).

    One of the therapist's own exercise is deleted with its file. One on a patient's item is
    part of their record: it is kept, and the patient no longer sees it.
    """
    if media.item_id is not None:
        media.removed_at = timezone.now()
        media.save(update_fields=["removed_at"])
        return
    storage, name = media.file.storage, str(media.file.name)
    media.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(name))
