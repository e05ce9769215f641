"""Today in the patient's language; catalogue text that is not in it says which language it is."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ExerciseFactory, PrescriptionItemFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_a_german_reader_sees_today_in_german(patient, patient_client, bridge):
    patient.language = "de"
    patient.save()
    text = page_text(patient_client.get(reverse("patients:today")).content.decode())
    assert "Heute" in text
    assert "Als erledigt markieren" in text
    assert "Mark as done" not in text


def test_an_exercise_written_in_spanish_is_marked_as_spanish_on_a_german_page(
    patient, patient_client, program, therapist
):
    with translation.override("es"):
        own = ExerciseFactory(owner=therapist, name="Puente de glúteos", language="es")
    PrescriptionItemFactory(prescription=program, exercise=own)
    patient.language = "de"
    patient.save()
    html = patient_client.get(reverse("patients:today")).content.decode()
    assert '<h3 class="item-name" lang="es">Puente de glúteos</h3>' in html
