"""Exercise pictures where people need them: on the patient's Today (mirrored for the other
side) and on the printed handout. Each screen is saved under screenshots/ to look at."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from exercises.models import Exercise
from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    TherapistFactory,
)
from tests.helpers import PHONE, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

MIRRORED = "scale(-1 1)"


def test_pictures_on_today_for_each_side_and_on_the_printed_handout(live_server, browser):
    call_command("load_catalogue", verbosity=0)
    therapist = TherapistFactory()
    patient = PatientFactory(therapist=therapist, clinic_phone="030 1234 5678")
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist, title="Hips")
    bridge = Exercise.objects.get(slug="bridge")
    stretch = Exercise.objects.get(slug="hamstring-stretch-towel")
    PrescriptionItemFactory(prescription=program, exercise=bridge, side="left", position=0)
    PrescriptionItemFactory(prescription=program, exercise=stretch, side="right", position=1)

    phone = browser.new_context(viewport=PHONE, has_touch=True, reduced_motion="reduce")
    page = phone.new_page()
    log_in(page, live_server.url, patient.user.username)
    cards = page.locator("li.item-card")
    expect(cards).to_have_count(2)
    for index in range(2):
        cards.nth(index).locator("details.how-to summary").tap()
    pictures = page.locator("li.item-card .exercise-picture svg[role=img]")
    expect(pictures).to_have_count(2)
    for picture in (pictures.nth(0), pictures.nth(1)):
        box = picture.bounding_box()
        assert box is not None
        assert box["width"] >= 200  # large enough to read on a phone
    left, right = (pictures.nth(i).inner_html() for i in range(2))
    assert MIRRORED not in left
    assert MIRRORED in right
    screenshot(page, "50-today-pictures")
    assert_accessible(page)
    phone.close()

    desk = browser.new_context(viewport={"width": 1000, "height": 1200})
    page = desk.new_page()
    log_in(page, live_server.url, therapist.username)
    page.goto(f"{live_server.url}/clinic/programs/{program.pk}/handout/")
    page.emulate_media(media="print")
    handout_pictures = page.locator(".exercise-picture svg[role=img]")
    expect(handout_pictures).to_have_count(2)
    expect(handout_pictures.first).to_be_visible()
    screenshot(page, "51-handout-print-pictures")
    desk.close()
