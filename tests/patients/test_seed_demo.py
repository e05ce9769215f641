from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from patients.models import Patient
from patients.roles import is_therapist
from prescriptions.schedule import plan_for_day

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    for command in ("load_catalogue", "load_templates", "seed_demo"):
        call_command(command, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_demo_accounts_get_a_program_for_today_and_their_logins_are_printed(client):
    output = seed()
    assert "therapist" in output
    assert "rehabit-patient" in output
    patient = Patient.objects.get(user__username="patient")
    assert is_therapist(patient.care_team.get())
    program = patient.prescriptions.get()
    assert plan_for_day([program], patient.local_today())
    assert client.login(username="patient", password="rehabit-patient")
    # A clinic phone for the stop screens, and an intake screen with no red flag.
    assert patient.clinic_phone
    assert patient.is_screened
    assert not patient.intake_positives()
    assert patient.care_team.get().therapist_profile.clinic_phone == patient.clinic_phone


@override_settings(DEBUG=True)
def test_seeding_twice_creates_nothing_new():
    seed()
    seed()
    assert Patient.objects.count() == 1
    assert Patient.objects.get().prescriptions.count() == 1


def test_demo_accounts_are_refused_outside_debug_mode():
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
