"""A patient answers a due Patient-Specific Functional Scale on a phone, from Today; the
therapist sees the score and whether the change is clinically important. Screens are saved
under screenshots/ to look at."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from outcomes.loading import load_measures
from outcomes.models import MeasureDefinition, MeasureResponse
from outcomes.services import Choice, start_episode, submit
from tests.factories import PatientFactory, PrescriptionFactory, TherapistFactory
from tests.helpers import PHONE, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_patient_answers_the_activities_scale_and_the_therapist_sees_the_change(
    live_server, browser
):
    load_measures()
    therapist = TherapistFactory()
    patient = PatientFactory(therapist=therapist, timezone="UTC")
    PrescriptionFactory(patient=patient, prescribed_by=therapist)
    today = patient.local_today()
    psfs = MeasureDefinition.objects.get(code="psfs")
    episode = start_episode(
        patient=patient,
        started_by=therapist,
        started_on=today - datetime.timedelta(days=14),
        choices=[Choice(psfs, "repeat", 2)],
    )
    baseline = MeasureResponse.objects.create(
        episode=episode,
        measure=psfs,
        due_on=episode.started_on,
        version="1",
        language="en",
        answers={"activity_1": "Climbing stairs", "rating_1": 2},
    )
    submit(response=baseline)

    phone = browser.new_context(viewport=PHONE, has_touch=True)
    page = phone.new_page()
    log_in(page, live_server.url, patient.user.username)
    card = page.locator(".questionnaire-card")
    expect(card).to_contain_text("A short questionnaire (2 minutes)")
    screenshot(page, "60-today-questionnaire")
    card.get_by_role("button", name="Start the questionnaire").tap()
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()
    page.get_by_label("Activity 1: one thing you find hard to do").fill("Climbing stairs")
    page.get_by_text("6", exact=True).first.tap()
    screenshot(page, "61-questionnaire-page")
    assert_accessible(page)
    target = page.locator(".pain-option").first.bounding_box()
    assert target is not None
    assert target["height"] >= 44  # large enough for a finger
    page.get_by_role("button", name="Next").tap()
    expect(page.get_by_text("Page 2 of 5")).to_be_visible()
    page.get_by_role("button", name="No more: check my answers").tap()
    expect(page.get_by_text("Climbing stairs")).to_be_visible()
    screenshot(page, "62-questionnaire-review")
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_text("Your answers are sent to your therapist")).to_be_visible()
    phone.close()

    desk = browser.new_context(viewport={"width": 1200, "height": 1400})
    page = desk.new_page()
    log_in(page, live_server.url, therapist.username)
    page.goto(f"{live_server.url}/clinic/patients/{patient.pk}/progress/")
    panel = page.locator(".outcomes-panel")
    expect(panel).to_contain_text("Improved by 4 points since")
    expect(panel).to_contain_text("a clinically important change")
    expect(panel.locator("svg.score-chart")).to_be_visible()
    panel.screenshot(path=str(screenshot(page, "63-progress-outcomes").with_name("63-panel.png")))
    assert_accessible(page)
    desk.close()
