"""The program builder, driven through its real HTML form as a browser without JavaScript."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from exercises.models import Precaution, Side
from patients.models import Completion
from prescriptions.models import Prescription, PrescriptionItem, Status
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)
from tests.helpers import read_form

pytestmark = pytest.mark.django_db


def new_program_url(patient) -> str:
    return reverse("clinic:program_create", args=[patient.pk])


def open_builder(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return read_form(response, "builder")


def press(client, form, value):
    """Press a builder button without JavaScript; returns the next page's form and page."""
    response = form.submit(client, value)
    assert response.status_code == 200, response.status_code
    return read_form(response, "builder"), response.content.decode()


def item_names(form) -> list[str]:
    return [
        value
        for key, value in form.fields
        if key.startswith("items-") and key.endswith("-exercise")
    ]


# --- Building a program from scratch --------------------------------------------------------


def test_therapist_builds_and_saves_a_program_without_javascript(
    therapist_client, therapist, patient, catalogue
):
    bridge, walking = catalogue["bridge"], catalogue["walking"]
    form = open_builder(therapist_client, new_program_url(patient))
    form, html = press(therapist_client, form, f"add:{bridge.pk}")
    assert "Added Bridge. 1 exercise in the program." in html
    form, html = press(therapist_client, form, f"add:{walking.pk}")
    assert item_names(form) == [str(bridge.pk), str(walking.pk)]

    form.set("title", "Back on track")
    form.set("items-0-reps", "8")
    form.set("items-0-sets", "2")
    form.set("items-1-duration_seconds", "15 min")
    form.set("days_of_week", 0, 2, 4)
    form.set("times_per_day", "2")
    response = form.submit(therapist_client, "save")

    program = Prescription.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:program_detail", args=[program.pk])
    assert program.title == "Back on track"
    assert program.status == Status.ACTIVE
    assert program.prescribed_by == therapist
    assert program.days_of_week == [0, 2, 4]
    assert program.times_per_day == 2
    assert program.start_date == patient.local_today()
    items = list(program.items.order_by("position"))
    assert [(i.exercise, i.position) for i in items] == [(bridge, 0), (walking, 1)]
    assert (items[0].sets, items[0].reps, items[0].hold_seconds) == (2, 8, 10)
    assert items[1].duration_seconds == 900
    assert items[1].reps is None


def test_added_exercise_starts_with_its_catalogue_dose_and_side(
    therapist_client, patient, catalogue
):
    hamstring = catalogue["hamstring"]
    form = open_builder(therapist_client, new_program_url(patient))
    form, html = press(therapist_client, form, f"add:{hamstring.pk}")
    assert form.value("items-0-reps") == "3"
    assert form.value("items-0-hold_seconds") == "20"
    assert form.value("items-0-side") == Side.EACH
    assert "3 repetitions, hold 20 seconds, each side" in html


def test_remove_and_reorder_buttons_work_without_javascript(therapist_client, patient, catalogue):
    ids = [catalogue[name].pk for name in ("bridge", "hamstring", "walking")]
    form = open_builder(therapist_client, new_program_url(patient))
    for pk in ids:
        form, _ = press(therapist_client, form, f"add:{pk}")
    assert form.button("up:0").disabled
    assert form.button(f"down:{len(ids) - 1}").disabled

    form, html = press(therapist_client, form, "down:0")
    assert item_names(form) == [str(ids[1]), str(ids[0]), str(ids[2])]
    assert "Moved Bridge to place 2." in html
    form, _ = press(therapist_client, form, "up:2")
    assert item_names(form) == [str(ids[1]), str(ids[2]), str(ids[0])]
    form, html = press(therapist_client, form, "remove:1")
    assert item_names(form) == [str(ids[1]), str(ids[0])]
    assert "Removed Walking. 2 exercises in the program." in html


