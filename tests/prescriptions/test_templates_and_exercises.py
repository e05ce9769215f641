"""Templates (starter and one's own) and a therapist's private exercises."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exercises.models import Exercise, Precaution
from prescriptions.models import ProgramTemplate
from tests.factories import (
    EquipmentFactory,
    ExerciseFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)
from tests.helpers import read_form

pytestmark = pytest.mark.django_db


def test_template_list_separates_starter_and_own(therapist_client, therapist, other_therapist):
    ProgramTemplateFactory(name="Starter back care")
    ProgramTemplateFactory(name="My knee plan", owner=therapist)
    ProgramTemplateFactory(name="Their secret plan", owner=other_therapist)
    html = therapist_client.get(reverse("clinic:template_list")).content.decode()
    assert "Starter back care" in html
    assert "My knee plan" in html
    assert "Their secret plan" not in html
    assert html.index("Your templates") < html.index("My knee plan") < html.index("Starter")


def test_program_start_page_offers_templates_and_scratch(therapist_client, therapist, patient):
    starter = ProgramTemplateFactory(name="Starter back care")
    ProgramTemplateItemFactory(template=starter)
    html = therapist_client.get(reverse("clinic:program_start", args=[patient.pk])).content
    create = reverse("clinic:program_create", args=[patient.pk])
    assert f'href="{create}"'.encode() in html
    assert f"{create}?template={starter.pk}".encode() in html
    assert b"1 exercise " in html


def test_using_a_template_for_a_patient_opens_the_builder(therapist_client, patient):
    template = ProgramTemplateFactory()
    ProgramTemplateItemFactory(template=template)
    page = therapist_client.get(reverse("clinic:template_detail", args=[template.pk]))
    form = read_form(page, "use-template-form")
    form.set("patient", patient.pk)
    response = therapist_client.get(page.wsgi_request.path, form.data())
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("clinic:program_create", args=[patient.pk]) + f"?template={template.pk}"
    )


def test_use_template_offers_only_my_patients(therapist_client, other_patient):
    template = ProgramTemplateFactory()
    page = therapist_client.get(reverse("clinic:template_detail", args=[template.pk]))
    assert str(other_patient.pk) not in read_form(page, "use-template-form").options["patient"]
    response = therapist_client.get(page.wsgi_request.path, {"patient": other_patient.pk})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_therapist_builds_a_template_of_their_own(therapist_client, therapist):
    exercise = ExerciseFactory(name="Bridge")
    page = therapist_client.get(reverse("clinic:template_create"))
    form = read_form(page, "builder")
    response = form.submit(therapist_client, f"add:{exercise.pk}")
    form = read_form(response, "builder")
    form.set("name", "Core week")
    form.set("items-0-reps", "10")
    form.set("days_of_week", 1, 3)
    response = form.submit(therapist_client, "save")
    template = ProgramTemplate.objects.get(name="Core week")
    assert response["Location"] == reverse("clinic:template_detail", args=[template.pk])
    assert template.owner == therapist
    assert template.days_of_week == [1, 3]
    assert [(i.exercise, i.reps) for i in template.items.all()] == [(exercise, 10)]


def test_therapist_edits_and_deletes_their_template(therapist_client, therapist):
    template = ProgramTemplateFactory(owner=therapist, name="Old name")
    ProgramTemplateItemFactory(template=template)
    edit = reverse("clinic:template_edit", args=[template.pk])
    form = read_form(therapist_client.get(edit), "builder")
    form.set("name", "New name")
    assert form.submit(therapist_client, "save").status_code == 302
    template.refresh_from_db()
    assert template.name == "New name"
    assert template.items.count() == 1

    delete = reverse("clinic:template_delete", args=[template.pk])
    assert b"cannot be undone" in therapist_client.get(delete).content
    therapist_client.post(delete)
    assert not ProgramTemplate.objects.filter(pk=template.pk).exists()


def test_starter_templates_cannot_be_edited_or_deleted(therapist_client):
    starter = ProgramTemplateFactory()
    for name in ("clinic:template_edit", "clinic:template_delete"):
        assert therapist_client.get(reverse(name, args=[starter.pk])).status_code == 404
        assert therapist_client.post(reverse(name, args=[starter.pk])).status_code == 404
    assert ProgramTemplate.objects.filter(pk=starter.pk).exists()


# --- Private exercises ----------------------------------------------------------------------


def test_therapist_adds_a_private_exercise_with_steps_dose_and_precautions(
    therapist_client, therapist
):
    mat = EquipmentFactory(name="Exercise mat", slug="mat")
    form = read_form(therapist_client.get(reverse("clinic:exercise_create")), "exercise-form")
    form.set("name", "Clam shell")
    form.set("summary", "Strengthens the side of your hip.")
    form.set("steps", "1. Lie on your side.\n2) Lift the top knee.\n\nLower it slowly.")
    form.set("body_region", "hip")
    form.set("kind", "strengthening")
    form.set("position", "side_lying")
    form.set("equipment", mat.pk)
    form.set("sided", "on")
    form.set("reps", "10")
    form.set("hold_seconds", "3")
    form.set("precautions", "Keep your back still.")
    form.set("precaution_tags", Precaution.KNEE)
    response = therapist_client.post(reverse("clinic:exercise_create"), form.data())

    exercise = Exercise.objects.get(name="Clam shell")
    assert response["Location"] == reverse("clinic:exercise_detail", args=[exercise.pk])
    assert exercise.owner == therapist
    assert [s.text for s in exercise.steps.all()] == [
        "Lie on your side.",
        "Lift the top knee.",
        "Lower it slowly.",
    ]
    assert (exercise.reps, exercise.hold_seconds, exercise.sided) == (10, 3, True)
    assert exercise.precaution_tags == [Precaution.KNEE]
    assert list(exercise.equipment.all()) == [mat]
    page = therapist_client.get(response["Location"]).content.decode()
    assert "Only you see and use it." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"steps": "  \n "}, "Write at least one step."),
        ({"reps": "", "duration_seconds": ""}, "Give the number of repetitions or a duration."),
        ({"hold_seconds": "400"}, "A hold is from 1 to 300 seconds"),
    ],
)
def test_private_exercise_form_explains_what_is_wrong(therapist_client, changes, message):
    form = read_form(therapist_client.get(reverse("clinic:exercise_create")), "exercise-form")
    form.set("name", "Something")
    form.set("steps", "Do it.")
    for name, value in changes.items():
        form.set(name, value)
    response = therapist_client.post(reverse("clinic:exercise_create"), form.data())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Exercise.objects.filter(name="Something").exists()


def test_therapist_edits_their_exercise(therapist_client, therapist):
    exercise = ExerciseFactory(owner=therapist, name="Clam", steps=["One.", "Two."])
    edit = reverse("clinic:exercise_edit", args=[exercise.pk])
    form = read_form(therapist_client.get(edit), "exercise-form")
    assert form.value("steps") == "One.\nTwo."
    form.set("steps", "Two.\nOne.\nThree.")
    form.set("name", "Clam shell")
    assert therapist_client.post(edit, form.data()).status_code == 302
    exercise.refresh_from_db()
    assert exercise.name == "Clam shell"
    assert [s.text for s in exercise.steps.all()] == ["Two.", "One.", "Three."]


def test_shared_catalogue_exercises_cannot_be_edited_or_deleted(therapist_client):
    shared = ExerciseFactory()
    for name in ("clinic:exercise_edit", "clinic:exercise_delete"):
        assert therapist_client.get(reverse(name, args=[shared.pk])).status_code == 404
        assert therapist_client.post(reverse(name, args=[shared.pk])).status_code == 404


def test_an_exercise_in_a_program_is_kept(therapist_client, therapist):
    exercise = ExerciseFactory(owner=therapist)
    PrescriptionItemFactory(exercise=exercise)
    delete = reverse("clinic:exercise_delete", args=[exercise.pk])
    assert b"so it stays" in therapist_client.get(delete).content
    therapist_client.post(delete)
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_an_unused_exercise_is_deleted(therapist_client, therapist):
    exercise = ExerciseFactory(owner=therapist)
    response = therapist_client.post(reverse("clinic:exercise_delete", args=[exercise.pk]))
    assert response["Location"] == reverse("clinic:exercise_list")
    assert not Exercise.objects.filter(pk=exercise.pk).exists()


def test_exercise_list_shows_shared_and_mine_only(therapist_client, therapist, other_therapist):
    ExerciseFactory(name="Shared bridge")
    ExerciseFactory(name="My bridge", owner=therapist)
    ExerciseFactory(name="Their bridge", owner=other_therapist)
    html = therapist_client.get(reverse("clinic:exercise_list"), {"q": "bridge"}).content
    assert b"Shared bridge" in html
    assert b"My bridge" in html
    assert b"Their bridge" not in html
    html = therapist_client.get(reverse("clinic:exercise_list"), {"source": "mine"}).content
    assert b"My bridge" in html
    assert b"Shared bridge" not in html
