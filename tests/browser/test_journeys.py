"""End-to-end journeys in a real browser: the therapist builds, the patient follows and reports,
the therapist sees what happened. Each screen is saved under screenshots/ for people to look at.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.factories import TherapistFactory
from tests.helpers import PHONE, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "walking every morning"


@pytest.fixture
def full_catalogue(db):
    """The real catalogue and starter templates, as `make run` loads them."""
    call_command("load_catalogue", stdout=StringIO())
    call_command("load_templates", stdout=StringIO())


def therapist_builds_a_program(page: Page, base: str, username: str) -> str:
    """Adds Ada, starts a program from a template, changes a dose; returns the invitation link."""
    log_in(page, base, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    screenshot(page, "01-therapist-caseload")
    page.get_by_role("link", name="Add patient").first.click()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Stone")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Clinic phone shown to the patient").fill("+49 30 1234567")
    for answer in page.get_by_role("radio", name="No", exact=True).all():  # the intake screen
        answer.check()
    page.get_by_role("button", name=re.compile("Add patient|Save")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Stone")
    screenshot(page, "02-therapist-patient")

    page.get_by_role("link", name="New program").first.click()
    page.get_by_role("link", name=re.compile(r"Use this\W+Gentle low-back")).click()
    assert_accessible(page)
    reps = page.get_by_label("Reps", exact=True).first
    reps.fill("8")
    screenshot(page, "03-therapist-builder")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("body")).to_contain_text(re.compile(r"\b8 repetitions\b"))
    screenshot(page, "04-therapist-program")

    page.get_by_role("link", name=re.compile("handout", re.IGNORECASE)).first.click()
    expect(page.get_by_role("heading", name="Gentle low-back stretches")).to_be_visible()
    page.emulate_media(media="print")
    screenshot(page, "05-therapist-handout-print")
    page.emulate_media(media="screen")
    page.go_back()

    page.get_by_role("link", name="Ada Stone").first.click()
    page.get_by_role("link", name="Invitation link").click()
    page.get_by_role("button", name=re.compile("Create")).click()
    link = page.locator("#invitation-link").input_value()
    screenshot(page, "06-therapist-invitation")
    page.get_by_role("button", name="Log out").click()
    return link


def check_off_everything(page: Page) -> None:
    """Tick every exercise of every session, opening later sessions as a patient would."""
    for _ in range(60):
        # Let any swap in flight finish first: a button found mid-swap may be gone a moment later.
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )
        ready = page.locator("button.check-button:not([disabled])").filter(visible=True)
        if ready.count():
            try:
                ready.first.click(timeout=5000)
            except PlaywrightTimeoutError:
                continue  # replaced while we reached for it: look again
            page.wait_for_load_state("networkidle")
            continue
        closed = page.locator("details:not([open]) > summary", has_text="Session")
        if not closed.count():
            return
        closed.first.click()


def patient_follows_the_program(page: Page, link: str) -> None:
    page.goto(link)
    screenshot(page, "10-patient-welcome")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("start")).click()
    expect(page).to_have_url(re.compile("/today/$"))
    screenshot(page, "11-patient-today")
    assert_accessible(page)

    timer_button = page.get_by_role("button", name=re.compile("Start timer")).first
    timer_button.click()
    expect(page.locator("[aria-live]").first).to_be_attached()
    screenshot(page, "12-patient-timer")
    page.keyboard.press("Escape")

    check_off_everything(page)
    expect(page.locator("body")).to_contain_text("All done")
    screenshot(page, "13-patient-all-done")

    page.get_by_role("link", name=re.compile("pain", re.IGNORECASE)).first.click()
    page.locator("label", has_text=re.compile(r"^\s*7\s*$")).first.click()
    page.locator("label[for=id_pain_lasting_1]").click()  # no
    page.locator("label[for=id_emergency_4]").click()  # none of these
    page.get_by_label(re.compile("Tingling", re.IGNORECASE)).check()
    page.locator("label[for=id_leg_change_0]").click()  # new or worse
    page.locator("label[for=id_other_2]").click()  # none of these
    screenshot(page, "14-patient-pain-report")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Send|Save")).click()
    expect(page.locator("body")).to_contain_text("Stop your exercises for now")
    expect(page.locator("body")).to_contain_text("paused until your therapist has spoken with you")
    screenshot(page, "15-patient-red-flag")
    assert_accessible(page)
    page.get_by_role("link", name="History").first.click()
    screenshot(page, "16-patient-history")
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()


def therapist_acknowledges_the_urgent_alert(page: Page, base: str, username: str) -> None:
    log_in(page, base, username)
    page.goto(f"{base}/clinic/dashboard/")
    first_row = page.locator("#main").get_by_text("Ada Stone").first
    expect(first_row).to_be_visible()
    expect(page.locator(".mon-alert-urgent").first).to_contain_text("New or worse leg symptoms")
    screenshot(page, "20-therapist-dashboard-urgent")
    assert_accessible(page)
    alert = page.locator(".mon-alert-urgent").first
    alert.locator("summary").click()
    alert.get_by_label(re.compile("note", re.IGNORECASE)).fill("Called Ada: resting, seen Monday.")
    alert.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    expect(page.locator(".mon-alert-urgent")).to_have_count(0)
    screenshot(page, "21-therapist-dashboard-acknowledged")


def test_from_a_new_program_to_a_red_flag_the_therapist_sees(
    live_server, browser, full_catalogue, settings
):
    settings.SITE_URL = live_server.url
    therapist = TherapistFactory(username="tess")
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    link = therapist_builds_a_program(desk.new_page(), live_server.url, therapist.username)

    phone = browser.new_context(viewport=PHONE, has_touch=True)
    patient_follows_the_program(phone.new_page(), link)
    phone.close()

    therapist_acknowledges_the_urgent_alert(desk.new_page(), live_server.url, therapist.username)
    desk.close()
