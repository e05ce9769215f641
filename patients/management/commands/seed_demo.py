from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from patients.models import INTAKE_QUESTIONS, Patient
from patients.roles import make_therapist
from patients.services import PatientDetails, create_patient, record_intake_screen
from prescriptions.models import ProgramTemplate, TherapistProfile
from prescriptions.services import save_therapist_settings, start_program_from_template

DEMO_TEMPLATE = "gentle-low-back-stretches"
DEMO_CLINIC_PHONE = "+1 555 0100"
# The demo patient's intake red-flag screen: no red flag, so their program can start.
NO_RED_FLAGS = dict.fromkeys(INTAKE_QUESTIONS, False)
DEMO_ACCOUNTS = {
    "admin": "rehabit-admin",
    "therapist": "rehabit-therapist",
    "patient": "rehabit-patient",
}


class Command(BaseCommand):
    help = "Create demo accounts (admin, therapist, patient with a program). Debug mode only."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG=1: demo passwords are public."
            )
        with transaction.atomic():
            self._seed()
        self.stdout.write(self.style.SUCCESS("Demo accounts (username / password):"))
        for username, password in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<10} {password}")

    def _seed(self) -> None:
        users = get_user_model()._default_manager
        admin, _ = users.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        therapist, _ = users.get_or_create(
            username="therapist",
            defaults={"first_name": "Tess", "last_name": "Morgan", "email": "tess@example.org"},
        )
        make_therapist(therapist)
        if not TherapistProfile.objects.filter(user=therapist).exists():
            save_therapist_settings(therapist=therapist, clinic_phone=DEMO_CLINIC_PHONE)
        for user in (admin, therapist):
            user.set_password(DEMO_ACCOUNTS[user.get_username()])
            user.save()

        patient = Patient.objects.filter(user__username="patient").first()
        if patient is None:
            patient = create_patient(
                therapist=therapist,
                username="patient",
                details=PatientDetails(
                    first_name="Pat",
                    last_name="Lee",
                    email="pat@example.org",
                    timezone_name=settings.TIME_ZONE,
                    conditions=["knee"],
                    clinic_phone=DEMO_CLINIC_PHONE,
                    intake=NO_RED_FLAGS,
                ),
            )
        if not patient.is_screened:
            record_intake_screen(patient=patient, intake=NO_RED_FLAGS, by=therapist)
        patient.user.set_password(DEMO_ACCOUNTS["patient"])
        patient.user.save()

        if not patient.prescriptions.exists():
            template = ProgramTemplate.objects.filter(slug=DEMO_TEMPLATE, owner=None).first()
            if template is None:
                raise CommandError("Load the starter templates first: manage.py load_templates")
            start_program_from_template(
                patient=patient,
                template=template,
                therapist=therapist,
                start_date=patient.local_today(),
                # The demo therapist has checked the exercises against the demo patient's knee.
                precautions_acknowledged=True,
            )
