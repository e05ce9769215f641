"""Program services: the writes the therapist's pages and the API share."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import Exercise, Precaution, Side
from prescriptions.models import PrescriptionItem, ProgramTemplate, Status
from prescriptions.services import (
    MAX_ITEMS,
    ItemSpec,
    ProgramDetails,
    add_item,
    delete_private_exercise,
    duplicate_program,
    move_item,
    remove_item,
    replace_items,
    save_as_template,
    save_private_exercise,
    save_program,
    set_status,
    start_program_from_template,
)
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def details(**changes) -> ProgramDetails:
    values = {
        "title": "Knee program",
        "start_date": TODAY,
        "days_of_week": [4, 0, 2],
        "times_per_day": 2,
    }
    return ProgramDetails(**{**values, **changes})


def current(program) -> list[PrescriptionItem]:
    return list(program.items.filter(removed_on__isnull=True).order_by("position"))


def test_save_program_creates_an_active_program_with_ordered_items(therapist, patient):
    first, second = ExerciseFactory(), ExerciseFactory(reps=None, duration_seconds=300)
    program = save_program(
        patient=patient,
        therapist=therapist,
        details=details(),
        items=[ItemSpec.from_exercise(first), ItemSpec(exercise=second, duration_seconds=600)],
        today=TODAY,
    )
    assert program.status == Status.ACTIVE
    assert program.days_of_week == [0, 2, 4]
    assert [(i.exercise, i.position) for i in current(program)] == [(first, 0), (second, 1)]
    assert current(program)[1].duration_seconds == 600


@pytest.mark.parametrize(
    "bad",
    [
        {"end_date": TODAY - datetime.timedelta(days=1)},
        {"days_of_week": []},
        {"times_per_day": 7},
        {"pain_threshold": 11},
    ],
    ids=["end-before-start", "no-days", "seven-sessions", "threshold-11"],
)
def test_save_program_refuses_bad_details(therapist, patient, bad):
    with pytest.raises(ValidationError):
        save_program(
            patient=patient,
            therapist=therapist,
            details=details(**bad),
            items=[ItemSpec.from_exercise(ExerciseFactory())],
        )
    assert not patient.prescriptions.exists()


def test_save_program_refuses_a_dose_without_reps_or_duration(therapist, patient):
    with pytest.raises(ValidationError, match="repetitions or a duration"):
        save_program(
            patient=patient,
            therapist=therapist,
            details=details(),
            items=[ItemSpec(exercise=ExerciseFactory(), reps=None)],
        )
    assert not patient.prescriptions.exists()


def test_save_program_needs_at_least_one_item(therapist, patient):
    with pytest.raises(ValidationError):
        save_program(patient=patient, therapist=therapist, details=details(), items=[])


def test_save_program_refuses_another_patients_program(therapist, patient, other_patient):
    program = PrescriptionFactory(patient=other_patient)
    with pytest.raises(ValueError, match="another patient"):
        save_program(
            patient=patient,
            therapist=therapist,
            details=details(),
            items=[ItemSpec.from_exercise(ExerciseFactory())],
            prescription=program,
        )


def test_replace_items_updates_kept_items_and_retires_logged_ones(prescription):
    logged = PrescriptionItemFactory(prescription=prescription, position=0)
    unlogged = PrescriptionItemFactory(prescription=prescription, position=1)
    kept = PrescriptionItemFactory(prescription=prescription, position=2, reps=5)
    CompletionFactory(item=logged)
    new_exercise = ExerciseFactory()

    replace_items(
        prescription=prescription,
        items=[
            ItemSpec(exercise=new_exercise, reps=4),
            replace(ItemSpec.from_item(kept, keep_id=True), reps=9),
        ],
        today=TODAY,
    )
    logged.refresh_from_db()
    kept.refresh_from_db()
    assert logged.removed_on == TODAY
    assert not PrescriptionItem.objects.filter(pk=unlogged.pk).exists()
    assert (kept.reps, kept.position) == (9, 1)
    assert [i.exercise for i in current(prescription)] == [new_exercise, kept.exercise]


def test_replace_items_treats_a_foreign_item_id_as_a_new_item(prescription):
    other_item = PrescriptionItemFactory()
    exercise = other_item.exercise
    replace_items(
        prescription=prescription,
        items=[ItemSpec(exercise=exercise, reps=3, item_id=other_item.pk)],
        today=TODAY,
    )
    other_item.refresh_from_db()
    assert other_item.prescription != prescription  # untouched
    assert current(prescription)[0].pk != other_item.pk


def test_replace_items_uses_the_patients_local_date_by_default(therapist):
    patient = PatientFactory(therapist=therapist, timezone="Pacific/Kiritimati")
    program = PrescriptionFactory(patient=patient)
    logged = PrescriptionItemFactory(prescription=program)
    CompletionFactory(item=logged)
    replace_items(prescription=program, items=[ItemSpec.from_exercise(ExerciseFactory())])
    logged.refresh_from_db()
    assert logged.removed_on == patient.local_today()


def test_replace_items_has_a_limit(prescription):
    exercise = ExerciseFactory()
    with pytest.raises(ValidationError, match=str(MAX_ITEMS)):
        replace_items(
            prescription=prescription,
            items=[ItemSpec.from_exercise(exercise)] * (MAX_ITEMS + 1),
            today=TODAY,
        )


def test_add_item_inserts_at_a_position_and_renumbers(prescription):
    first = PrescriptionItemFactory(prescription=prescription, position=0)
    second = PrescriptionItemFactory(prescription=prescription, position=1)
    exercise = ExerciseFactory(sided=True)
    added = add_item(prescription=prescription, item=ItemSpec.from_exercise(exercise), position=1)
    assert [i.pk for i in current(prescription)] == [first.pk, added.pk, second.pk]
    assert added.side == Side.EACH
    assert (added.reps, added.hold_seconds) == (exercise.reps, exercise.hold_seconds)
    at_end = add_item(prescription=prescription, item=ItemSpec.from_exercise(exercise))
    assert current(prescription)[-1].pk == at_end.pk


def test_add_item_refuses_an_impossible_dose(prescription):
    with pytest.raises(ValidationError):
        add_item(
            prescription=prescription,
            item=ItemSpec(exercise=ExerciseFactory(), reps=5, hold_seconds=301),
        )
    assert not prescription.items.exists()


def test_remove_item_keeps_a_logged_item_for_history(prescription):
    logged = PrescriptionItemFactory(prescription=prescription, position=0)
    other = PrescriptionItemFactory(prescription=prescription, position=1)
    completion = CompletionFactory(item=logged)
    assert remove_item(item=logged, today=TODAY) is True
    logged.refresh_from_db()
    completion.refresh_from_db()
    assert logged.removed_on == TODAY
    assert [i.pk for i in current(prescription)] == [other.pk]
    assert current(prescription)[0].position == 0
    with pytest.raises(ValidationError):
        remove_item(item=logged, today=TODAY)


def test_remove_item_deletes_an_item_never_logged(prescription):
    item = PrescriptionItemFactory(prescription=prescription)
    assert remove_item(item=item, today=TODAY) is False
    assert not PrescriptionItem.objects.filter(pk=item.pk).exists()


def test_move_item_reorders_current_items(prescription):
    items = [PrescriptionItemFactory(prescription=prescription, position=n) for n in range(4)]
    move_item(item=items[3], position=0)
    assert [i.pk for i in current(prescription)] == [items[3].pk, *[i.pk for i in items[:3]]]
    move_item(item=items[3], position=99)  # clamped to the end
    assert [i.pk for i in current(prescription)] == [i.pk for i in items]
    assert [i.position for i in current(prescription)] == [0, 1, 2, 3]


def test_duplicate_program_copies_current_items_for_another_patient(therapist, prescription):
    kept = PrescriptionItemFactory(prescription=prescription, position=0, load="Red band")
    PrescriptionItemFactory(prescription=prescription, position=1, removed_on=TODAY)
    prescription.end_date = prescription.start_date + datetime.timedelta(days=27)
    prescription.save()
    other = PatientFactory(therapist=therapist)
    copy = duplicate_program(
        prescription=prescription, therapist=therapist, patient=other, start_date=TODAY
    )
    assert copy.patient == other
    assert copy.status == Status.ACTIVE
    assert copy.end_date == TODAY + datetime.timedelta(days=27)
    assert [(i.exercise, i.load) for i in copy.items.all()] == [(kept.exercise, "Red band")]
    prescription.refresh_from_db()
    assert prescription.status == Status.ACTIVE


def test_duplicate_program_can_replace_the_original(therapist, prescription):
    copy = duplicate_program(
        prescription=prescription,
        therapist=therapist,
        start_date=TODAY,
        title="Phase 2",
        end_original=True,
        today=TODAY,
    )
    prescription.refresh_from_db()
    assert prescription.status == Status.ENDED
    assert copy.title == "Phase 2"
    assert copy.patient == prescription.patient


def test_save_as_template_copies_schedule_and_current_items(therapist, prescription):
    item = PrescriptionItemFactory(prescription=prescription, reps=7, side=Side.LEFT)
    PrescriptionItemFactory(prescription=prescription, removed_on=TODAY)
    template = save_as_template(prescription=prescription, owner=therapist, name="Mine")
    assert template.owner == therapist
    assert template.days_of_week == prescription.days_of_week
    copied = list(template.items.all())
    assert [(i.exercise, i.reps, i.side) for i in copied] == [(item.exercise, 7, Side.LEFT)]


def test_start_program_from_template_copies_items(therapist, patient):
    template = ProgramTemplateFactory(times_per_day=2)
    item = ProgramTemplateItemFactory(template=template, reps=6)
    program = start_program_from_template(
        patient=patient, template=template, therapist=therapist, start_date=TODAY
    )
    assert program.template == template
    assert [(i.exercise, i.reps) for i in program.items.all()] == [(item.exercise, 6)]


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (Status.ACTIVE, Status.PAUSED, True),
        (Status.PAUSED, Status.ACTIVE, True),
        (Status.ACTIVE, Status.ENDED, True),
        (Status.PAUSED, Status.ENDED, True),
        (Status.ENDED, Status.ACTIVE, False),
        (Status.ENDED, Status.PAUSED, False),
    ],
)
def test_set_status_transitions(start, target, allowed):
    program = PrescriptionFactory(status=start, start_date=TODAY - datetime.timedelta(days=3))
    if allowed:
        set_status(prescription=program, status=target, today=TODAY)
        program.refresh_from_db()
        assert program.status == target
    else:
        with pytest.raises(ValidationError):
            set_status(prescription=program, status=target, today=TODAY)


def test_ending_sets_the_end_date_to_today_unless_sooner():
    open_ended = PrescriptionFactory(start_date=TODAY - datetime.timedelta(days=3))
    set_status(prescription=open_ended, status=Status.ENDED, today=TODAY)
    assert open_ended.end_date == TODAY
    ends_sooner = PrescriptionFactory(
        start_date=TODAY - datetime.timedelta(days=30),
        end_date=TODAY - datetime.timedelta(days=2),
    )
    set_status(prescription=ends_sooner, status=Status.ENDED, today=TODAY)
    assert ends_sooner.end_date == TODAY - datetime.timedelta(days=2)
    not_started = PrescriptionFactory(start_date=TODAY + datetime.timedelta(days=5))
    set_status(prescription=not_started, status=Status.ENDED, today=TODAY)
    assert not_started.end_date == not_started.start_date


def test_private_exercise_gets_its_own_slug_and_numbered_steps(therapist):
    values = {
        "name": "Bridge",
        "body_region": "core",
        "kind": "strengthening",
        "position": "lying_on_back",
        "sets": 1,
        "reps": 5,
        "precaution_tags": [Precaution.PREGNANCY],
    }
    ExerciseFactory(name="Bridge", slug="bridge")
    first = save_private_exercise(owner=therapist, values=values, steps=["Lie down.", " Lift. "])
    second = save_private_exercise(owner=therapist, values=values, steps=["Lie down."])
    assert first.slug == f"t{therapist.pk}-bridge"
    assert second.slug == f"t{therapist.pk}-bridge-2"
    assert first.owner == therapist
    assert [s.text for s in first.steps.all()] == ["Lie down.", "Lift."]
    assert [s.order for s in first.steps.all()] == [1, 2]


def test_private_exercise_belongs_to_its_owner(therapist, other_therapist):
    exercise = ExerciseFactory(owner=therapist)
    with pytest.raises(ValueError, match="owner"):
        save_private_exercise(
            owner=other_therapist, values={"name": "Taken"}, steps=["x"], exercise=exercise
        )
    with pytest.raises(ValueError, match="Unknown"):
        save_private_exercise(owner=therapist, values={"owner": other_therapist}, steps=["x"])


def test_a_private_exercise_in_use_is_not_deleted(therapist):
    exercise = ExerciseFactory(owner=therapist)
    PrescriptionItemFactory(exercise=exercise)
    with pytest.raises(ValidationError):
        delete_private_exercise(exercise=exercise, owner=therapist)
    assert Exercise.objects.filter(pk=exercise.pk).exists()
    unused = ExerciseFactory(owner=therapist)
    delete_private_exercise(exercise=unused, owner=therapist)
    assert not Exercise.objects.filter(pk=unused.pk).exists()


def test_templates_are_not_touched_by_saving_as_template_twice(therapist, prescription):
    PrescriptionItemFactory(prescription=prescription)
    save_as_template(prescription=prescription, owner=therapist, name="A")
    save_as_template(prescription=prescription, owner=therapist, name="B")
    assert ProgramTemplate.objects.filter(owner=therapist).count() == 2


def test_replace_items_writes_only_the_items_that_changed(prescription):
    first = PrescriptionItemFactory(prescription=prescription, position=0, reps=5)
    second = PrescriptionItemFactory(prescription=prescription, position=1, reps=5)
    specs = [ItemSpec.from_item(first, keep_id=True), ItemSpec.from_item(second, keep_id=True)]
    with CaptureQueriesContext(connection) as unchanged:
        replace_items(prescription=prescription, items=specs, today=TODAY)
    assert not [q for q in unchanged if q["sql"].startswith("UPDATE")]

    with CaptureQueriesContext(connection) as one_change:
        replace_items(
            prescription=prescription, items=[specs[0], replace(specs[1], reps=8)], today=TODAY
        )
    updates = [q["sql"] for q in one_change if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    second.refresh_from_db()
    assert second.reps == 8
