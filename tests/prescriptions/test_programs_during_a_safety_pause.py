"""While a patient's safety pause is open nothing of theirs is due: a program started meanwhile
waits in the pause, and no program is resumed except by ending the pause (DESIGN §5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import SafetyPause
from patients.services import submit_pain_report
from prescriptions.models import Prescription, Status
from prescriptions.services import start_program_from_template
from tests.factories import ExerciseFactory, ProgramTemplateFactory, ProgramTemplateItemFactory
from tests.helpers import page_text, read_form, report_form_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/prescriptions/"


@pytest.fixture
def paused(patient, program, today) -> SafetyPause:
    """A stop answer (pain 8) paused the patient's program."""
    submit_pain_report(patient=patient, day=today, session=1, pain=8, pain_lasting="no")
    return SafetyPause.objects.open().get(patient=patient)


def today_text(client) -> str:
    return page_text(client.get(reverse("patients:today")).content.decode())


def new_program(patient, exercise) -> dict:
    return {
        "patient": patient.pk,
        "title": "A new start",
        "start_date": patient.local_today().isoformat(),
        "days_of_week": [0, 1, 2, 3, 4, 5, 6],
        "times_per_day": 1,
        "items": [{"exercise": exercise.pk}],
    }


def test_a_program_made_during_the_pause_waits_in_it_and_starts_when_the_pause_ends(
    patient, paused, therapist, therapist_api, therapist_client, patient_client
):
    response = therapist_api.post(URL, new_program(patient, ExerciseFactory()), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "paused"
    made = Prescription.objects.get(pk=response.json()["id"])
    assert made in paused.programs.all()
    assert "A new start" not in page_text(
        patient_client.get(reverse("patients:today")).content.decode()
    )

    therapist_client.post(
        reverse("monitoring:safety_pause_end", args=[patient.pk]), {"resume": "yes", "note": ""}
    )
    made.refresh_from_db()
    assert made.status == Status.ACTIVE
    assert "A new start" in page_text(
        patient_client.get(reverse("patients:today")).content.decode()
    )


def test_the_builder_saves_a_program_during_the_pause_and_says_when_it_will_start(
    patient, paused, therapist_client
):
    exercise = ExerciseFactory(name="Bridge")
    url = reverse("clinic:program_create", args=[patient.pk])
    form = read_form(therapist_client.get(url), "builder")
    form = read_form(form.submit(therapist_client, f"add:{exercise.pk}"), "builder")
    form.set("title", "Back on track")
    response = form.submit(therapist_client, "save", follow=True)
    program = Prescription.objects.get(patient=patient, title="Back on track")
    assert program.status == Status.PAUSED
    assert "it starts when you end the safety pause on their page" in page_text(
        response.content.decode()
    )


def test_a_program_started_from_a_template_during_the_pause_waits_in_it(patient, paused, therapist):
    template = ProgramTemplateItemFactory(template=ProgramTemplateFactory()).template
    program = start_program_from_template(
        patient=patient, template=template, therapist=therapist, start_date=patient.local_today()
    )
    assert program.status == Status.PAUSED
    assert program in paused.programs.all()


def test_resuming_a_program_during_the_pause_is_refused_on_the_page_and_in_the_api(
    patient, program, paused, therapist_client, therapist_api
):
    response = therapist_client.post(
        reverse("clinic:program_status", args=[program.pk]), {"status": "active"}, follow=True
    )
    assert "paused for safety. End the safety pause on their page" in page_text(
        response.content.decode()
    )
    api = therapist_api.patch(f"{URL}{program.pk}/", {"status": "active"}, format="json")
    assert api.status_code == 400
    assert "End the safety pause" in api.json()["status"][0]
    program.refresh_from_db()
    assert program.status == Status.PAUSED


def test_after_the_pause_ends_without_resuming_the_therapist_can_resume_by_hand(
    patient, program, paused, therapist, therapist_client
):
    therapist_client.post(
        reverse("monitoring:safety_pause_end", args=[patient.pk]), {"resume": "no", "note": ""}
    )
    therapist_client.post(reverse("clinic:program_status", args=[program.pk]), {"status": "active"})
    program.refresh_from_db()
    assert program.status == Status.ACTIVE


def test_the_pause_and_its_end_are_in_the_audit_trail_and_the_program_history(
    patient, program, therapist, patient_client, therapist_client, today
):
    patient_client.post(
        reverse("patients:report"),
        {"date": today.isoformat(), "session": 1, **report_form_data(pain=8)},
    )
    therapist_client.post(
        reverse("monitoring:safety_pause_end", args=[patient.pk]),
        {"resume": "no", "note": "Seen today: change the program first."},
    )
    trail = page_text(
        therapist_client.get(reverse("clinic:patient_audit", args=[patient.pk])).content.decode()
    )
    assert "Created the safety pause" in trail
    assert "Changed the safety pause" in trail
    assert "Ended at: — →" in trail
    assert "End note: — → Seen today: change the program first." in trail
    assert "Entries:" not in trail  # the alert's bookkeeping stays out of the trail
    history = page_text(
        therapist_client.get(
            reverse("monitoring:patient_progress", args=[patient.pk])
        ).content.decode()
    )
    assert "the safety pause" in history
    assert "Seen today: change the program first." in history
