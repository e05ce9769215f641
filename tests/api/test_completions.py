"""Ticking off exercises over the API: idempotent create, undo, and only one's own."""

from __future__ import annotations

import pytest

from patients.models import Completion
from prescriptions.models import Status
from tests.factories import CompletionFactory
from tests.helpers import ONE_DAY

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/completions/"


def tick(client, item, **body):
    return client.post(URL, {"item": item.pk, **body}, format="json")


def test_patient_ticks_off_an_exercise_for_today_by_default(patient_api, bridge, today):
    response = tick(patient_api, bridge)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["item"], body["date"], body["session"]) == (bridge.pk, today.isoformat(), 1)
    assert body["dose_text"] == "3 sets of 10 repetitions, hold 5 seconds, each side"
    completion = Completion.objects.get()
    assert (completion.exercise_name, completion.reps, completion.side) == ("Bridge", 10, "each")


def test_ticking_off_twice_answers_200_with_the_same_completion(patient_api, bridge, today):
    first = tick(patient_api, bridge, date=today.isoformat(), session=2)
    again = tick(patient_api, bridge, date=today.isoformat(), session=2)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Completion.objects.count() == 1


def test_yesterday_can_still_be_ticked_off(patient_api, bridge, today):
    response = tick(patient_api, bridge, date=(today - ONE_DAY).isoformat())
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("days", "session", "field"),
    [(1, 1, "date"), (-2, 1, "date"), (0, 3, "session")],
    ids=["tomorrow", "three-days-ago", "no-third-session"],
)
def test_refused_ticks_answer_400_under_the_field_at_fault(
    patient_api, bridge, today, days, session, field
):
    response = tick(patient_api, bridge, date=(today + days * ONE_DAY).isoformat(), session=session)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Completion.objects.exists()


def test_an_exercise_of_a_paused_program_cannot_be_ticked_off(patient_api, program, bridge):
    program.status = Status.PAUSED
    program.save()
    response = tick(patient_api, bridge)
    assert response.status_code == 400
    assert response.json() == {"item": ["Your therapist has paused this program."]}


def test_patient_cannot_tick_off_another_patients_exercise(patient_api, other_item):
    response = tick(patient_api, other_item)
    assert response.status_code == 400
    assert response.json() == {"item": ["No such exercise in your program."]}
    assert not Completion.objects.exists()


def test_invalid_input_answers_400_by_field(patient_api):
    response = patient_api.post(URL, {"item": "x", "session": 0, "date": "soon"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"item", "session", "date"}


def test_patient_lists_their_ticks_by_day(patient, patient_api, bridge, walk, today):
    CompletionFactory(item=bridge, date=today)
    CompletionFactory(item=walk, date=today - ONE_DAY, duration_seconds=900)
    CompletionFactory(item=walk, date=today - 5 * ONE_DAY, duration_seconds=900)
    response = patient_api.get(URL, {"date_from": (today - ONE_DAY).isoformat()})
    assert [row["date"] for row in response.json()["results"]] == [
        today.isoformat(),
        (today - ONE_DAY).isoformat(),
    ]
    on_day = patient_api.get(URL, {"date": today.isoformat()}).json()["results"]
    assert [row["item"] for row in on_day] == [bridge.pk]
    of_walk = patient_api.get(URL, {"item": walk.pk}).json()["results"]
    assert len(of_walk) == 2


def test_patient_cannot_read_another_patients_completion(patient_api, other_item):
    theirs = CompletionFactory(item=other_item)
    assert patient_api.get(URL).json()["results"] == []
    response = patient_api.get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_undo_takes_a_tick_back(patient, patient_api, bridge, today):
    completion = CompletionFactory(item=bridge, date=today)
    assert patient_api.delete(f"{URL}{completion.pk}/").status_code == 204
    assert not Completion.objects.exists()


def test_ticks_older_than_yesterday_cannot_be_undone(patient_api, bridge, today):
    completion = CompletionFactory(item=bridge, date=today - 2 * ONE_DAY)
    response = patient_api.delete(f"{URL}{completion.pk}/")
    assert response.status_code == 400
    assert list(response.json()) == ["date"]
    assert Completion.objects.filter(pk=completion.pk).exists()


def test_patient_cannot_undo_another_patients_tick(patient_api, other_item):
    theirs = CompletionFactory(item=other_item)
    assert patient_api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert Completion.objects.filter(pk=theirs.pk).exists()


def test_therapists_cannot_tick_off_for_a_patient(therapist_api, bridge):
    assert tick(therapist_api, bridge).status_code == 404
    assert not Completion.objects.exists()
