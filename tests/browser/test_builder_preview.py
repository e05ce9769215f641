"""The builder's "The patient reads:" line follows the dose as the therapist types it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_patient_reads_line_changes_as_the_dose_is_typed(live_server, page, therapist, patient):
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(name="Bridge"),
        sets=2,
        reps=10,
        hold_seconds=None,
        rest_seconds=None,
    )
    log_in(page, live_server.url, therapist.username)
    page.goto(f"{live_server.url}/clinic/programs/{program.pk}/edit/")
    reads = page.locator("#item-1 .patient-reads")
    expect(reads).to_have_text("The patient reads: 2 sets of 10 repetitions")
    page.locator("[name=items-0-reps]").fill("8")
    expect(reads).to_have_text("The patient reads: 2 sets of 8 repetitions")
    page.locator("[name=items-0-sets]").fill("1")
    expect(reads).to_have_text("The patient reads: 8 repetitions")
    page.locator("[name=items-0-reps]").fill("")
    expect(reads).to_have_text(re.compile("Give repetitions or a duration"))


def test_the_items_picture_turns_to_the_side_chosen(live_server, page, therapist, patient):
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    PrescriptionItemFactory(prescription=program, exercise=ExerciseFactory(), side="left")
    log_in(page, live_server.url, therapist.username)
    page.goto(f"{live_server.url}/clinic/programs/{program.pk}/edit/")
    picture = page.locator("#item-1 .builder-item-picture")
    expect(picture).not_to_have_class(re.compile("is-mirrored"))
    page.locator("[name=items-0-side]").select_option("right")
    expect(picture).to_have_class(re.compile("is-mirrored"))
    page.locator("[name=items-0-side]").select_option("left")
    expect(picture).not_to_have_class(re.compile("is-mirrored"))
