"""API v1, fed hostile values: never a server error; a 400 names the fields that are wrong;
nothing invalid is stored."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from patients.models import PAIN_MAX, Completion, PainReport, Patient
from prescriptions.models import Prescription
from tests.factories import PASSWORD, ExerciseFactory
from tests.helpers import api_report_body
from tests.security.invariants import stored_data_is_valid
from tests.security.strategies import (
    fuzz,
    hostile_date,
    hostile_number,
    hostile_text,
    json_value,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def answered_without_error(response, *, ok: set[int]) -> None:
    """A success, or a 400 whose body says which fields are wrong."""
    assert response.status_code < 500, response.status_code
    assert response.status_code in ok | {400}, (response.status_code, response.content[:300])
    if response.status_code == 400:
        errors = response.json()
        assert isinstance(errors, dict)
        assert errors
        assert all(isinstance(key, str) for key in errors)


def maybe(data, name: str, strategy) -> dict[str, object]:
    """The field with a drawn value, or left out."""
    return {name: data.draw(strategy, label=name)} if data.draw(st.booleans()) else {}


def any_value(strategy):
    """A field's value as sent: the given kind, or any JSON value at all."""
    return st.one_of(strategy, json_value())


LASTING = {"yes", "no", "not_sure"}


def is_clearly_not_a_pain_score(value: object) -> bool:
    """Out of 0–10, or no number at all (DRF reads "7", 7.0 and " 7 " as 7, and so may we)."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return True
    if isinstance(value, int):
        return not 0 <= value <= PAIN_MAX
    if isinstance(value, float):
        return not (value.is_integer() and 0 <= value <= PAIN_MAX)
    return not any(character.isdigit() for character in str(value))


# --- The patient's logs ----------------------------------------------------------------------


@fuzz
@given(data=st.data())
def test_pain_report_api_answers_400_with_field_errors_for_hostile_values(
    patient_api, today, bridge, data
):
    pain = data.draw(any_value(hostile_number(-3, 13, json=True)), label="pain")
    body = api_report_body(pain=pain)  # complete, so that a valid pain is stored
    body |= maybe(data, "pain_lasting", any_value(st.sampled_from(["yes", "maybe", "", "\x00"])))
    body |= maybe(data, "leg_symptoms_usual", json_value())
    body |= maybe(data, "date", any_value(hostile_date(today)))
    body |= maybe(data, "session", any_value(hostile_number(-1, 4, json=True)))
    body |= maybe(data, "note", any_value(hostile_text))
    body |= maybe(data, "difficulty", any_value(st.sampled_from(["", "too_easy", "\x00"])))
    body |= maybe(data, "numbness", json_value())
    body |= maybe(data, "chest", json_value())
    before = PainReport.objects.count()

    response = patient_api.post(f"{API}/me/pain-reports/", body, format="json")

    answered_without_error(response, ok={200, 201})
    if is_clearly_not_a_pain_score(pain):
        assert response.status_code == 400
        assert "pain" in response.json()
        assert PainReport.objects.count() == before
    if not (isinstance(body["pain_lasting"], str) and body["pain_lasting"] in LASTING):
        assert response.status_code == 400
        assert "pain_lasting" in response.json()
        assert PainReport.objects.count() == before
    stored_data_is_valid()


@fuzz
@given(data=st.data())
def test_completion_api_refuses_odd_items_dates_and_sessions(
    patient_api, today, bridge, walk, other_item, data
):
    body = {
        "item": data.draw(
            any_value(st.sampled_from([bridge.pk, walk.pk, other_item.pk, 0, -1, 2**63])),
            label="item",
        )
    }
    body |= maybe(data, "date", any_value(hostile_date(today)))
    body |= maybe(data, "session", any_value(hostile_number(-1, 4, json=True)))

    response = patient_api.post(f"{API}/me/completions/", body, format="json")

    answered_without_error(response, ok={200, 201})
    assert not Completion.objects.filter(item=other_item).exists()
    stored_data_is_valid()


@fuzz
@given(data=st.data())
def test_patient_reads_answer_any_query(patient_api, today, bridge, data):
    value = data.draw(st.one_of(hostile_date(today), hostile_text), label="value")
    for path, name in (
        ("me/plan/", "date"),
        ("me/pain-reports/", "date"),
        ("me/pain-reports/", "date_from"),
        ("me/completions/", "date_to"),
        ("me/completions/", "item"),
        ("me/completions/", "session"),
        ("me/completions/", "ordering"),
        ("me/pain-reports/", "page"),
    ):
        response = patient_api.get(f"{API}/{path}", {name: value})
        answered_without_error(response, ok={200, 404})


# --- The therapist's writes ------------------------------------------------------------------


@pytest.fixture
def exercise(db):
    return ExerciseFactory(name="Bridge", reps=5, hold_seconds=10)


def hostile_item(data, exercise_pk: int) -> dict[str, object]:
    item: dict[str, object] = {
        "exercise": data.draw(any_value(st.sampled_from([exercise_pk, 0, -5, 2**40])))
    }
    for name in ("sets", "reps", "hold_seconds", "duration_seconds", "rest_seconds"):
        item |= maybe(data, name, any_value(hostile_number(-2, 400, json=True)))
    for name in ("load", "instructions"):
        item |= maybe(data, name, any_value(hostile_text))
    item |= maybe(data, "side", any_value(st.sampled_from(["each", "left", "sideways"])))
    item |= maybe(data, "id", any_value(hostile_number(-1, 5, json=True)))
    return item


@fuzz
@given(data=st.data())
def test_program_api_refuses_hostile_programs_and_nested_items(
    therapist_api, patient, today, exercise, data
):
    body: dict[str, object] = {
        "patient": data.draw(any_value(st.just(patient.pk)), label="patient"),
        "title": data.draw(any_value(hostile_text), label="title"),
        "start_date": data.draw(any_value(hostile_date(today)), label="start_date"),
    }
    count = data.draw(st.integers(min_value=-1, max_value=3), label="items")
    if count < 0:
        body["items"] = data.draw(json_value(), label="items")
    else:
        body["items"] = [hostile_item(data, exercise.pk) for _ in range(count)]
    body |= maybe(data, "end_date", any_value(hostile_date(today)))
    body |= maybe(data, "pain_threshold", any_value(hostile_number(-2, 12, json=True)))
    body |= maybe(data, "times_per_day", any_value(hostile_number(-1, 6, json=True)))
    body |= maybe(
        data, "days_of_week", any_value(st.lists(hostile_number(-1, 8, json=True), max_size=9))
    )
    body |= maybe(data, "goal", any_value(hostile_text))
    body |= maybe(data, "notes", any_value(hostile_text))

    response = therapist_api.post(f"{API}/prescriptions/", body, format="json")

    answered_without_error(response, ok={201})
    if response.status_code == 201:
        program = Prescription.objects.get(pk=response.json()["id"])
        assert program.items.exists()
        update = therapist_api.patch(
            f"{API}/prescriptions/{program.pk}/",
            {"items": [hostile_item(data, exercise.pk)], "status": data.draw(hostile_text)},
            format="json",
        )
        answered_without_error(update, ok={200})
    stored_data_is_valid()


@fuzz
@given(data=st.data())
def test_patient_api_refuses_hostile_names_and_contact_details(therapist_api, patient, data):
    body: dict[str, object] = {}
    for name in ("first_name", "last_name", "email", "clinic_phone", "timezone"):
        body |= maybe(data, name, any_value(hostile_text))
    body |= maybe(data, "conditions", any_value(st.lists(hostile_text, max_size=3)))
    before = Patient.objects.count()

    created = therapist_api.post(f"{API}/patients/", body, format="json")
    answered_without_error(created, ok={201})
    if created.status_code != 201:
        assert Patient.objects.count() == before
    changed = therapist_api.patch(f"{API}/patients/{patient.pk}/", body, format="json")
    answered_without_error(changed, ok={200})
    search = therapist_api.get(f"{API}/patients/", {"search": data.draw(hostile_text)})
    answered_without_error(search, ok={200})
    stored_data_is_valid()


@fuzz
@given(data=st.data())
def test_exercise_api_refuses_hostile_exercises(therapist_api, therapist, data):
    body: dict[str, object] = {
        "name": "Towel curl",
        "steps": ["Sit down.", "Curl the towel."],
        "body_region": "knee",
        "kind": "stretch",
        "position": "sitting",
        "reps": 5,
    }
    for name in ("name", "summary", "precautions", "video_url"):
        body |= maybe(data, name, any_value(hostile_text))
    for name in ("body_region", "kind", "position", "difficulty"):
        body |= maybe(data, name, any_value(hostile_text))
    for name in ("sets", "reps", "hold_seconds", "duration_seconds", "rest_seconds"):
        body |= maybe(data, name, any_value(hostile_number(-2, 400, json=True)))
    body |= maybe(data, "steps", any_value(st.lists(hostile_text, max_size=4)))
    body |= maybe(data, "equipment", any_value(st.lists(hostile_text, max_size=2)))
    body |= maybe(data, "precaution_tags", any_value(st.lists(hostile_text, max_size=2)))

    response = therapist_api.post(f"{API}/exercises/", body, format="json")

    answered_without_error(response, ok={201})
    search = therapist_api.get(f"{API}/exercises/", {"search": data.draw(hostile_text)})
    answered_without_error(search, ok={200})
    stored_data_is_valid()


# --- Logging in and unreadable bodies --------------------------------------------------------


@fuzz
@given(username=any_value(hostile_text), password=any_value(hostile_text))
def test_token_endpoint_refuses_hostile_credentials(therapist, username, password):
    cache.clear()  # the throttle would answer 429 after ten tries
    response = APIClient().post(
        f"{API}/auth/token/", {"username": username, "password": password}, format="json"
    )
    answered_without_error(response, ok=set())
    assert "token" not in response.json()


def test_token_endpoint_still_works_after_hostile_attempts(therapist):
    response = APIClient().post(
        f"{API}/auth/token/",
        {"username": therapist.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200


RAW_BODIES = [
    '{"pain": NaN}',
    '{"pain": Infinity, "session": -Infinity}',
    '{"pain": 3, "pain": 12}',
    '{"pain": 1e999}',
    "[" * 5_000,
    '{"note": "\\u0000"}',
    '{"note": "\\ud800"}',  # a lone surrogate, escaped
    "\ufeff{}",
]


@fuzz
@given(
    body=st.one_of(
        st.sampled_from(RAW_BODIES),
        json_value().map(json.dumps),
        hostile_text,
        st.binary(max_size=200),
    )
)
def test_unreadable_or_misshapen_bodies_answer_400_or_415(patient_api, therapist_api, body):
    for client, path in (
        (patient_api, "me/pain-reports/"),
        (patient_api, "me/completions/"),
        (therapist_api, "prescriptions/"),
        (therapist_api, "patients/"),
        (therapist_api, "exercises/"),
    ):
        response = client.post(f"{API}/{path}", body, content_type="application/json")
        assert response.status_code in {400, 415}, (path, response.status_code)


ESCAPED_ODDITIES = ["\\u0000", "a\\u0000b", "\\ud800", "\\udfff\\ud800", "\\ud83e\\uddb5"]


@pytest.mark.parametrize("text", ESCAPED_ODDITIES)
def test_escaped_nul_and_lone_surrogates_in_otherwise_valid_bodies_are_refused_or_stored_clean(
    patient_api, therapist_api, patient, bridge, text
):
    """JSON can smuggle what UTF-8 cannot carry: a NUL byte, or half a surrogate pair."""
    for client, path, body in (
        (
            patient_api,
            "me/pain-reports/",
            json.dumps(api_report_body())[:-1] + f', "note": "{text}"}}',
        ),
        (therapist_api, "patients/", f'{{"first_name": "{text}", "last_name": "Diaz"}}'),
        (
            therapist_api,
            "exercises/",
            f'{{"name": "{text}", "steps": ["{text}"], "body_region": "knee", '
            f'"kind": "stretch", "position": "sitting", "reps": 5}}',
        ),
        (therapist_api, "auth/token/", f'{{"username": "{text}", "password": "{text}"}}'),
    ):
        response = client.post(f"{API}/{path}", body, content_type="application/json")
        answered_without_error(response, ok={200, 201})
    stored_data_is_valid()


@pytest.mark.parametrize("body", RAW_BODIES)
def test_each_known_malformed_body_answers_400(patient_api, bridge, body):
    response = patient_api.post(f"{API}/me/pain-reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert not PainReport.objects.exists()


@pytest.mark.parametrize("slug", ["\x00", "towel\x00", "\x00" * 3])
def test_equipment_slug_with_a_nul_byte_names_no_equipment(therapist_api, slug):
    body = {
        "name": "Towel curl",
        "steps": ["Curl the towel."],
        "body_region": "knee",
        "kind": "stretch",
        "position": "sitting",
        "reps": 5,
        "equipment": [slug],
    }
    response = therapist_api.post(f"{API}/exercises/", body, format="json")
    assert response.status_code == 400
    assert "equipment" in response.json()
