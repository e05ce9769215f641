"""The hold timer on the Today page, as a patient sees and hears it.

The page's clock is Playwright's fake clock, paused once Today has loaded and then moved on
by hand: the five seconds of "Get into position" and a three-second hold take no real time,
and each reading of the countdown is exact rather than "somewhere around 2".
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from patients.models import Completion
from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 3  # seconds; "Get into position" before it always takes 5 (READY_SECONDS in timer.js)


@pytest.fixture
def knee_hug(patient, therapist):
    """One three-second hold, once: the smallest dose the timer counts."""
    prescription = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    return PrescriptionItemFactory(
        prescription=prescription,
        exercise=ExerciseFactory(name="Knee hug"),
        sets=1,
        reps=1,
        hold_seconds=HOLD,
        rest_seconds=0,
    )


@dataclass(frozen=True)
class Timer:
    """The open timer: its dialog, the phase's name, the big number and the spoken words."""

    dialog: Locator
    phase: Locator
    count: Locator  # aria-hidden: the big number is for the eyes
    spoken: Locator


def start_the_timer_with_the_clock_stopped(page: Page, base_url: str, username: str) -> Timer:
    page.clock.install()
    log_in(page, base_url, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.get_by_role("button", name="Start timer for Knee hug").click()
    dialog = page.get_by_role("dialog", name="Knee hug")
    expect(dialog).to_be_visible()
    return Timer(
        dialog=dialog,
        phase=page.locator("#timer-phase"),
        count=page.locator("#timer-count"),
        spoken=page.locator("#timer-live"),
    )


def test_hold_timer_counts_down_and_offers_mark_as_done(live_server, phone_page, patient, knee_hug):
    page = phone_page
    opened = start_the_timer_with_the_clock_stopped(page, live_server.url, patient.user.username)
    timer, phase, count, spoken = opened.dialog, opened.phase, opened.count, opened.spoken

    expect(phase).to_have_text("Get into position")
    expect(count).to_have_text("5")
    expect(timer).to_contain_text("Next: Repetition 1 of 1")
    page.clock.run_for(100)  # the announcement is set 50 ms after the region is cleared
    expect(spoken).to_have_text("Get into position, 5 seconds.")
    page.clock.run_for(1000)
    expect(count).to_have_text("4")

    page.clock.run_for(4000)  # 5.1 s in: the hold has begun
    expect(phase).to_have_text("Hold")
    expect(count).to_have_text(str(HOLD))
    expect(spoken).to_have_text(f"Hold, {HOLD} seconds. Repetition 1 of 1.")
    page.clock.run_for(1000)
    expect(count).to_have_text(str(HOLD - 1))
    page.clock.run_for(1000)
    expect(count).to_have_text(str(HOLD - 2))

    page.clock.run_for(1000)  # the hold is over
    expect(phase).to_have_text("Well done!")
    expect(count).to_have_text("✓")
    expect(spoken).to_have_text("Well done, all repetitions done. You can mark it as done.")
    expect(timer.get_by_role("button", name="Pause")).to_be_hidden()
    expect(timer.get_by_role("button", name="Close")).to_be_visible()
    mark = timer.get_by_role("button", name="Mark as done")
    expect(mark).to_be_focused()

    page.clock.resume()  # htmx settles the swapped-in row on a timer
    mark.click()
    expect(timer).to_be_hidden()
    expect(page.locator(".item-card", has_text="Knee hug")).to_contain_text("Done")
    undo = page.get_by_role("button", name="Undo: mark Knee hug as not done")
    expect(undo).to_be_visible()
    expect(page.locator("#day-progress")).to_contain_text("All done for today")
    assert Completion.objects.filter(item=knee_hug, patient=patient).count() == 1


def test_pausing_the_hold_timer_stops_the_count_until_carry_on(
    live_server, phone_page, patient, knee_hug
):
    page = phone_page
    opened = start_the_timer_with_the_clock_stopped(page, live_server.url, patient.user.username)
    timer, phase, count, spoken = opened.dialog, opened.phase, opened.count, opened.spoken
    page.clock.run_for(6100)  # 1.1 s into the hold
    expect(phase).to_have_text("Hold")
    expect(count).to_have_text(str(HOLD - 1))

    timer.get_by_role("button", name="Pause").click()
    page.clock.run_for(100)
    expect(spoken).to_have_text("Paused.")
    page.clock.run_for(30_000)  # a long pause: nothing moves on
    expect(phase).to_have_text("Hold")
    expect(count).to_have_text(str(HOLD - 1))
    expect(timer.get_by_role("button", name="Mark as done")).to_be_hidden()

    timer.get_by_role("button", name="Carry on").click()
    page.clock.run_for(100)
    expect(spoken).to_have_text("Going on.")
    expect(count).to_have_text(str(HOLD - 1))
    page.clock.run_for(1000)  # 1.9 s were left at the pause; 0.8 s now
    expect(count).to_have_text(str(HOLD - 2))
    page.clock.run_for(1000)
    expect(phase).to_have_text("Well done!")
    expect(timer.get_by_role("button", name="Mark as done")).to_be_visible()
    assert not Completion.objects.filter(item=knee_hug).exists()
