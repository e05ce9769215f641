"""A Spanish and a German patient on a phone: Today, the pain report and its guidance, and the
history, all in their language, with nothing wider than the screen (German words are long).
Each screen is saved under screenshots/ to look at."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from exercises.models import Exercise
from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    TherapistFactory,
    UserFactory,
)
from tests.helpers import PHONE, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "es": {
        "today": "Hoy",
        "done": "Marcar como hecho",
        "send": "Enviar mis respuestas",
        "stop": "Deje los ejercicios por ahora",
        "paused": "Sus ejercicios están en pausa por su seguridad",
        "history": "Historial",
    },
    "de": {
        "today": "Heute",
        "done": "Als erledigt markieren",
        "send": "Antworten senden",
        "stop": "Hören Sie vorerst mit den Übungen auf",
        "paused": "Ihre Übungen sind zu Ihrer Sicherheit pausiert",
        "history": "Verlauf",
    },
}
# Elements whose text is cut off show it wider than their box (clipped or scrolled).
CLIPPED = """() => [...document.querySelectorAll('button, a.btn, h1, h2, h3, label, summary')]
    .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
    .map((el) => el.textContent.trim().slice(0, 60))"""


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(CLIPPED) == []


@pytest.mark.parametrize("language", ["es", "de"])
def test_a_patient_reads_today_the_report_and_its_guidance_in_their_language(
    live_server, browser, language
):
    call_command("load_catalogue", verbosity=0)
    therapist = TherapistFactory()
    patient = PatientFactory(
        therapist=therapist,
        user=UserFactory(username=f"paciente-{language}"),
        language=language,
        clinic_phone="030 1234 5678",
    )
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    for position, slug in enumerate(
        ["bridge", "hamstring-stretch-towel", "ta-activation-heel-slide"]
    ):
        exercise = Exercise.objects.get(slug=slug)
        PrescriptionItemFactory(prescription=program, exercise=exercise, position=position)
    words = WORDS[language]

    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, patient.user.username)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["today"])
    expect(page.get_by_role("button", name=re.compile(words["done"])).first).to_be_visible()
    page.locator("details.how-to").first.evaluate("el => el.open = true")
    screenshot(page, f"40-{language}-today")
    fits_the_screen(page)
    assert_accessible(page)

    page.goto(f"{live_server.url}/report/")
    page.locator("label", has_text=re.compile(r"^\s*4\s*$")).first.click()
    page.locator("label[for=id_pain_lasting_1]").click()  # no
    page.locator("label[for=id_emergency_4]").click()  # none of these
    page.locator("label[for=id_legs_1]").click()  # tingling
    page.locator("label[for=id_leg_change_0]").click()  # new or worse
    page.locator("label[for=id_other_2]").click()  # none of these
    screenshot(page, f"41-{language}-pain-report")
    fits_the_screen(page)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["stop"])
    expect(page.get_by_role("link", name=re.compile("030 1234 5678"))).to_be_visible()
    screenshot(page, f"42-{language}-stop")
    fits_the_screen(page)
    assert_accessible(page)

    page.goto(f"{live_server.url}/today/")
    expect(page.locator("body")).to_contain_text(words["paused"])
    screenshot(page, f"43-{language}-paused")
    fits_the_screen(page)
    page.get_by_role("link", name=words["history"]).first.click()
    screenshot(page, f"44-{language}-history")
    fits_the_screen(page)
    assert_accessible(page)
    context.close()