def test_values_typed_before_adding_are_kept(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    form, _ = press(therapist_client, form, f"add:{catalogue['bridge'].pk}")
    form.set("title", "Typed title")
    form.set("items-0-reps", "12")
    form.set("items-0-load", "Light band")
    form, html = press(therapist_client, form, f"add:{catalogue['walking'].pk}")
    assert form.value("title") == "Typed title"
    assert form.value("items-0-reps") == "12"
    assert form.value("items-0-load") == "Light band"
    assert "is-invalid" not in html  # no errors shown before Save


def test_moving_buttons_land_on_the_moved_exercise(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    form, _ = press(therapist_client, form, f"add:{catalogue['bridge'].pk}")
    form, _ = press(therapist_client, form, f"add:{catalogue['walking'].pk}")
    assert form.button("down:0").formaction.endswith("#item-2")
    assert form.button("up:1").formaction.endswith("#item-1")


# --- Catalogue search -----------------------------------------------------------------------


def result_names(html: str, catalogue) -> set[str]:
    names = set()
    for exercise in catalogue.values():
        if hasattr(exercise, "kind") and f'value="add:{exercise.pk}"' in html:
            names.add(exercise.name)
    return names


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("search-q", "stretch towel", {"Hamstring stretch with a towel"}),
        ("search-q", "knee", {"Wall sit"}),  # by body region
        ("search-q", "aerobic", {"Walking"}),  # by kind
        ("search-body_region", "knee", {"Wall sit"}),
        ("search-kind", "strengthening", {"Bridge", "Wall sit"}),
        ("search-position", "sitting", {"Seated spinal twist"}),
    ],
)
def test_catalogue_search_filters(therapist_client, patient, catalogue, field, value, expected):
    form = open_builder(therapist_client, new_program_url(patient))
    form.set(field, value)
    _, html = press(therapist_client, form, "search")
    assert result_names(html, catalogue) == expected


def test_catalogue_search_by_equipment(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    form.set("search-equipment", catalogue["towel"].pk)
    _, html = press(therapist_client, form, "search")
    assert result_names(html, catalogue) == {"Hamstring stretch with a towel"}


def test_search_shows_each_exercises_default_dose(therapist_client, patient, catalogue):
    html = therapist_client.get(new_program_url(patient)).content.decode()
    assert "5 repetitions, hold 10 seconds, rest 20 seconds between" in html  # Bridge
    assert "For 10 minutes" in html  # Walking


def test_search_offers_my_private_exercises_but_not_a_colleagues(
    therapist_client, therapist, other_therapist, patient, catalogue
):
    mine = ExerciseFactory(name="My towel curl", owner=therapist)
    theirs = ExerciseFactory(name="Their towel curl", owner=other_therapist)
    hidden = ExerciseFactory(name="Unpublished curl", is_published=False)
    form = open_builder(therapist_client, new_program_url(patient))
    form.set("search-q", "curl")
    _, html = press(therapist_client, form, "search")
    assert f'value="add:{mine.pk}"' in html
    assert f'value="add:{theirs.pk}"' not in html
    assert f'value="add:{hidden.pk}"' not in html

    form.set("search-source", "mine")
    form.set("search-q", "")
    _, html = press(therapist_client, form, "search")
    assert f'value="add:{mine.pk}"' in html
    assert f'value="add:{catalogue["bridge"].pk}"' not in html


def test_search_keeps_the_program_being_built(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    form, _ = press(therapist_client, form, f"add:{catalogue['bridge'].pk}")
    form.set("search-q", "walk")
    form, html = press(therapist_client, form, "search")
    assert item_names(form) == [str(catalogue["bridge"].pk)]
    assert "In the program" not in html  # Bridge is not among the results for "walk"


# --- Precaution warnings --------------------------------------------------------------------


def test_builder_warns_about_precautions_before_saving(therapist_client, therapist, catalogue):
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])
    form = open_builder(therapist_client, new_program_url(patient))
    _, html = press(therapist_client, form, f"add:{catalogue['wall_sit'].pk}")
    assert "precaution-warning" in html
    assert "Knee problems." in html
    assert "If your knees hurt, do not go down so far." in html
    assert "1 of 1 calls for care" in html
    assert not Prescription.objects.exists()


def test_search_results_mark_exercises_that_call_for_care(therapist_client, therapist, catalogue):
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.PREGNANCY])
    html = therapist_client.get(new_program_url(patient)).content.decode()
    assert html.count("result has-warning") == 1  # only the Bridge carries a pregnancy tag
    assert "Pregnancy" in html


