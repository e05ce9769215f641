"""The HTML forms, fed hostile values through their URLs: never a server error, a refusal
the person can read, and nothing invalid stored."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from exercises.models import Exercise
from patients.models import PAIN_MAX, PainReport
from tests.factories import ExerciseFactory
from tests.helpers import read_form, report_form_data
from tests.security.invariants import no_server_error, refused_with_a_message, stored_data_is_valid
from tests.security.strategies import (
    fuzz,
    hostile_date,
    hostile_number,
    hostile_text,
)

pytestmark = pytest.mark.django_db

VALID_PAINS = {str(value) for value in range(PAIN_MAX + 1)}


# --- The patient's side ------------------------------------------------------------------------


@fuzz
@given(data=st.data())
def test_pain_report_form_refuses_hostile_answers_and_stores_only_valid_reports(
    patient_client, today, bridge, data
):
    # A valid report with a few of its answers made hostile: some reports are stored.
    choices = {
        "pain": hostile_number(-3, 13).map(str),
        "date": st.one_of(st.just(""), hostile_date(today)),
        "session": st.one_of(st.just(""), hostile_number(-1, 4).map(str)),
        "note": hostile_text,
        "difficulty": st.sampled_from(["", "too_easy", "nonsense", "\x00"]),
        "pain_lasting": st.sampled_from(["yes", "no", "not_sure", "", "maybe", "\x00"]),
        "leg_change": st.sampled_from(["", "new", "usual", "maybe", "\x00"]),
        "emergency": st.lists(
            st.sampled_from(["bladder_bowel", "chest", "none", "", "\x00", "x" * 5000]),
            max_size=3,
        ),
        "legs": st.lists(
            st.sampled_from(["numbness", "pain_down_leg", "none", "", "\x00", "x" * 5000]),
            max_size=3,
        ),
        "other": st.lists(st.sampled_from(["unwell", "none", "", "\x00"]), max_size=3),
    }
    hostile = data.draw(
        st.one_of(st.just(set()), st.sets(st.sampled_from(sorted(choices)), max_size=4)),
        label="hostile",
    )
    answers = {
        "date": today.isoformat(),
        "session": "1",
        **report_form_data(pain="3", note="Fine", difficulty="about_right"),
        **{name: data.draw(choices[name], label=name) for name in sorted(hostile)},
    }
    pain, lasting = answers["pain"], answers["pain_lasting"]
    before = PainReport.objects.count()
    response = patient_client.post(reverse("patients:report"), answers)

    no_server_error(response)
    # A stored report answers with its guidance at once (200); a refusal shows the form again.
    stored = response.status_code == 200 and 'data-level="' in response.content.decode()
    if not stored:
        refused_with_a_message(response)
    if pain.strip() not in VALID_PAINS or lasting not in {"yes", "no", "not_sure"}:
        assert not stored
        assert PainReport.objects.count() == before
    stored_data_is_valid()


@fuzz
@given(data=st.data())
def test_pain_report_page_survives_any_date_and_session_in_the_query(
    patient_client, today, bridge, data
):
    query = {
        "date": data.draw(hostile_date(today), label="date"),
        "session": data.draw(hostile_number(-1, 4).map(str), label="session"),
    }
    no_server_error(patient_client.get(reverse("patients:report"), query))
    no_server_error(patient_client.get(reverse("patients:report_guidance"), query))


day_in_path = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "0000-00-00", "٢٠٢٦-٠١-٠١"]),
    hostile_text,
)
number_in_path = st.one_of(
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=0, max_value=2**70),
    st.sampled_from(["-1", "²", "1.5", "", "٣", "9" * 5000]),
)


@fuzz
@given(data=st.data())
def test_check_off_and_undo_urls_survive_odd_days_items_and_sessions(
    patient_client, today, bridge, walk, other_item, data
):
    day = data.draw(st.one_of(hostile_date(today), day_in_path), label="day")
    item = data.draw(
        st.one_of(st.sampled_from([bridge.pk, walk.pk, other_item.pk]), number_in_path),
        label="item",
    )
    session = data.draw(number_in_path, label="session")
    for action in ("done", "undo"):
        path = f"/day/{quote(str(day), safe='')}/items/{item}/sessions/{session}/{action}/"
        no_server_error(patient_client.post(path))
        no_server_error(patient_client.post(path, HTTP_HX_REQUEST="true"))
    no_server_error(patient_client.get(f"/day/{quote(str(day), safe='')}/"))
    assert not other_item.completions.exists()
    stored_data_is_valid()


@fuzz
@given(times=st.lists(hostile_text, min_size=1, max_size=3), email=hostile_text)
def test_reminder_preferences_refuse_hostile_times_and_addresses(
    patient_client, bridge, times, email
):
    answers = {f"time_{n}": value for n, value in enumerate(times, start=1)}
    answers |= {"email_reminders": "yes", "email": email}
    response = patient_client.post(reverse("patients:reminders"), answers)
    no_server_error(response)
    patient_client.get(reverse("patients:reminders"))
    stored_data_is_valid()


# --- The therapist's side ----------------------------------------------------------------------


PATIENT_TEXT_FIELDS = ("first_name", "last_name", "email", "clinic_phone")


@fuzz
@given(data=st.data())
def test_patient_form_refuses_hostile_names_and_stores_none(therapist_client, patient, data):
    values = {name: data.draw(hostile_text, label=name) for name in PATIENT_TEXT_FIELDS}
    values["timezone"] = data.draw(
        st.one_of(st.sampled_from(["Europe/Berlin", "UTC"]), hostile_text), label="timezone"
    )
    values["conditions"] = data.draw(
        st.lists(st.one_of(st.sampled_from(["knee", "wrist"]), hostile_text), max_size=2)
    )
    for url in (
        reverse("clinic:patient_create"),
        reverse("clinic:patient_edit", args=[patient.pk]),
    ):
        response = therapist_client.post(url, values)
        no_server_error(response)
        if response.status_code != 302:
            refused_with_a_message(response)
        if "\x00" in "".join(values[name] for name in PATIENT_TEXT_FIELDS):
            assert response.status_code != 302
    stored_data_is_valid()


BUILDER_TEXT = ("title", "goal", "notes", "items-0-load", "items-0-instructions")
BUILDER_NUMBERS = (
    "pain_threshold",
    "items-0-sets",
    "items-0-reps",
    "items-0-hold_seconds",
    "items-0-rest_seconds",
)


@pytest.fixture
def builder_form(therapist_client, patient):
    """The builder's real form for a new program, with one exercise added."""
    exercise = ExerciseFactory(name="Bridge", reps=5, hold_seconds=10)
    url = reverse("clinic:program_create", args=[patient.pk])
    form = read_form(therapist_client.get(url), "builder")
    response = form.submit(therapist_client, f"add:{exercise.pk}")
    assert response.status_code == 200
    return read_form(response, "builder")


