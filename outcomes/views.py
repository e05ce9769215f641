"""Pages for outcome measures.

The patient answers a due questionnaire one short page at a time (saved as they go, so an
interrupted one resumes), reviews and sends it. The therapist starts an episode of care with
the measures they choose, asks the discharge questionnaires, discharges with a note and reads
the discharge summary.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.http import AuthenticatedHttpRequest
from outcomes.definitions import Measure
from outcomes.forms import DischargeForm, EpisodeStartForm, PageForm
from outcomes.models import Episode, MeasureDefinition, MeasureResponse
from outcomes.scoring import missing
from outcomes.services import (
    ask_discharge_measures,
    begin_response,
    discharge,
    open_episode,
    save_page,
    start_episode,
    submit,
    waiting_for,
)
from outcomes.summary import discharge_summary
from patients.models import Patient
from patients.roles import patient_on_caseload, patient_required, therapist_required

GET_AND_POST = require_http_methods(["GET", "POST"])


# --- The patient answers ----------------------------------------------------------------------


def _own_response(request: AuthenticatedHttpRequest, pk: int) -> MeasureResponse:
    return get_object_or_404(
        MeasureResponse.objects.select_related("measure", "episode"),
        pk=pk,
        episode__patient__user=request.user,
    )


@never_cache
@require_POST
@patient_required
def questionnaire_start(
    request: AuthenticatedHttpRequest, code: str, due_on: datetime.date
) -> HttpResponse:
    """Begin (or resume) a due questionnaire: on to the first page not yet answered."""
    patient: Patient = request.user.patient
    episode = open_episode(patient)
    waiting = waiting_for(patient, patient.local_today()) if episode else []
    due = next((d for d in waiting if d.measure.code == code and d.due_on == due_on), None)
    if episode is None or due is None:
        messages.info(request, _("This questionnaire is not waiting for you any more."))
        return redirect("patients:today")
    response = begin_response(due=due, episode=episode, language=translation.get_language())
    return redirect(_resume_url(response))


def _resume_url(response: MeasureResponse) -> str:
    measure = response.measure.measure
    for number, page in enumerate(measure.pages, start=1):
        if not any(item.id in response.answers for item in page.items):
            return reverse("outcomes:page", args=[response.pk, number])
    return reverse("outcomes:review", args=[response.pk])


def _page_context(response: MeasureResponse, measure: Measure, number: int) -> dict[str, object]:
    language = response.language
    return {
        "response": response,
        "measure": measure,
        "language": language,
        "in_original_only": language != translation.get_language(),
        "number": number,
        "pages": len(measure.pages),
        "percent": round(100 * (number - 1) / len(measure.pages)),
        "title": measure.text("short_title", language),
        "intro": measure.text("intro", language),
        "licence": measure.text("licence", language),
    }


@never_cache
@GET_AND_POST
@patient_required
def questionnaire_page(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    response = _own_response(request, pk)
    measure = response.measure.measure
    if not 1 <= number <= len(measure.pages):
        raise Http404("No such page.")
    if not response.can_edit:
        return redirect("outcomes:review", pk=response.pk)
    page = measure.pages[number - 1]
    form = PageForm(
        request.POST or None, page=page, language=response.language, answers=response.answers
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_page(response=response, answers=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.POST.get("action") == "back" and number > 1:
                return redirect("outcomes:page", pk=response.pk, number=number - 1)
            if request.POST.get("action") == "finish" or number == len(measure.pages):
                return redirect("outcomes:review", pk=response.pk)
            return redirect("outcomes:page", pk=response.pk, number=number + 1)
    context = _page_context(response, measure, number)
    # Optional pages (a second activity, and more) may be left: on to the review.
    context.update(form=form, can_finish=not any(item.required for item in page.items))
    return render(request, "outcomes/page.html", context)


@never_cache
@GET_AND_POST
@patient_required
def questionnaire_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    response = _own_response(request, pk)
    measure = response.measure.measure
    if request.method == "POST" and response.can_edit:
        try:
            submit(response=response)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. Your answers are sent to your therapist."))
            return redirect("patients:today")
    context = _page_context(response, measure, len(measure.pages) + 1)
    context.update(
        answers=_answer_lines(measure, response),
        still_missing=[item.id for item in missing(measure, response.answers)],
        percent=100,
    )
    return render(request, "outcomes/review.html", context)


def _answer_lines(measure: Measure, response: MeasureResponse) -> list[dict[str, object]]:
    from outcomes.definitions import pick

    lines = []
    for number, page in enumerate(measure.pages, start=1):
        for item in page.items:
            value = response.answers.get(item.id)
            if item.type == "choice" and value is not None:
                option = item.option(str(value))
                value = pick(option.label, response.language) if option else value
            lines.append(
                {"label": pick(item.label, response.language), "value": value, "page": number}
            )
    return lines


# --- The therapist schedules, discharges and reads -------------------------------------------


@GET_AND_POST
@therapist_required
def episode_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = patient_on_caseload(request, pk)
    if patient.archived_at is not None:
        raise Http404("An archived patient's record is read only.")
    back = reverse("monitoring:patient_progress", args=[patient.pk])
    if open_episode(patient) is not None:
        messages.info(request, _("An episode of care is already open for this patient."))
        return redirect(back)
    measures = list(MeasureDefinition.objects.filter(is_active=True))
    today = patient.local_today()
    form = EpisodeStartForm(request.POST or None, measures=measures, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            start_episode(
                patient=patient,
                started_by=request.user,
                started_on=form.cleaned_data["started_on"],
                choices=form.choices(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The episode of care has started."))
            return redirect(back)
    return render(
        request,
        "outcomes/episode_start.html",
        {"patient": patient, "form": form, "back": back},
    )


def _open_episode_of(request: AuthenticatedHttpRequest, pk: int) -> Episode:
    patient = patient_on_caseload(request, pk)
    return get_object_or_404(
        Episode.objects.open().select_related("patient__user"),
        patient=patient,
        patient__archived_at__isnull=True,
    )


@require_POST
@therapist_required
def episode_ask_discharge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    episode = _open_episode_of(request, pk)
    ask_discharge_measures(episode=episode, today=episode.patient.local_today())
    messages.success(
        request, _("The discharge questionnaires are waiting on the patient's Today page.")
    )
    return redirect("outcomes:discharge", pk=episode.patient.pk)


@GET_AND_POST
@therapist_required
def episode_discharge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    episode = _open_episode_of(request, pk)
    patient = episode.patient
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discharge(
                episode=episode,
                ended_by=request.user,
                ended_on=patient.local_today(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Discharged. The summary is ready to print."))
            return redirect("outcomes:summary", pk=patient.pk, episode_id=episode.pk)
    summary = discharge_summary(episode, today=patient.local_today())
    return render(
        request,
        "outcomes/discharge.html",
        {"patient": patient, "episode": episode, "form": form, "summary": summary},
    )


@require_http_methods(["GET"])
@therapist_required
def episode_summary(request: AuthenticatedHttpRequest, pk: int, episode_id: int) -> HttpResponse:
    patient = patient_on_caseload(request, pk)
    episode = get_object_or_404(
        Episode.objects.select_related("patient__user", "started_by", "ended_by"),
        pk=episode_id,
        patient=patient,
    )
    summary = discharge_summary(episode, today=patient.local_today())
    context = {"patient": patient, "episode": episode, "summary": summary}
    if request.GET.get("format") == "pdf":
        from outcomes.pdf import summary_pdf

        return summary_pdf(request, context)
    return render(request, "outcomes/summary.html", context)
