"""Watching patients between visits: the dashboard, a patient's progress, alerts,
progression suggestions and the CSV export.

Every lookup is scoped to the therapist's care team; anything else answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.http import AuthenticatedHttpRequest, id_param, next_url
from monitoring.dashboard import load_dashboard, render_cells
from monitoring.export import csv_lines, filename
from monitoring.forms import AcknowledgeForm
from monitoring.progress import load_progress
from monitoring.services import acknowledge_alert, apply_suggestion, dismiss_suggestion
from patients.forms import EndSafetyPauseForm
from patients.models import PATIENTS_PER_PAGE, Alert, SafetyPause
from patients.roles import patient_on_caseload, therapist_required
from patients.services import end_safety_pause
from prescriptions.audit import record_access
from prescriptions.models import ProgressionSuggestion


@require_GET
@therapist_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The caseload ordered by need: urgent alerts, other alerts, then the lowest adherence."""
    board = load_dashboard(request.user)
    page = Paginator(board.rows, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    render_cells(page)
    return render(
        request,
        "monitoring/dashboard.html",
        {"board": board, "page": page, "acknowledge_form": AcknowledgeForm()},
    )


@require_GET
@therapist_required
def patient_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How the patient is doing on a program: pain, adherence, notes, changes, suggestions."""
    patient = patient_on_caseload(request, pk)
    chosen = request.GET.get("program", "")
    progress = load_progress(patient, program_id=id_param(chosen))
    record_access(patient)
    return render(
        request,
        "monitoring/patient_progress.html",
        {
            "patient": patient,
            "progress": progress,
            "program": progress.program,
            "acknowledge_form": AcknowledgeForm(),
            "weekdays": [(WEEKDAYS[day], WEEKDAYS_ABBR[day]) for day in range(7)],
        },
    )


@require_POST
@therapist_required
def alert_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.for_user(request.user).select_related("patient__user"), pk=pk
    )
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        was_open = alert.is_open
        acknowledge_alert(alert=alert, by=request.user, note=form.cleaned_data["note"])
        if was_open:
            messages.success(
                request,
                _("Acknowledged: %(kind)s for %(name)s.")
                % {"kind": alert.get_kind_display().lower(), "name": alert.patient.display_name},
            )
        else:
            messages.info(request, _("This alert was already acknowledged."))
    else:
        errors = form.errors.get("note", [_("Check the note.")])
        messages.error(request, " ".join(str(message) for message in errors))
    return redirect(next_url(request, reverse("monitoring:dashboard")))


def _suggestion(request: AuthenticatedHttpRequest, pk: int) -> ProgressionSuggestion:
    return get_object_or_404(
        ProgressionSuggestion.objects.for_user(request.user).select_related(
            "item__exercise", "prescription__patient__user"
        ),
        pk=pk,
    )


@require_POST
@therapist_required
def suggestion_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(request, pk)
    default = reverse("monitoring:patient_progress", args=[suggestion.prescription.patient_id])
    try:
        apply_suggestion(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Applied: %(exercise)s, %(change)s. %(name)s sees it from now on.")
            % {
                "exercise": suggestion.item.exercise.name,
                "change": suggestion.change_in_words,
                "name": suggestion.prescription.patient.display_name,
            },
        )
    return redirect(next_url(request, default))


@require_POST
@therapist_required
def suggestion_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(request, pk)
    default = reverse("monitoring:patient_progress", args=[suggestion.prescription.patient_id])
    try:
        dismiss_suggestion(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Dismissed. %(exercise)s keeps its dose.")
            % {"exercise": suggestion.item.exercise.name},
        )
    return redirect(next_url(request, default))


@require_GET
@therapist_required
def patient_export(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    """The patient's completions and pain reports as a CSV download, streamed."""
    patient = patient_on_caseload(request, pk)
    record_access(patient)
    response = StreamingHttpResponse(csv_lines(patient), content_type="text/csv; charset=utf-8")
    name = filename(patient, patient.local_today())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@therapist_required
def safety_pause_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End the patient's safety pause: resume their programs, or keep them paused to edit."""
    patient = patient_on_caseload(request, pk)
    pause = SafetyPause.objects.open().filter(patient=patient).first()
    default = reverse("clinic:patient_detail", args=[patient.pk])
    if pause is None:
        messages.info(request, _("There is no safety pause to end."))
        return redirect(next_url(request, default))
    form = EndSafetyPauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(next_url(request, default))
    resume = form.cleaned_data["resume"]
    end_safety_pause(pause=pause, by=request.user, resume=resume, note=form.cleaned_data["note"])
    if resume:
        messages.success(
            request,
            _("The safety pause is over: %(name)s can exercise again.")
            % {"name": patient.display_name},
        )
    else:
        messages.success(
            request,
            _("The safety pause is over. %(name)s's programs stay paused until you resume them.")
            % {"name": patient.display_name},
        )
    return redirect(next_url(request, default))
