"""The catalogue and starter templates in English, Spanish and German."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from exercises.catalogue import DEFAULT_CATALOGUE, catalogue_as_data
from exercises.details import details_for
from exercises.models import Equipment, Exercise, Precaution
from exercises.serializers import ExerciseSerializer
from prescriptions.models import ProgramTemplate
from prescriptions.starter_templates import DEFAULT_TEMPLATES, templates_as_data
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es", "de")
URL = "/api/v1/exercises/"


def load_all() -> None:
    call_command("load_catalogue", stdout=StringIO())
    call_command("load_templates", stdout=StringIO())


def shipped(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_shared_exercise_text_is_written_in_every_language():
    data = shipped(DEFAULT_CATALOGUE)
    for equipment in data["equipment"]:
        assert all(equipment["name"].get(code, "").strip() for code in LANGUAGES), equipment
    for entry in data["exercises"]:
        texts = [entry["name"], entry["summary"], entry["precautions"], *entry["steps"]]
        texts += list(entry.get("precaution_tips", {}).values())
        for text in texts:
            for code in LANGUAGES:
                assert text.get(code, "").strip(), (entry["slug"], code, text["en"])
            assert text["es"] != text["en"], text["en"]
            assert text["de"] != text["en"], text["en"]


def test_every_loaded_exercise_needs_no_translation():
    load_all()
    exercises = Exercise.objects.shared().prefetch_related("steps")
    assert exercises.count() >= 20
    assert {e.slug: e.missing_translations() for e in exercises if e.missing_translations()} == {}
    for equipment in Equipment.objects.all():
        assert equipment.name_es, equipment.slug
        assert equipment.name_de, equipment.slug


def test_every_starter_template_is_written_in_every_language():
    load_all()
    templates = ProgramTemplate.objects.filter(owner=None)
    assert templates.count() == len(shipped(DEFAULT_TEMPLATES)["templates"])
    for template in templates:
        for field in ("name", "audience", "description"):
            for code in LANGUAGES:
                assert getattr(template, f"{field}_{code}").strip(), (template.slug, field, code)


def test_loading_then_dumping_the_catalogue_gives_back_the_same_file(tmp_path):
    load_all()
    dumped = tmp_path / "catalogue.json"
    call_command("dump_catalogue", str(dumped), stdout=StringIO())
    assert dumped.read_text(encoding="utf-8") == DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    # And loading the dump changes nothing.
    call_command("load_catalogue", str(dumped), stdout=StringIO())
    assert catalogue_as_data() == shipped(DEFAULT_CATALOGUE)


def test_loading_the_templates_keeps_every_language_of_their_texts():
    load_all()
    file = {t["slug"]: t for t in shipped(DEFAULT_TEMPLATES)["templates"]}
    for template in templates_as_data()["templates"]:
        for field in ("name", "audience", "description"):
            assert template[field] == file[template["slug"]][field]


def test_a_text_left_out_of_the_file_is_shown_in_english_and_listed_as_missing(tmp_path):
    data = shipped(DEFAULT_CATALOGUE)
    data["exercises"] = [e for e in data["exercises"] if e["slug"] == "bridge"]
    del data["exercises"][0]["steps"][2]["de"]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(data), encoding="utf-8")
    call_command("load_catalogue", str(partial), stdout=StringIO())
    bridge = Exercise.objects.get(slug="bridge")
    assert bridge.missing_translations() == ["de"]
    with translation.override("de"):
        steps = details_for([bridge])[bridge.pk]
    assert steps.steps[2].startswith("Push through your heels")
    assert steps.language == "en"


def test_a_spanish_reader_gets_the_spanish_name_steps_equipment_and_tips():
    load_all()
    bridge = Exercise.objects.get(slug="bridge")
    with translation.override("es"):
        assert bridge.name == "Puente"
        assert bridge.text_language == "es"
        details = details_for([bridge])[bridge.pk]
        assert details.steps[0].startswith("Acuéstese boca arriba")
        assert details.equipment == ("Esterilla de ejercicio",)
        assert details.language == "es"
        assert bridge.tips_for([Precaution.PREGNANCY]) == [
            "Quédese boca arriba solo un rato corto. Si se marea o siente náuseas, gire y "
            "póngase de lado."
        ]
        data = ExerciseSerializer(bridge).data
    assert data["name"] == "Puente"
    assert data["steps"][1] == "Apriete el abdomen y las nalgas."
    with translation.override("de"):
        assert bridge.name == "Brücke"
        assert details_for([bridge])[bridge.pk].steps[-1].startswith("Senken Sie das Becken")
    with translation.override("en"):
        assert bridge.name == "Bridge"
        assert details_for([bridge])[bridge.pk].steps[0].startswith("Lie on your back")


def test_the_api_answers_in_the_language_asked_for_with_machine_values_unchanged(therapist_api):
    load_all()
    bridge = Exercise.objects.get(slug="bridge")
    english = therapist_api.get(f"{URL}{bridge.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    spanish = therapist_api.get(f"{URL}{bridge.pk}/", HTTP_ACCEPT_LANGUAGE="es").json()
    german = therapist_api.get(f"{URL}{bridge.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert (english["name"], spanish["name"], german["name"]) == ("Bridge", "Puente", "Brücke")
    assert spanish["steps"][0].startswith("Acuéstese boca arriba")
    assert spanish["text_language"] == "es"
    assert spanish["summary"] != english["summary"]
    for field in ("slug", "body_region", "kind", "position", "equipment", "precaution_tags"):
        assert spanish[field] == english[field] == german[field], field
    assert spanish["equipment"] == ["mat"]


def english_only_exercise(**values) -> Exercise:
    with translation.override("en"):
        return ExerciseFactory(**values)


def test_an_untranslated_exercise_is_marked_as_english_in_the_api(therapist_api):
    exercise = english_only_exercise(name="Towel squeeze")
    spanish = therapist_api.get(f"{URL}{exercise.pk}/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["name"] == "Towel squeeze"
    assert spanish["text_language"] == "en"


def test_a_therapists_own_exercise_keeps_the_language_it_was_written_in(therapist_api):
    response = therapist_api.post(
        URL,
        {
            "name": "Apretar la toalla",
            "summary": "Apriete una toalla enrollada entre las rodillas.",
            "steps": ["Siéntese en una silla.", "Apriete la toalla y cuente hasta cinco."],
            "body_region": "hip",
            "kind": "strengthening",
            "position": "sitting",
            "reps": 10,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 201, response.content
    assert response.json()["language"] == "es"
    exercise = Exercise.objects.get(pk=response.json()["id"])
    assert exercise.language == "es"
    # A German reader sees the Spanish text, marked as Spanish, never an empty name.
    german = therapist_api.get(f"{URL}{exercise.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert german["name"] == "Apretar la toalla"
    assert german["steps"][0] == "Siéntese en una silla."
    assert german["text_language"] == "es"
    with translation.override("de"):
        assert details_for([exercise])[exercise.pk].language == "es"


def test_admin_lists_exercises_that_need_a_translation(admin_client):
    load_all()
    untranslated = english_only_exercise(name="Towel squeeze")
    url = reverse("admin:exercises_exercise_changelist")
    listed = admin_client.get(url, {"needs_translation": "es"}).content.decode()
    assert "Towel squeeze" in listed
    assert ">Bridge<" not in listed
    everything = admin_client.get(url).content.decode()
    assert "Needs: Español, Deutsch" in everything
    assert "Complete" in everything
    untranslated.name_es = "Apretar la toalla"
    untranslated.summary_es = "Un ejercicio suave."
    untranslated.save()
    for step in untranslated.steps.all():
        step.text_es = f"Paso {step.order}."
        step.save()
    spanish_done = admin_client.get(url, {"needs_translation": "es"}).content.decode()
    assert "Towel squeeze" not in spanish_done
    assert "Towel squeeze" in admin_client.get(url, {"needs_translation": "de"}).content.decode()


def test_a_page_marks_english_fallback_text_for_screen_readers():
    load_all()
    untranslated = english_only_exercise(name="Towel squeeze")
    bridge = Exercise.objects.get(slug="bridge")
    page = Template(
        "{% load catalogue_text %}"
        "{% for e in exercises %}"
        "<h2{% lang_if_other e.text_language %}>{{ e.name }}</h2>"
        "{% endfor %}"
    )
    with translation.override("es"):
        html = page.render(Context({"exercises": [bridge, untranslated]}))
    assert html == '<h2>Puente</h2><h2 lang="en">Towel squeeze</h2>'
    with translation.override("en"):
        assert "lang=" not in page.render(Context({"exercises": [bridge, untranslated]}))
