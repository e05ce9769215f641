"""The patient's app: today's plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from patients.roles import patient_required
from prescriptions.models import Prescription
from prescriptions.schedule import plan_for_day


@patient_required
def today(request: HttpRequest) -> HttpResponse:
    patient = request.user.patient
    day = patient.local_today()
    prescriptions = list(Prescription.objects.filter(patient=patient).active_on(day).with_items())
    plan = plan_for_day(prescriptions, day)
    return render(request, "patients/today.html", {"patient": patient, "day": day, "plan": plan})
