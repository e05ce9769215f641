"""After ticking an exercise off, the patient may say how it felt: three large buttons, one
tap, skippable; the answer is kept with the tick (page and API)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from exercises.models import Exercise
from patients.models import Completion
from tests.factories import CompletionFactory, ExerciseFactory
from tests.helpers import HTMX, page_text, read_form

pytestmark = pytest.mark.django_db

TODAY = reverse("patients:today")


def effort_form_id(item, session=1) -> str:
    return f"effort-item-{item.pk}-s{session}"


def tick(client, day, item, **extra):
    return client.post(reverse("patients:check_off", args=[day, item.pk, 1]), **extra)


def test_after_a_tick_three_buttons_ask_how_it_felt(patient_client, bridge, today):
    before = patient_client.get(TODAY).content.decode()
    assert effort_form_id(bridge) not in before  # nothing is asked before the tick
    response = tick(patient_client, today, bridge, **HTMX)
    html = response.content.decode()
    form = read_form(html, effort_form_id(bridge))
    assert [button.value for button in form.buttons] == ["too_easy", "about_right", "too_hard"]
    assert "How did Bridge feel? You can skip this." in page_text(html)
    for label in ("Too easy", "About right", "Too hard"):
        assert f">{label}</button>" in html


def test_one_tap_keeps_the_answer_with_the_tick(patient_client, bridge, today):
    tick(patient_client, today, bridge)
    form = read_form(patient_client.get(TODAY), effort_form_id(bridge))
    response = form.submit(patient_client, value="too_hard", name="effort", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You said it felt too hard." in html
    assert effort_form_id(bridge) not in html
    assert "Thank you, your therapist will see it." in html
    assert Completion.objects.get(item=bridge).effort == "too_hard"


def test_without_javascript_the_answer_comes_back_to_today(patient_client, bridge, today):
    tick(patient_client, today, bridge)
    form = read_form(patient_client.get(TODAY), effort_form_id(bridge))
    response = form.submit(patient_client, value="about_right", name="effort")
    assert response.status_code == 302
    assert response["Location"] == f"{TODAY}#item-{bridge.pk}-s1"
    assert "You said it felt about right." in patient_client.get(TODAY).content.decode()


def test_skipping_the_question_leaves_the_tick_as_it_is(patient_client, bridge, walk, today):
    tick(patient_client, today, bridge)
    tick(patient_client, today, walk)
    assert set(Completion.objects.values_list("effort", flat=True)) == {""}
    html = patient_client.get(TODAY).content.decode()
    assert "All done for today" in html


def test_an_answer_needs_a_tick_first(patient_client, bridge, today):
    response = patient_client.post(
        reverse("patients:effort", args=[today, bridge.pk, 1]), {"effort": "too_easy"}, follow=True
    )
    assert "Mark the exercise as done first." in response.content.decode()
    assert not Completion.objects.exists()


def test_an_unknown_answer_is_refused_in_plain_words(patient_client, bridge, today):
    tick(patient_client, today, bridge)
    response = patient_client.post(
        reverse("patients:effort", args=[today, bridge.pk, 1]), {"effort": "easy-peasy"}, **HTMX
    )
    assert "Choose too easy, about right or too hard." in response.content.decode()
    assert Completion.objects.get().effort == ""


def test_no_answer_for_another_patients_exercise(patient_client, other_item, today):
    url = reverse("patients:effort", args=[today, other_item.pk, 1])
    assert patient_client.post(url, {"effort": "too_easy"}).status_code == 404


def test_days_before_yesterday_are_not_asked_about(patient_client, bridge, today):
    old = today.fromordinal(today.toordinal() - 2)
    CompletionFactory(item=bridge, date=old)
    html = patient_client.get(reverse("patients:day", args=[old])).content.decode()
    assert effort_form_id(bridge) not in html


# An answer with htmx (a review that stops at its first condition):
#  1. the session  2. the user with their patient profile  3. the item with program and exercise
#  4. savepoint (the service's transaction)  5. the tick, locked  6. its update
#  7. the program's items with exercises  8. the patient (for their today)
#  9. the item's changes in the audit trail  10. its suggestions  11. its ticks in the window
#  12. the pain reports  13. release
#  14-20. the day's plan as on Today (open safety pause, programs, items, the items' and their
#         exercises' photos and videos, ticks, reports)
EFFORT_QUERIES = 20


def test_an_answer_with_htmx_takes_a_fixed_number_of_queries(
    patient_client, bridge, today, django_assert_num_queries
):
    tick(patient_client, today, bridge)
    patient_client.get(TODAY)  # the exercise's steps in the catalogue cache
    url = reverse("patients:effort", args=[today, bridge.pk, 1])
    with django_assert_num_queries(EFFORT_QUERIES):
        response = patient_client.post(url, {"effort": "too_easy"}, **HTMX)
    assert response.status_code == 200


# --- The API -------------------------------------------------------------------------------


def test_the_api_answer_is_kept_and_shown_with_the_completion(patient_api, bridge, today):
    created = patient_api.post(
        "/api/v1/me/completions/", {"item": bridge.pk, "session": 1}, format="json"
    )
    assert created.json()["effort"] == ""
    url = f"/api/v1/me/completions/{created.json()['id']}/effort/"
    response = patient_api.post(url, {"effort": "too_easy"}, format="json")
    assert response.status_code == 200
    assert response.json()["effort"] == "too_easy"
    listed = patient_api.get("/api/v1/me/completions/").json()["results"]
    assert listed[0]["effort"] == "too_easy"


def test_the_api_refuses_an_unknown_answer(patient_api, bridge, today):
    completion = CompletionFactory(item=bridge, date=today)
    url = f"/api/v1/me/completions/{completion.pk}/effort/"
    response = patient_api.post(url, {"effort": "meh"}, format="json")
    assert response.status_code == 400
    assert "effort" in response.json()


def test_the_api_answers_404_for_someone_elses_completion(patient_api, other_item, today):
    completion = CompletionFactory(item=other_item, date=today)
    url = f"/api/v1/me/completions/{completion.pk}/effort/"
    assert patient_api.post(url, {"effort": "too_easy"}, format="json").status_code == 404
    completion.refresh_from_db()
    assert completion.effort == ""


def test_an_old_tick_cannot_be_answered_through_the_api(patient_api, bridge, today):
    completion = CompletionFactory(item=bridge, date=today.fromordinal(today.toordinal() - 3))
    url = f"/api/v1/me/completions/{completion.pk}/effort/"
    response = patient_api.post(url, {"effort": "too_easy"}, format="json")
    assert response.status_code == 400
    assert "date" in response.json()


# --- The exercise caps --------------------------------------------------------------------------


def test_exercises_cap_progression_at_12_repetitions_and_30_seconds_by_default(
    therapist_api, admin_client
):
    exercise = ExerciseFactory()
    assert (exercise.max_reps, exercise.max_hold_seconds) == (12, 30)
    body = therapist_api.get(f"/api/v1/exercises/{exercise.pk}/").json()
    assert (body["max_reps"], body["max_hold_seconds"]) == (12, 30)
    change = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    html = admin_client.get(change).content.decode()
    for name in ("max_reps", "max_hold_seconds"):
        assert f'name="{name}"' in html


def test_the_database_refuses_a_cap_of_zero(db):
    exercise = ExerciseFactory()
    with pytest.raises(IntegrityError):
        Exercise.objects.filter(pk=exercise.pk).update(max_reps=0)


def test_the_database_refuses_an_unknown_answer(bridge, today):
    completion = CompletionFactory(item=bridge, date=today)
    with pytest.raises(IntegrityError):
        Completion.objects.filter(pk=completion.pk).update(effort="meh")