@fuzz
@given(data=st.data())
def test_program_builder_save_refuses_hostile_doses_dates_and_text(
    therapist_client, today, builder_form, data
):
    posted = builder_form.data(builder_form.button("save"))
    for name in BUILDER_TEXT:
        if data.draw(st.booleans(), label=f"change {name}"):
            posted[name] = [data.draw(hostile_text, label=name)]
    for name in BUILDER_NUMBERS:
        if data.draw(st.booleans(), label=f"change {name}"):
            posted[name] = [str(data.draw(hostile_number(-2, 400), label=name))]
    for name in ("start_date", "end_date"):
        if data.draw(st.booleans(), label=f"change {name}"):
            posted[name] = [data.draw(hostile_date(today), label=name)]
    if data.draw(st.booleans(), label="change duration"):
        posted["items-0-duration_seconds"] = [
            data.draw(st.one_of(hostile_text, st.sampled_from(["0", "1:99", "99999 h"])))
        ]
    if data.draw(st.booleans(), label="change schedule"):
        posted["days_of_week"] = data.draw(st.lists(hostile_number(-1, 8).map(str), max_size=8))
        posted["times_per_day"] = [str(data.draw(hostile_number(-1, 6)))]
    if data.draw(st.booleans(), label="change management form"):
        posted["items-TOTAL_FORMS"] = [str(data.draw(hostile_number(-1, 300)))]
    posted["action"] = [
        data.draw(
            st.one_of(
                st.sampled_from(
                    ["save", "search", "up:0", "down:²", "remove:99999999999", "up:" + "9" * 5000]
                ),
                hostile_text,
            )
        )
    ]

    response = therapist_client.post(builder_form.action.split("#")[0], posted)
    no_server_error(response)
    if response.status_code != 302:
        refused_with_a_message(response)
    stored_data_is_valid()


