"""Today's plan: dose in plain words, sessions, ticking off and undoing, with and without htmx."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from exercises.models import Exercise
from patients.models import Completion
from prescriptions.models import Prescription, Status
from tests.factories import ExerciseFactory, PrescriptionItemFactory
from tests.helpers import HTMX, report_form_data

pytestmark = pytest.mark.django_db


def done_url(day, item, session=1):
    return reverse("patients:check_off", args=[day, item.pk, session])


def undo_url(day, item, session=1):
    return reverse("patients:undo", args=[day, item.pk, session])


def page(client, url=None) -> str:
    response = client.get(url or reverse("patients:today"))
    assert response.status_code == 200
    return response.content.decode()


def test_today_shows_the_local_date_and_each_exercise_in_plain_words(
    patient_client, bridge, walk, today
):
    html = page(patient_client)
    assert today.strftime("%A") in html
    assert f"{today.day} {today:%B} {today.year}" in html
    assert "Gentle back program" in html
    assert "Bridge" in html
    assert "3 sets of 10 repetitions, hold 5 seconds, each side" in html
    assert "For 15 minutes" in html
    assert "Lift your hips slowly." in html
    assert "Keep your neck relaxed." in html
    assert "light band" in html
    assert "Breathe out as you lift." in html
    assert "0 of 2</strong> done today" in html


def test_each_card_opens_its_instructions_on_request_and_the_progress_is_told_once(
    patient_client, bridge, walk
):
    html = page(patient_client)
    assert html.count('<details class="how-to">') == 2
    assert '<details class="how-to" open' not in html
    assert html.count("0 of 2") == 1
    assert "session-progress" not in html


def test_ticking_off_a_once_a_day_exercise_updates_one_progress_counter(
    patient_client, bridge, walk, today
):
    html = patient_client.post(done_url(today, bridge), **HTMX).content.decode()
    assert "1 of 2</strong> done today" in html
    assert "session-progress" not in html


def test_a_tip_for_the_patients_own_condition_is_shown_as_what_to_do(
    patient, patient_client, bridge
):
    assert "Take care:" not in page(patient_client)
    patient.conditions = ["knee"]
    patient.save()
    html = page(patient_client)
    assert "Take care:</strong> If your knees hurt, put a cushion under them." in html
    assert "Knee problems" not in html
    assert "knee problems" not in html


def test_a_twice_daily_program_shows_each_session(patient_client, program, bridge, walk):
    program.times_per_day = 2
    program.save()
    html = page(patient_client)
    assert "Session 1 of 2" in html
    assert "Session 2 of 2" in html
    assert "0 of 4</strong> done today" in html
    assert html.count("data-check-off") == 4


def test_a_day_without_exercises_says_so(patient_client, program, today):
    program.days_of_week = [d for d in range(7) if d != today.weekday()]
    program.save()
    html = page(patient_client)
    assert "No exercises today" in html
    assert "data-check-off" not in html


def test_ticking_off_without_javascript_records_and_returns_to_the_exercise(
    patient, patient_client, bridge, walk, today
):
    response = patient_client.post(done_url(today, bridge))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('patients:today')}#item-{bridge.pk}-s1"
    completion = Completion.objects.get()
    assert (completion.patient, completion.item, completion.date) == (patient, bridge, today)
    html = page(patient_client)
    assert "1 of 2</strong> done today" in html
    assert undo_url(today, bridge) in html


def test_ticking_off_with_htmx_swaps_the_row_and_updates_the_progress(
    patient_client, bridge, walk, today
):
    response = patient_client.post(done_url(today, bridge), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{bridge.pk}-s1"' in html
    assert "<!doctype html>" not in html.lower()
    assert f'action="{undo_url(today, bridge)}"' in html
    assert f'id="toggle-item-{bridge.pk}-s1"' in html
    assert 'id="day-progress" class="day-progress" hx-swap-oob="true"' in html
    assert "1 of 2</strong> done today" in html
    assert 'id="announcer" hx-swap-oob="innerHTML"' in html
    assert "Bridge: done. 1 of 2 done." in html
    assert '<span class="visually-hidden">Undo: mark Bridge as not done</span>' in html
    assert Completion.objects.count() == 1


def test_undo_without_javascript(patient_client, bridge, today):
    patient_client.post(done_url(today, bridge))
    response = patient_client.post(undo_url(today, bridge))
    assert response.status_code == 302
    assert not Completion.objects.exists()
    assert done_url(today, bridge) in page(patient_client)


def test_undo_with_htmx_brings_back_the_button(patient_client, bridge, walk, today):
    patient_client.post(done_url(today, bridge))
    response = patient_client.post(undo_url(today, bridge), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{done_url(today, bridge)}"' in html
    assert "Bridge: not done. 0 of 2 done." in html
    assert not Completion.objects.exists()


def test_a_double_tap_records_once(patient_client, bridge, today):
    first = patient_client.post(done_url(today, bridge), **HTMX)
    second = patient_client.post(done_url(today, bridge), **HTMX)
    third = patient_client.post(done_url(today, bridge))
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 302)
    assert Completion.objects.count() == 1


def test_everything_done_shows_all_done_for_today_and_asks_about_pain(
    patient_client, bridge, walk, today
):
    patient_client.post(done_url(today, bridge))
    response = patient_client.post(done_url(today, walk), **HTMX)
    assert "All done for today" in response.content.decode()
    html = page(patient_client)
    assert "All done for today" in html
    assert "Tell us about your pain" in html
    assert "data-check-off" not in html


def test_a_session_offers_its_own_pain_report(patient_client, program, bridge, today):
    program.times_per_day = 2
    program.save()
    html = page(patient_client)
    assert f"{reverse('patients:report')}?date={today:%Y-%m-%d}&amp;session=2" in html
    assert "How did session 2 go?" in html


def test_items_with_a_hold_have_a_hidden_timer_button_for_javascript(patient_client, bridge, walk):
    html = page(patient_client)
    assert html.count("data-timer-start") == 2
    assert html.count('class="btn btn-outline-primary btn-lg timer-start" hidden') == 2
    assert 'data-hold="5"' in html
    assert 'data-sets="3"' in html
    assert 'data-reps="10"' in html
    assert 'data-sides="2"' in html
    assert 'data-rest="5"' in html  # no rest given: relax for 5 seconds between holds
    assert 'data-duration="900"' in html
    assert "js/timer.js" in html
    assert "onclick" not in html


def test_done_items_offer_no_timer(patient_client, bridge, today):
    patient_client.post(done_url(today, bridge))
    assert "data-timer-start" not in page(patient_client)


def test_patient_cannot_check_off_another_patients_item(patient_client, other_item, today):
    for url in (done_url(today, other_item), undo_url(today, other_item)):
        assert patient_client.post(url).status_code == 404
        assert patient_client.post(url, **HTMX).status_code == 404
    assert not Completion.objects.exists()


def test_an_unknown_item_answers_404(patient_client, program, today):
    response = patient_client.post(reverse("patients:check_off", args=[today, 999999, 1]))
    assert response.status_code == 404


@pytest.mark.parametrize("session", [0, 2, 9])
def test_a_wrong_session_number_gets_a_clear_message(patient_client, bridge, today, session):
    response = patient_client.post(done_url(today, bridge, session), follow=True)
    assert response.status_code == 200
    assert f"There is no session {session} on this day" in response.content.decode()
    assert not Completion.objects.exists()


def test_a_wrong_session_number_with_htmx_reloads_the_page_with_the_message(
    patient_client, bridge, today
):
    response = patient_client.post(done_url(today, bridge, 4), **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("patients:today")
    assert "There is no session 4" in page(patient_client)


def test_ticking_off_needs_a_post(patient_client, bridge, today):
    assert patient_client.get(done_url(today, bridge)).status_code == 405
    assert not Completion.objects.exists()


def test_patient_pages_are_never_cached(patient_client, bridge, today):
    for name in ("patients:today", "patients:history", "patients:report"):
        response = patient_client.get(reverse(name))
        assert "no-store" in response["Cache-Control"], name
    response = patient_client.post(done_url(today, bridge), **HTMX)
    assert "no-store" in response["Cache-Control"]


def test_a_therapist_cannot_tick_off_for_a_patient(therapist_client, bridge, today):
    assert therapist_client.post(done_url(today, bridge)).status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(client, bridge, today):
    response = client.post(done_url(today, bridge))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def add_items(program, count):
    for position in range(count):
        PrescriptionItemFactory(
            prescription=program,
            position=position,
            exercise=ExerciseFactory(steps=["One.", "Two.", "Three."]),
        )


# Queries for the Today page, whatever the number of programs, items or sessions (measured after
# a first visit, so that the session's last-seen time is not written again):
#  1. the session    2. the user with their patient profile (patients.backends)
#  3. programs active today  4. their items joined with exercises
#  5. today's completions     6. today's pain reports
#  7. the open safety pause (with its report), for the banner that stops the exercises
#  8. reports of today and yesterday answered "not sure yet", to ask "is the pain still there now?"
#  9. today's morning check, answered or skipped (asked only with a program)
# 10. the photos and videos of the items  11. those of their exercises
# 12. the open episode of care, for its questionnaires (with one, two more: tests/outcomes)
# Steps and equipment come from the catalogue cache, filled by the first visit; the navigation
# needs no query (a patient is never also a therapist).
TODAY_QUERIES = 12


@pytest.mark.parametrize("items", [2, 8])
def test_today_page_queries_do_not_grow_with_items(
    patient_client, program, today, items, django_assert_num_queries
):
    program.times_per_day = 2
    program.save()
    add_items(program, items)
    page(patient_client)
    with django_assert_num_queries(TODAY_QUERIES):
        html = page(patient_client)
    assert html.count("data-check-off") == 2 * items


# A tick with htmx, whatever the number of items:
#  1. the session  2. the user with their patient profile
#  3. the item with its program and exercise
#  4. savepoint (the service's transaction)  5. is a safety pause open?
#  6. is it already ticked?  7. savepoint (insert)  8. the insert  9. release  10. release
#  11-17. the day's plan as on Today (open safety pause, programs, items, the items' and their
#         exercises' photos and videos, completions, reports)
TICK_QUERIES = 17


@pytest.mark.parametrize("items", [2, 8])
def test_a_tick_with_htmx_does_not_grow_with_items(
    patient_client, program, today, items, django_assert_num_queries
):
    add_items(program, items)
    item = program.items.first()
    page(patient_client)
    with django_assert_num_queries(TICK_QUERIES):
        response = patient_client.post(done_url(today, item), **HTMX)
    assert response.status_code == 200


def test_after_new_leg_symptoms_today_keeps_saying_the_exercises_are_paused(
    patient, patient_client, program, bridge, today
):
    patient.clinic_phone = "0301234567"
    patient.save()
    html = page(patient_client)
    assert "Your exercises are paused for your safety" not in html
    assert "data-check-off" in html
    patient_client.post(
        reverse("patients:report"),
        {
            "date": today.isoformat(),
            "session": 1,
            **report_form_data(pain=3, legs=["weakness"]),
        },
    )
    html = page(patient_client)
    assert "data-safety-pause" in html
    assert "Your exercises are paused for your safety" in html
    assert "Your exercises are paused until your therapist has spoken with you." in html
    assert 'href="tel:0301234567"' in html
    assert "data-check-off" not in html


def test_mild_pain_today_brings_no_warning(patient_client, program, bridge, today):
    patient_client.post(
        reverse("patients:report"),
        {"date": today.isoformat(), "session": 1, **report_form_data(pain=4)},
    )
    html = page(patient_client)
    assert "data-safety-pause" not in html
    assert "paused for your safety" not in html
    assert "Pain after exercising: <strong>4 out of 10</strong>" in html
    assert "data-check-off" in html  # the exercises go on


def test_an_edited_step_shows_at_once_despite_the_catalogue_cache(patient_client, bridge):
    assert "Lie on your back with knees bent." in page(patient_client)  # now cached
    step = bridge.exercise.steps.first()
    step.text = "Lie down, knees bent, feet flat."
    step.save()
    bridge.exercise.save()  # as the admin, the catalogue loader and the exercise form do
    html = page(patient_client)
    assert "Lie down, knees bent, feet flat." in html
    assert "Lie on your back with knees bent." not in html


def test_an_active_program_during_a_safety_pause_still_shows_nothing_and_cannot_be_ticked(
    patient, patient_client, program, bridge, today
):
    patient_client.post(
        reverse("patients:report"),
        {"date": today.isoformat(), "session": 1, **report_form_data(pain=8)},
    )
    # Resuming is refused while the pause is open (set_status); whatever else made a program
    # active, Today still holds it back.
    program.refresh_from_db()
    assert program.status == Status.PAUSED
    Prescription.objects.filter(pk=program.pk).update(status=Status.ACTIVE)
    html = page(patient_client)
    assert "data-safety-pause" in html
    assert "data-check-off" not in html
    assert bridge.exercise.name not in html
    assert "keep moving gently" not in html  # no rest-day advice while paused
    response = patient_client.post(done_url(today, bridge), follow=True)
    assert "Your exercises are paused for your safety until" in response.content.decode()
    assert not Completion.objects.exists()


def test_each_card_shows_the_exercises_picture_above_its_steps_mirrored_for_the_right_side(
    patient_client, program
):
    call_command("load_catalogue", verbosity=0)
    bridge = Exercise.objects.get(slug="bridge")
    PrescriptionItemFactory(prescription=program, exercise=bridge, side="right", position=0)
    html = page(patient_client)
    card = html[html.index("how-to-body") :]
    assert card.index('class="exercise-picture') < card.index('class="steps"')
    assert 'role="img"' in card
    assert "scale(-1 1)" in card.split('class="steps"')[0]