def test_no_warning_when_conditions_do_not_match(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    _, html = press(therapist_client, form, f"add:{catalogue['wall_sit'].pk}")
    assert "precaution-warning" not in html


# --- Validation -----------------------------------------------------------------------------


def built_form(client, patient, catalogue):
    form = open_builder(client, new_program_url(patient))
    form, _ = press(client, form, f"add:{catalogue['bridge'].pk}")
    return form


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"items-0-reps": "", "items-0-duration_seconds": ""},
            "Give the number of repetitions or a duration.",
        ),
        ({"items-0-hold_seconds": "301"}, "A hold is from 1 to 300 seconds"),
        ({"items-0-sets": "0"}, "Sets: a whole number from 1 to 10."),
        ({"items-0-duration_seconds": "a while"}, "Write a number of seconds, or minutes"),
        ({"end_date": "2020-01-01"}, "The end cannot be before the start."),
        ({"title": ""}, "This field is required."),
        ({"pain_threshold": "7"}, "Pain threshold: from 0 to 6."),
    ],
    ids=[
        "no-reps-or-duration",
        "hold-over-300",
        "zero-sets",
        "bad-duration",
        "end",
        "title",
        "pain",
    ],
)
def test_save_refuses_invalid_values_with_a_clear_message(
    therapist_client, patient, catalogue, changes, message
):
    form = built_form(therapist_client, patient, catalogue)
    for name, value in changes.items():
        form.set(name, value)
    response = form.submit(therapist_client, "save")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Not saved yet." in html
    assert not Prescription.objects.exists()
    # What was typed is still there to correct.
    assert read_form(response, "builder").value("items-0-exercise") == str(catalogue["bridge"].pk)


def test_save_lists_what_to_correct_with_links_to_the_exercises(
    therapist_client, patient, catalogue
):
    form = built_form(therapist_client, patient, catalogue)
    form, _ = press(therapist_client, form, f"add:{catalogue['walking'].pk}")
    form.set("items-1-duration_seconds", "")
    html = form.submit(therapist_client, "save").content.decode()
    assert '<a href="#item-2">2. Walking</a>: Give the number of repetitions or a duration.' in html
    assert 'href="#item-1"' not in html


def test_save_refuses_a_program_without_days(therapist_client, patient, catalogue):
    form = built_form(therapist_client, patient, catalogue)
    form.set("days_of_week")
    html = form.submit(therapist_client, "save").content.decode()
    assert "Choose at least one day of the week." in html
    assert not Prescription.objects.exists()


def test_save_refuses_a_program_without_exercises(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    html = form.submit(therapist_client, "save").content.decode()
    assert "Add at least one exercise" in html
    assert not Prescription.objects.exists()


def test_an_exercise_the_therapist_may_not_use_is_never_saved(
    therapist_client, other_therapist, patient, catalogue
):
    theirs = ExerciseFactory(owner=other_therapist)
    form = built_form(therapist_client, patient, catalogue)
    form.set("items-0-exercise", theirs.pk)
    html = form.submit(therapist_client, "save").content.decode()
    assert "no longer available" in html
    assert not Prescription.objects.exists()
    # Adding it by id is refused too.
    form = open_builder(therapist_client, new_program_url(patient))
    form.buttons.append(type(form.buttons[0])("action", f"add:{theirs.pk}", False, None))
    _, html = press(therapist_client, form, f"add:{theirs.pk}")
    assert "That exercise is not available." in html


# --- Editing an active program --------------------------------------------------------------


def test_editing_shows_the_current_items_only(therapist_client, prescription):
    kept = PrescriptionItemFactory(prescription=prescription, position=0)
    PrescriptionItemFactory(
        prescription=prescription, position=1, removed_on=datetime.date(2026, 1, 1)
    )
    form = open_builder(therapist_client, reverse("clinic:program_edit", args=[prescription.pk]))
    assert item_names(form) == [str(kept.exercise_id)]
    assert form.value("items-0-item_id") == str(kept.pk)
    assert form.value("title") == prescription.title


def test_editing_keeps_what_the_patient_logged(therapist_client, patient, prescription):
    logged = PrescriptionItemFactory(prescription=prescription, position=0, reps=10)
    never_done = PrescriptionItemFactory(prescription=prescription, position=1)
    kept = PrescriptionItemFactory(prescription=prescription, position=2, reps=6)
    completion = CompletionFactory(item=logged, date=patient.local_today())
    CompletionFactory(item=kept, date=patient.local_today())

    form = open_builder(therapist_client, reverse("clinic:program_edit", args=[prescription.pk]))
    form.set("items-2-reps", "12")  # a new dose for the kept item
    form, _ = press(therapist_client, form, "remove:1")
    form, _ = press(therapist_client, form, "remove:0")
    response = form.submit(therapist_client, "save")
    assert response.status_code == 302

    logged.refresh_from_db()
    assert logged.removed_on == patient.local_today()  # retired, not deleted
    assert not PrescriptionItem.objects.filter(pk=never_done.pk).exists()
    kept.refresh_from_db()
    assert (kept.reps, kept.position, kept.removed_on) == (12, 0, None)
    completion.refresh_from_db()
    assert completion.reps == 10  # the dose done stays as it was
    assert Completion.objects.filter(item=kept).get().reps == 6


def test_editing_a_program_holding_an_exercise_no_longer_offered_keeps_it(
    therapist_client, prescription, other_therapist
):
    colleagues = ExerciseFactory(owner=other_therapist, name="Colleague's exercise")
    item = PrescriptionItemFactory(prescription=prescription, exercise=colleagues)
    form = open_builder(therapist_client, reverse("clinic:program_edit", args=[prescription.pk]))
    form.set("items-0-reps", "7")
    assert form.submit(therapist_client, "save").status_code == 302
    item.refresh_from_db()
    assert item.reps == 7


# --- Templates and the builder --------------------------------------------------------------


def test_starting_from_a_template_fills_the_builder_without_saving(
    therapist_client, therapist, catalogue
):
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])
    template = ProgramTemplateFactory(name="Knee basics", times_per_day=2, days_of_week=[0, 3])
    ProgramTemplateItemFactory(template=template, exercise=catalogue["wall_sit"], position=0)
    ProgramTemplateItemFactory(template=template, exercise=catalogue["bridge"], position=1)
    response = therapist_client.get(new_program_url(patient), {"template": template.pk})
    form = read_form(response, "builder")
    assert not Prescription.objects.exists()
    assert form.value("title") == "Knee basics"
    assert form.values("days_of_week") == ["0", "3"]
    assert item_names(form) == [str(catalogue["wall_sit"].pk), str(catalogue["bridge"].pk)]
    assert "precaution-warning" in response.content.decode()

    form.set("precautions_acknowledged", form.options["precautions_acknowledged"][0])
    assert form.submit(therapist_client, "save").status_code == 302
    program = Prescription.objects.get()
    assert program.template == template
    assert program.times_per_day == 2
    assert program.items.count() == 2


