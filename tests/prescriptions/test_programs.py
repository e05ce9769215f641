"""A program's page and what a therapist does with it: pause, resume, end, duplicate, save as
template, start from a template, print the handout."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from exercises.models import Precaution
from patients.models import Invitation, hash_token
from prescriptions.models import Prescription, ProgramTemplate, Status
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import read_form

pytestmark = pytest.mark.django_db


def url(name: str, program: Prescription) -> str:
    return reverse(name, args=[program.pk])


def test_program_page_shows_items_warnings_and_retired_history(therapist_client, therapist):
    patient = PatientFactory(therapist=therapist, conditions=[Precaution.KNEE])
    program = PrescriptionFactory(patient=patient)
    wall_sit = ExerciseFactory(name="Wall sit", precaution_tags=[Precaution.KNEE])
    PrescriptionItemFactory(prescription=program, exercise=wall_sit, reps=8, sets=3)
    PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(name="Old stretch"),
        removed_on=datetime.date(2026, 2, 1),
    )
    html = therapist_client.get(url("clinic:program_detail", program)).content.decode()
    assert "3 sets of 8 repetitions, hold 5 seconds" in html
    assert "Knee problems." in html
    assert "Old stretch" in html
    assert "taken out on 1 Feb 2026" in html


def test_pause_and_resume(therapist_client, prescription):
    response = therapist_client.post(
        url("clinic:program_status", prescription), {"status": "paused"}
    )
    assert response.status_code == 302
    prescription.refresh_from_db()
    assert prescription.status == Status.PAUSED
    page = therapist_client.get(response["Location"]).content.decode()
    assert "Paused." in page
    assert 'value="active"' in page  # the Resume button

    therapist_client.post(url("clinic:program_status", prescription), {"status": "active"})
    prescription.refresh_from_db()
    assert prescription.status == Status.ACTIVE


def test_ending_asks_first_and_keeps_history(therapist_client, prescription):
    item = PrescriptionItemFactory(prescription=prescription)
    CompletionFactory(item=item)
    confirm = therapist_client.get(url("clinic:program_end", prescription)).content.decode()
    assert "cannot be resumed" in confirm
    prescription.refresh_from_db()
    assert prescription.status == Status.ACTIVE

    therapist_client.post(url("clinic:program_status", prescription), {"status": "ended"})
    prescription.refresh_from_db()
    assert prescription.status == Status.ENDED
    assert prescription.end_date == prescription.patient.local_today()
    assert item.completions.count() == 1


def test_an_ended_program_cannot_be_resumed(therapist_client, prescription):
    prescription.status = Status.ENDED
    prescription.save()
    response = therapist_client.post(
        url("clinic:program_status", prescription), {"status": "active"}, follow=True
    )
    assert "This program is ended, so it cannot be resumed." in response.content.decode()
    prescription.refresh_from_db()
    assert prescription.status == Status.ENDED


def test_status_changes_only_by_post(therapist_client, prescription):
    assert therapist_client.get(url("clinic:program_status", prescription)).status_code == 405


def test_duplicate_for_another_patient_opens_the_copy_in_the_builder(
    therapist_client, therapist, prescription
):
    PrescriptionItemFactory(prescription=prescription)
    other = PatientFactory(therapist=therapist)
    page = therapist_client.get(url("clinic:program_duplicate", prescription))
    form = read_form(page, "duplicate-form")
    assert form.value("patient") == str(prescription.patient.pk)
    form.set("patient", other.pk)
    form.set("title", "Copy for Sam")
    response = therapist_client.post(url("clinic:program_duplicate", prescription), form.data())
    copy = Prescription.objects.get(patient=other)
    assert response["Location"] == url("clinic:program_edit", copy)
    assert copy.title == "Copy for Sam"
    assert copy.items.count() == 1


def test_duplicate_offers_only_my_patients(therapist_client, prescription, other_patient):
    form = read_form(
        therapist_client.get(url("clinic:program_duplicate", prescription)), "duplicate-form"
    )
    assert str(other_patient.pk) not in form.options["patient"]
    data = form.data()
    data["patient"] = [str(other_patient.pk)]
    response = therapist_client.post(url("clinic:program_duplicate", prescription), data)
    assert response.status_code == 200
    assert not Prescription.objects.filter(patient=other_patient).exists()


def test_duplicate_can_end_the_original(therapist_client, prescription):
    form = read_form(
        therapist_client.get(url("clinic:program_duplicate", prescription)), "duplicate-form"
    )
    form.set("end_original", "on")
    form.set("title", "Phase 2")
    therapist_client.post(url("clinic:program_duplicate", prescription), form.data())
    prescription.refresh_from_db()
    assert prescription.status == Status.ENDED
    assert Prescription.objects.get(title="Phase 2").status == Status.ACTIVE


def test_save_program_as_my_template(therapist_client, therapist, prescription):
    PrescriptionItemFactory(prescription=prescription, reps=9)
    page = therapist_client.get(url("clinic:program_save_as_template", prescription))
    form = read_form(page, "template-form")
    form.set("name", "My low back basics")
    response = therapist_client.post(
        url("clinic:program_save_as_template", prescription), form.data()
    )
    template = ProgramTemplate.objects.get(name="My low back basics")
    assert template.owner == therapist
    assert response["Location"] == reverse("clinic:template_detail", args=[template.pk])
    assert [i.reps for i in template.items.all()] == [9]


# --- The printable handout ------------------------------------------------------------------


def handout_program(therapist, *, has_password: bool) -> Prescription:
    patient = PatientFactory(therapist=therapist, clinic_phone="+1 555 0100")
    if not has_password:
        patient.user.set_unusable_password()
        patient.user.save()
    program = PrescriptionFactory(patient=patient, pain_threshold=4, times_per_day=2)
    exercise = ExerciseFactory(
        name="Bridge",
        precautions="Keep your back straight.",
        steps=["Lie on your back.", "Lift your hips."],
    )
    PrescriptionItemFactory(
        prescription=program, exercise=exercise, sets=2, reps=10, hold_seconds=5, load="Band"
    )
    PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(name="Retired one"),
        removed_on=datetime.date(2026, 1, 5),
    )
    return program


def test_handout_holds_exercises_steps_dose_schedule_and_safety(therapist_client, therapist):
    program = handout_program(therapist, has_password=True)
    html = therapist_client.get(url("clinic:program_handout", program)).content.decode()
    assert "Bridge" in html
    assert "Retired one" not in html
    assert "Lie on your back." in html
    assert "Lift your hips." in html
    assert "2 sets of 10 repetitions, hold 5 seconds" in html
    assert "Band" in html
    assert "Twice a day, every day" in html
    assert "If your pain goes above 4 out of 10" in html
    assert "numbness, tingling, weakness" in html
    assert "lasts longer than 15 minutes" in html
    assert "Call your clinic: +1 555 0100" in html
    assert "Keep your back straight." in html
    assert "css/print.css" in html
    assert 'media="print"' in html


def test_handout_shows_the_login_link_when_the_patient_has_a_password(
    therapist_client, therapist, settings
):
    settings.SITE_URL = "https://clinic.example.org"
    program = handout_program(therapist, has_password=True)
    html = therapist_client.get(url("clinic:program_handout", program)).content.decode()
    assert "https://clinic.example.org/login/" in html
    assert program.patient.user.username in html
    assert 'class="qr-code"' in html
    assert "new invitation link" not in html
    assert not Invitation.objects.exists()


def test_handout_offers_a_new_invitation_when_the_patient_has_no_password(
    therapist_client, therapist, settings
):
    settings.SITE_URL = "https://clinic.example.org"
    program = handout_program(therapist, has_password=False)
    page = therapist_client.get(url("clinic:program_handout", program)).content.decode()
    assert "Print handout with a new invitation link" in page
    assert "withdraws any earlier unused link" in page
    assert "clinic.example.org/invite/" not in page
    assert not Invitation.objects.exists()

    html = therapist_client.post(url("clinic:program_handout", program)).content.decode()
    invitation = Invitation.objects.get(patient=program.patient)
    prefix = "https://clinic.example.org/invite/"
    start = html.index(prefix) + len(prefix)
    token = html[start : html.index("/", start)]
    assert hash_token(token) == invitation.token_hash
    assert 'class="qr-code"' in html
    assert "Earlier unused links no longer work" in html
    assert "Bridge" in html


def test_a_second_handout_withdraws_the_first_invitation(therapist_client, therapist):
    program = handout_program(therapist, has_password=False)
    therapist_client.post(url("clinic:program_handout", program))
    first = Invitation.objects.get()
    page = therapist_client.get(url("clinic:program_handout", program)).content.decode()
    assert "withdraws the earlier one" in page
    therapist_client.post(url("clinic:program_handout", program))
    assert not Invitation.objects.filter(pk=first.pk).exists()
    assert Invitation.objects.count() == 1