EXERCISE_TEXT = ("name", "summary", "steps", "precautions", "video_url")
EXERCISE_NUMBERS = ("sets", "reps", "hold_seconds", "rest_seconds", "duration_seconds")


@fuzz
@given(data=st.data())
def test_private_exercise_form_refuses_hostile_values(therapist_client, therapist, data):
    form = read_form(therapist_client.get(reverse("clinic:exercise_create")), "exercise-form")
    posted = form.data()
    posted |= {"name": ["Towel curl"], "steps": ["Sit down.\nCurl the towel."]}
    posted |= {"body_region": ["knee"], "kind": ["stretch"], "position": ["sitting"]}
    posted |= {"reps": ["5"]}
    for name in EXERCISE_TEXT:
        if data.draw(st.booleans(), label=f"change {name}"):
            posted[name] = [data.draw(hostile_text, label=name)]
    for name in EXERCISE_NUMBERS:
        if data.draw(st.booleans(), label=f"change {name}"):
            posted[name] = [str(data.draw(hostile_number(-2, 400), label=name))]
    for name in ("body_region", "kind", "position", "difficulty", "equipment"):
        if data.draw(st.booleans(), label=f"change {name}"):
            posted[name] = [data.draw(hostile_text, label=name)]

    before = Exercise.objects.filter(owner=therapist).count()
    response = therapist_client.post(reverse("clinic:exercise_create"), posted)
    no_server_error(response)
    if response.status_code != 302:
        refused_with_a_message(response)
        assert Exercise.objects.filter(owner=therapist).count() == before
    stored_data_is_valid()


@fuzz
@given(data=st.data())
def test_searches_answer_any_query(therapist_client, patient, builder_form, data):
    query = data.draw(hostile_text, label="q")
    extra = data.draw(hostile_text, label="other")
    for url, params in (
        (reverse("clinic:exercise_list"), {"q": query, "body_region": extra, "page": extra}),
        (reverse("clinic:exercise_list"), {"q": query, "equipment": extra, "source": extra}),
        (reverse("clinic:caseload"), {"q": query, "page": extra}),
        (reverse("clinic:archived_patients"), {"q": query, "page": extra}),
        (reverse("monitoring:dashboard"), {"page": extra}),
        (reverse("monitoring:patient_progress", args=[patient.pk]), {"program": query}),
        (reverse("clinic:patient_audit", args=[patient.pk]), {"page": extra}),
        (reverse("clinic:program_start", args=[patient.pk]), {"patient": query}),
        (reverse("clinic:template_list"), {"q": query}),
        (reverse("clinic:program_create", args=[patient.pk]), {"template": query}),
    ):
        no_server_error(therapist_client.get(url, params))
    posted = builder_form.data(builder_form.button("search"))
    posted |= {"search-q": [query], "search-equipment": [extra], "search-kind": [extra]}
    no_server_error(therapist_client.post(builder_form.action.split("#")[0], posted))