def test_a_colleagues_template_cannot_be_started_from(therapist_client, other_therapist, patient):
    theirs = ProgramTemplateFactory(owner=other_therapist)
    response = therapist_client.get(new_program_url(patient), {"template": theirs.pk})
    assert response.status_code == 404


# --- htmx -----------------------------------------------------------------------------------


def test_with_htmx_adding_returns_only_the_exercise_list(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    response = therapist_client.post(
        new_program_url(patient),
        form.data(form.button(f"add:{catalogue['bridge'].pk}")),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="builder-items"')
    assert "<html" not in html
    assert 'name="items-TOTAL_FORMS" value="1"' in html
    assert "Added Bridge." in html
    # The results come along out of band, marking what is now in the program.
    assert (
        '<div id="search-results" class="search-results" aria-live="polite" hx-swap-oob="true">'
        in html
    )
    assert html.count("In the program") == 1


def test_with_htmx_searching_returns_only_the_results(therapist_client, patient, catalogue):
    form = open_builder(therapist_client, new_program_url(patient))
    form.set("search-q", "wall")
    data = form.data()
    data["action"] = ["search"]
    html = therapist_client.post(
        new_program_url(patient), data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert result_names(html, catalogue) == {"Wall sit"}


def test_with_htmx_saving_redirects_the_whole_page(therapist_client, patient, catalogue):
    form = built_form(therapist_client, patient, catalogue)
    response = therapist_client.post(
        new_program_url(patient), form.data(form.button("save")), HTTP_HX_REQUEST="true"
    )
    program = Prescription.objects.get()
    assert response["HX-Redirect"] == reverse("clinic:program_detail", args=[program.pk])


def test_builder_loads_its_script_from_a_file(therapist_client, patient):
    html = therapist_client.get(new_program_url(patient)).content.decode()
    assert "/static/js/builder.js" in html
    assert "<script>" not in html
    assert " onclick=" not in html


# --- Query counts ---------------------------------------------------------------------------


def program_with_items(therapist, count: int) -> Prescription:
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    for position in range(count):
        PrescriptionItemFactory(prescription=program, position=position)
    return program


@pytest.mark.parametrize("items", [2, 10])
def test_builder_query_count_does_not_grow_with_items(
    therapist_client, therapist, catalogue, django_assert_num_queries, items
):
    program = program_with_items(therapist, items)
    url = reverse("clinic:program_edit", args=[program.pk])
    therapist_client.get(url)  # the session records its first activity once
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 the program with its patient, prescriber and template,
    # 5 its current items with their exercises,
    # 6 count of matching catalogue exercises, 7 the first of them,
    # 8 their equipment, 9 the equipment filter's choices.
    with django_assert_num_queries(9):
        response = therapist_client.get(url)
    html = response.content.decode()
    assert html.count('class="card builder-item') == items
    assert html.count('class="builder-item-picture"') == items  # drawn with no query


@pytest.mark.parametrize("items", [2, 10])
def test_builder_round_trip_query_count_does_not_grow_with_items(
    therapist_client, therapist, catalogue, django_assert_num_queries, items
):
    program = program_with_items(therapist, items)
    url = reverse("clinic:program_edit", args=[program.pk])
    form = read_form(therapist_client.get(url), "builder")
    data = form.data(form.button(f"add:{catalogue['bridge'].pk}"))
    # 1 session, 2 user with their patient profile (patients.backends),
    # 3 therapist group (role check),
    # 4 the program, 5 its current items,
    # 6 the exercise being added (one query for any number of exercises not yet known),
    # 7 count and 8 first of the catalogue exercises, 9 their equipment,
    # 10 the equipment filter's choices.
    with django_assert_num_queries(10):
        response = therapist_client.post(url, data)
    assert response.content.decode().count('class="card builder-item') == items + 1


# --- "The patient reads:" follows the dose as it is typed -----------------------------------

DOSE_PREVIEW = reverse("clinic:dose_preview")


def typed_row(therapist_client, patient, catalogue, **typed):
    """The builder with Bridge added, its first row's fields as typed, and the values htmx
    posts for that row's "The patient reads:" line (read from the page)."""
    form = open_builder(therapist_client, new_program_url(patient))
    form, html = press(therapist_client, form, f"add:{catalogue['bridge'].pk}")
    assert f'hx-post="{DOSE_PREVIEW}"' in html
    assert f'hx-vals=\'{{"prefix": "items-0", "patient": "{patient.pk}"}}\'' in html
    for name, value in typed.items():
        form.set(f"items-0-{name}", value)
    fields = {key: value for key, value in form.fields if key.startswith("items-0-")}
    return {**fields, "prefix": "items-0", "patient": str(patient.pk)}


def test_the_patient_reads_line_follows_the_dose_being_typed(therapist_client, patient, catalogue):
    data = typed_row(
        therapist_client, patient, catalogue, sets="2", reps="8", hold_seconds="", rest_seconds=""
    )
    response = therapist_client.post(DOSE_PREVIEW, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'The patient reads: <strong lang="en">2 sets of 8 repetitions</strong>' in html
    assert "<!doctype" not in html.lower()
    assert f'hx-post="{DOSE_PREVIEW}"' in html  # and keeps following


def test_the_patient_reads_line_asks_for_a_dose_when_there_is_none(
    therapist_client, patient, catalogue
):
    data = typed_row(therapist_client, patient, catalogue, reps="", duration_seconds="")
    html = therapist_client.post(DOSE_PREVIEW, data).content.decode()
    assert "Give repetitions or a duration to see the dose in words." in html
    assert "The patient reads:" not in html


def test_the_patient_reads_line_is_in_the_patients_language(therapist_client, patient, catalogue):
    patient.language = "es"
    patient.save()
    data = typed_row(
        therapist_client, patient, catalogue, sets="1", reps="8", hold_seconds="", rest_seconds=""
    )
    html = therapist_client.post(DOSE_PREVIEW, data).content.decode()
    assert '<strong lang="es">8 repeticiones</strong>' in html


def test_the_dose_preview_refuses_another_therapists_patient_and_odd_rows(
    therapist_client, patient, other_patient, catalogue
):
    data = typed_row(therapist_client, patient, catalogue, reps="8")
    assert (
        therapist_client.post(DOSE_PREVIEW, {**data, "patient": other_patient.pk}).status_code
        == 404
    )
    assert therapist_client.post(DOSE_PREVIEW, {**data, "patient": "x"}).status_code == 400
    assert therapist_client.post(DOSE_PREVIEW, {**data, "prefix": "search"}).status_code == 400


def test_each_item_card_shows_the_exercises_picture_mirrored_for_the_right_side(
    therapist_client, therapist, patient, catalogue
):
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist)
    PrescriptionItemFactory(prescription=program, exercise=catalogue["bridge"], side="left")
    PrescriptionItemFactory(prescription=program, exercise=catalogue["bridge"], side="right")
    html = therapist_client.get(reverse("clinic:program_edit", args=[program.pk])).content.decode()
    left, right = re.findall(r'<div class="builder-item-picture".*?</svg>', html, re.S)
    assert 'data-drawn-side="left"' in left
    assert "scale(-1 1)" not in left
    assert 'data-drawn-side="right"' in right
    assert "scale(-1 1)" in right
    assert "Bridge, right side: how to do it" in right
