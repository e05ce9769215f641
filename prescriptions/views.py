"""The therapist's workspace."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from patients.models import Patient
from patients.roles import therapist_required
from prescriptions.models import Prescription


@therapist_required
def caseload(request: HttpRequest) -> HttpResponse:
    """The therapist's patients, each with their active program."""
    query = request.GET.get("q", "").strip()
    patients = (
        Patient.objects.for_therapist(request.user)
        .current()
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.active(),
                to_attr="active_programs",
            )
        )
    )
    if query:
        patients = patients.filter(
            Q(user__first_name__icontains=query) | Q(user__last_name__icontains=query)
        )
    return render(request, "prescriptions/caseload.html", {"patients": patients, "query": query})
