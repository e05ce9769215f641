"""What a patient reads about doing an exercise safely: only the tips for their own conditions,
phrased as what to do, never "not for" an exercise their therapist chose, and no condition
names. The starter templates speak the same way."""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from exercises.models import Exercise, Precaution
from prescriptions.models import ProgramTemplate
from tests.factories import PrescriptionFactory, PrescriptionItemFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

NOT_FOR = re.compile(r"\bnot for\b", re.IGNORECASE)
KNEE_TIP = "Put a cushion under your knees."
BUMP = "bump"  # in every pregnancy tip on these exercises
LABELS = [str(label) for _, label in Precaution.choices]


@pytest.fixture
def shipped_program(patient, therapist, today):
    """A program of shipped exercises that conflict with several conditions between them."""
    call_command("load_catalogue", stdout=StringIO())
    program = PrescriptionFactory(
        patient=patient, prescribed_by=therapist, start_date=today - datetime.timedelta(days=3)
    )
    for position, slug in enumerate(["childs-pose", "partial-crunch", "prone-press-up"]):
        PrescriptionItemFactory(
            prescription=program, exercise=Exercise.objects.get(slug=slug), position=position
        )
    return program


def patient_pages(client, program) -> dict[str, str]:
    """Today, an earlier day, and the printed handout (which the therapist prints for them)."""
    yesterday = program.patient.local_today() - datetime.timedelta(days=1)
    return {
        "today": client.get(reverse("patients:today")).content.decode(),
        "day": client.get(reverse("patients:day", args=[yesterday])).content.decode(),
    }


def handout(therapist_client, program) -> str:
    url = reverse("clinic:program_handout", args=[program.pk])
    return therapist_client.get(url).content.decode()


def assert_speaks_plainly(html: str) -> None:
    text = page_text(html)
    assert not NOT_FOR.search(text)
    for label in LABELS:
        assert label not in text, label


def test_a_patient_with_a_knee_condition_reads_the_knee_tip_and_nothing_else(
    patient, patient_client, therapist_client, shipped_program
):
    patient.conditions = [Precaution.KNEE]
    patient.save()
    pages = patient_pages(patient_client, shipped_program)
    pages["handout"] = handout(therapist_client, shipped_program)
    for name, html in pages.items():
        text = page_text(html)
        assert f"Take care: {KNEE_TIP}" in text, name
        assert "pregnan" not in text.lower(), name
        assert BUMP not in text, name
        # The tips for osteoporosis (crunch) and stenosis (press-up) are not this patient's.
        assert "Lift only your head and shoulders a little way" not in text, name
        assert "come back down if your back or legs ache" not in text, name
        if name != "handout":  # the handout names the patient's therapist, not conditions
            assert_speaks_plainly(html)


def test_pregnancy_tips_appear_only_once_pregnancy_is_recorded(
    patient, patient_client, shipped_program
):
    assert BUMP not in patient_pages(patient_client, shipped_program)["today"]
    patient.conditions = [Precaution.PREGNANCY]
    patient.save()
    html = patient_pages(patient_client, shipped_program)["today"]
    assert "Take care: Spread your knees wide to make room for your bump" in page_text(html)
    assert_speaks_plainly(html)


def test_a_patient_without_conditions_reads_only_the_advice_for_everyone(
    patient_client, shipped_program
):
    html = patient_pages(patient_client, shipped_program)["today"]
    assert "Take care:" not in html
    assert "Doing it safely:" in html
    assert "Stop if pain spreads into your buttock or leg." in html
    assert_speaks_plainly(html)


def test_plan_api_carries_only_the_patients_own_tips(patient, patient_api, shipped_program):
    patient.conditions = [Precaution.KNEE, Precaution.SPINAL_STENOSIS]
    patient.save()
    plan = patient_api.get("/api/v1/me/plan/").json()
    items = [item for s in plan["programs"][0]["sessions"] for item in s["items"]]
    tips = {item["exercise"]["name"]: item["safety_tips"] for item in items}
    assert tips["Child's pose"] == [KNEE_TIP]
    assert tips["Partial crunch"] == []
    assert tips["Prone press-up"] == [
        "Lift only a little way, and come back down if your back or legs ache, tingle or feel "
        "heavy."
    ]
    body = json.dumps(plan)
    assert not NOT_FOR.search(body)
    assert "pregnan" not in body.lower()
    for label in LABELS:
        assert label not in body, label


# --- Starter templates ------------------------------------------------------------------------


@pytest.fixture
def starter_templates(db):
    call_command("load_catalogue", stdout=StringIO())
    call_command("load_templates", stdout=StringIO())
    return ProgramTemplate.objects.filter(owner=None).with_items()


def test_no_starter_template_promises_that_it_never_hurts(starter_templates):
    for template in starter_templates:
        assert "never hurt" not in template.description.lower(), template.slug


def test_each_starter_template_says_who_it_is_for(therapist_client, starter_templates):
    html = therapist_client.get(reverse("clinic:template_list")).content.decode()
    for template in starter_templates:
        assert template.audience, template.slug
        assert template.audience in html


def test_the_walking_program_walks_for_a_time_at_an_easy_pace(starter_templates):
    walking = starter_templates.get(slug="walking-program")
    [item] = walking.items.all()
    assert item.exercise.slug == "walking"
    assert (item.reps, item.duration_seconds) == (None, 600)
    assert "talk" in walking.description
