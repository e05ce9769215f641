"""Writes that touch several models on the program side. Keyword-only, typed, atomic."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from patients.models import Patient
from prescriptions.models import Prescription, PrescriptionItem, ProgramTemplate


@transaction.atomic
def start_program_from_template(
    *,
    patient: Patient,
    template: ProgramTemplate,
    therapist: AbstractBaseUser,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    title: str = "",
) -> Prescription:
    """A new active program for the patient, copying the template's schedule and items."""
    prescription = Prescription.objects.create(
        patient=patient,
        prescribed_by=therapist,
        title=title or template.name,
        goal=template.description,
        start_date=start_date,
        end_date=end_date,
        days_of_week=list(template.days_of_week),
        times_per_day=template.times_per_day,
        template=template,
    )
    PrescriptionItem.objects.bulk_create(
        PrescriptionItem(
            prescription=prescription,
            exercise=item.exercise,
            position=index,
            sets=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            duration_seconds=item.duration_seconds,
            rest_seconds=item.rest_seconds,
            side=item.side,
            load=item.load,
            instructions=item.instructions,
        )
        for index, item in enumerate(template.items.all())
    )
    return prescription
