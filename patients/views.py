"""The patient's app: getting in, today's plan."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from patients.forms import ChoosePasswordForm
from patients.roles import patient_required
from patients.services import InvitationUnusable, accept_invitation, find_invitation
from prescriptions.models import Prescription
from prescriptions.schedule import plan_for_day


@patient_required
def today(request: HttpRequest) -> HttpResponse:
    patient = request.user.patient
    day = patient.local_today()
    prescriptions = list(Prescription.objects.filter(patient=patient).active_on(day).with_items())
    plan = plan_for_day(prescriptions, day)
    return render(request, "patients/today.html", {"patient": patient, "day": day, "plan": plan})


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Open a therapist's invitation link: choose a password, land on today's plan."""
    try:
        invitation = find_invitation(token)
    except InvitationUnusable as problem:
        return render(
            request, "patients/invitation_unusable.html", {"reason": problem.reason}, status=410
        )
    user = invitation.patient.user
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["new_password1"])
        except InvitationUnusable as problem:
            return render(
                request, "patients/invitation_unusable.html", {"reason": problem.reason}, status=410
            )
        login(request, user, backend="patients.backends.UsernameOrEmailBackend")
        return redirect("patients:today")
    return render(
        request, "patients/invitation_accept.html", {"form": form, "patient": invitation.patient}
    )
