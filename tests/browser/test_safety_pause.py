"""The safety pause in a real browser, on a phone: an emergency sign stops the exercises and
tells the care team; the pause still holds the next day; only the therapist ends it, and then
the patient can exercise again. Each screen is saved under screenshots/ to look at."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from patients.models import Alert, SafetyPause, Severity
from prescriptions.models import Status
from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    TherapistFactory,
    UserFactory,
)
from tests.helpers import PHONE, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

CLINIC_PHONE = "030 1234 5678"


def report_an_emergency_sign(page: Page) -> None:
    """From Today: worst pain 4, gone after 15 minutes, a bladder change, nothing else."""
    page.get_by_role("link", name=re.compile("pain", re.IGNORECASE)).first.click()
    page.locator("label", has_text=re.compile(r"^\s*4\s*$")).first.click()
    page.locator("label[for=id_pain_lasting_1]").click()  # no
    page.get_by_label(re.compile("Changes in peeing or pooing")).check()
    page.locator("label[for=id_legs_4]").click()  # none of these
    page.locator("label[for=id_other_2]").click()  # none of these
    screenshot(page, "30-patient-emergency-report")
    page.get_by_role("button", name=re.compile("Send|Save")).click()


def expect_paused_today(page: Page, base: str) -> None:
    page.goto(f"{base}/today/")
    expect(page.get_by_role("heading", name=re.compile("paused for your safety"))).to_be_visible()
    expect(page.get_by_role("link", name=f"Call your clinic: {CLINIC_PHONE}")).to_be_visible()
    expect(page.locator("button.check-button")).to_have_count(0)


def therapist_ends_the_pause(browser: Browser, base: str, username: str) -> None:
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    log_in(page, base, username)
    page.goto(f"{base}/clinic/dashboard/")
    expect(page.locator(".mon-alert-critical").first).to_be_visible()
    page.get_by_role("link", name=re.compile("Paused for safety since")).click()
    expect(page.get_by_role("heading", name=re.compile("Safety pause since"))).to_be_visible()
    screenshot(page, "34-therapist-safety-pause")
    assert_accessible(page)
    page.get_by_label("Start their paused programs again as they are").check()
    page.get_by_label("Note (optional)").fill("Seen at the clinic: cleared.")
    page.get_by_role("button", name="End the safety pause").click()
    expect(page.locator("body")).to_contain_text("can exercise again")
    expect(page.locator("[data-safety-pause]")).to_have_count(0)
    desk.close()


def test_an_emergency_sign_pauses_the_program_until_the_therapist_ends_it(
    live_server, browser, settings
):
    settings.SITE_URL = live_server.url
    settings.REHABIT_EMERGENCY_NUMBER = "112"
    base = live_server.url
    therapist = TherapistFactory(username="tess")
    patient = PatientFactory(
        therapist=therapist,
        user=UserFactory(username="ada", first_name="Ada", last_name="Stone"),
        clinic_phone=CLINIC_PHONE,
    )
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist, title="Back care")
    PrescriptionItemFactory(prescription=program)

    phone = browser.new_context(viewport=PHONE, has_touch=True)
    page = phone.new_page()
    log_in(page, base, "ada")
    expect(page.locator("button.check-button").first).to_be_visible()

    report_an_emergency_sign(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Call 112 now")
    call = page.get_by_role("link", name="Call 112 now")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:112")
    assert call.bounding_box()["height"] >= 48  # a large target for a shaky finger
    screenshot(page, "31-patient-emergency")
    assert_accessible(page)

    # The care team hears at once, without a name, pain score or symptom in the email.
    alert = Alert.objects.get(patient=patient, acknowledged_at__isnull=True)
    assert alert.severity == Severity.CRITICAL
    (email,) = mail.outbox
    assert email.to == [therapist.email]
    for private in ("Ada", "Stone", "peeing", "Bladder", "4/10", "4 out of 10"):
        assert private not in email.body
        assert private not in email.subject
    program.refresh_from_db()
    assert program.status == Status.PAUSED

    expect_paused_today(page, base)
    screenshot(page, "32-patient-paused")
    assert_accessible(page)

    # The next morning the pause still holds: nothing to tick off, the clinic's phone at hand.
    tomorrow = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=True):
        expect_paused_today(page, base)
        screenshot(page, "33-patient-paused-next-day")

        therapist_ends_the_pause(browser, base, therapist.username)

        page.goto(f"{base}/today/")
        expect(page.locator("[data-safety-pause]")).to_have_count(0)
        check = page.locator("button.check-button:not([disabled])").first
        expect(check).to_be_visible()
        check.click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("body")).to_contain_text(re.compile("All done|1 of 1"))
        screenshot(page, "35-patient-exercising-again")
    phone.close()

    pause = SafetyPause.objects.get(patient=patient)
    assert pause.ended_by == therapist
    assert pause.resumed
    assert pause.end_note == "Seen at the clinic: cleared."
