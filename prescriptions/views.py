"""The therapist's workspace: caseload, patients, programs, templates and own exercises.

Every lookup is scoped to what the therapist may see; anything else answers 404.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from config.http import AuthenticatedHttpRequest, id_param
from config.languages import STAFF_LANGUAGE_KEY
from exercises.models import Exercise
from monitoring.alerts import pause_reasons
from patients.forms import ArchiveForm, EndSafetyPauseForm, MedicalClearanceForm, PatientForm
from patients.models import PATIENTS_PER_PAGE, Alert, AlertKind, Patient, SafetyPause
from patients.roles import patient_on_caseload, therapist_required
from patients.services import (
    archive_patient,
    create_invitation,
    create_patient,
    record_medical_clearance,
    restore_patient,
    update_patient,
)
from prescriptions.audit import describe_all, patient_trail, record_access
from prescriptions.builder import (
    PREFIX,
    Action,
    Builder,
    Workbench,
    preview_dose,
    rows_from_items,
)
from prescriptions.forms import (
    CatalogueSearchForm,
    DuplicateForm,
    ExerciseForm,
    MediaForm,
    ProgramForm,
    SaveAsTemplateForm,
    StatusForm,
    TemplateForm,
    TherapistSettingsForm,
    UseTemplateForm,
)
from prescriptions.handout import contact_line, invitation_access, login_access, safety_points
from prescriptions.models import (
    ALL_DAYS,
    Media,
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    Status,
    TherapistProfile,
)
from prescriptions.services import (
    ItemSpec,
    attach_media,
    delete_private_exercise,
    delete_template,
    duplicate_program,
    exercise_uses,
    remove_media,
    save_as_template,
    save_private_exercise,
    save_program,
    save_template,
    save_therapist_settings,
    set_status,
)

EXERCISES_PER_PAGE = 30
TRAIL_PER_PAGE = 50
GET_AND_POST = require_http_methods(["GET", "POST"])


# --- Lookups: always scoped to the therapist ------------------------------------------------


def _program(request: AuthenticatedHttpRequest, pk: int) -> Prescription:
    return get_object_or_404(
        Prescription.objects.for_user(request.user).select_related(
            "patient__user", "prescribed_by", "template"
        ),
        pk=pk,
    )


def _own_template(request: AuthenticatedHttpRequest, pk: int) -> ProgramTemplate:
    return get_object_or_404(ProgramTemplate.objects.filter(owner=request.user).with_items(), pk=pk)


def _own_exercise(request: AuthenticatedHttpRequest, pk: int) -> Exercise:
    return get_object_or_404(Exercise.objects.filter(owner=request.user).with_details(), pk=pk)


def _current_items(program: Prescription) -> list[PrescriptionItem]:
    return list(
        program.items.filter(removed_on__isnull=True)
        .select_related("exercise")
        .order_by("position", "pk")
    )


def _raw_initial(form: forms.BaseForm) -> dict[str, Any]:
    """A bound form's values as typed, to show them again without error messages."""
    return {name: form[name].value() for name in form.fields}


def _validation_messages(error: ValidationError) -> ValidationError:
    return ValidationError(error.messages)


# --- Caseload and patients ------------------------------------------------------------------


@require_GET
@therapist_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The therapist's current patients, each with their active programs; search by name."""
    # A NUL byte can match no name, and PostgreSQL refuses it in a query.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    patients = (
        Patient.objects.for_therapist(request.user)
        .current()
        .annotate(safety_pause_since=SafetyPause.objects.open_since())
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.active().order_by("start_date", "pk"),
                to_attr="active_programs",
            )
        )
    )
    for term in query.split():
        patients = patients.filter(
            Q(user__first_name__icontains=term) | Q(user__last_name__icontains=term)
        )
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "prescriptions/caseload.html",
        {"page": page, "patients": page, "query": query, "today": timezone.localdate()},
    )


@GET_AND_POST
@therapist_required
def patient_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {
        "timezone": settings.TIME_ZONE,
        "clinic_phone": TherapistProfile.default_phone_for(request.user),
    }
    form = PatientForm(request.POST or None, initial=initial, therapist=request.user)
    if request.method == "POST" and form.is_valid():
        patient = create_patient(therapist=request.user, details=form.details())
        messages.success(
            request,
            _(
                "%(name)s is on your caseload. Next: give them their invitation link and build "
                "their first program."
            )
            % {"name": patient.display_name},
        )
        _warn_of_red_flags(request, patient)
        return redirect("clinic:patient_detail", pk=patient.pk)
    return render(request, "prescriptions/patient_form.html", {"form": form, "patient": None})


@GET_AND_POST
@therapist_required
def patient_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = patient_on_caseload(request, pk)
    form = PatientForm(
        request.POST or None, patient=patient, initial=PatientForm.initial_for(patient)
    )
    if request.method == "POST" and form.is_valid():
        update_patient(patient=patient, details=form.details(), by=request.user)
        messages.success(
            request, _("%(name)s's details are saved.") % {"name": patient.display_name}
        )
        _warn_of_red_flags(request, patient)
        return redirect("clinic:patient_detail", pk=patient.pk)
    return render(request, "prescriptions/patient_form.html", {"form": form, "patient": patient})


def _warn_of_red_flags(request: AuthenticatedHttpRequest, patient: Patient) -> None:
    """After the intake screen: name each yes, and ask for medical clearance."""
    if patient.needs_clearance:
        messages.warning(
            request,
            _(
                "The intake screen answered yes to: %(answers)s. Confirm medical clearance, "
                "with a note, before a program can start."
            )
            % {"answers": "; ".join(str(answer) for answer in patient.intake_positives())},
        )


@GET_AND_POST
@therapist_required
def patient_clearance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm medical clearance for the red flags of the intake screen, with a note."""
    patient = patient_on_caseload(request, pk)
    if not patient.intake_positives():
        messages.info(request, _("The intake screen found no red flag: there is nothing to clear."))
        return redirect("clinic:patient_detail", pk=patient.pk)
    form = MedicalClearanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_medical_clearance(
                patient=patient, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, _validation_messages(error))
        else:
            messages.success(
                request,
                _("Medical clearance recorded. You can start %(name)s's program now.")
                % {"name": patient.display_name},
            )
            return redirect("clinic:patient_detail", pk=patient.pk)
    return render(
        request, "prescriptions/patient_clearance.html", {"patient": patient, "form": form}
    )


@require_GET
@therapist_required
def patient_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = patient_on_caseload(request, pk)
    record_access(patient)
    programs = patient.prescriptions.annotate(
        item_count=Count("items", filter=Q(items__removed_on__isnull=True)),
        status_order=Case(
            When(status=Status.ACTIVE, then=Value(0)),
            When(status=Status.PAUSED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("status_order", "-start_date", "-pk")
    safety_pause = patient.safety_pauses.open().select_related("report").first()
    return render(
        request,
        "prescriptions/patient_detail.html",
        {
            "patient": patient,
            "programs": programs,
            "has_password": patient.user.has_usable_password(),
            "pending_invitation": patient.invitations.usable().first(),
            "safety_pause": safety_pause,
            "safety_pause_reasons": _pause_reasons(safety_pause),
            "end_pause_form": EndSafetyPauseForm(),
            "clinic_wide_phone": settings.REHABIT_CLINIC_PHONE,
        },
    )


def _pause_reasons(pause: SafetyPause | None) -> str:
    """Why the pause began, in the reader's language: said again from its report's entry in
    the patient's report alert (one query, only while a pause is open)."""
    if pause is None or pause.report_id is None:
        return pause.reasons if pause is not None else ""
    alerts = Alert.objects.filter(
        patient_id=pause.patient_id, kind=AlertKind.REPORT, reports=pause.report_id
    ).only("entries")
    return pause_reasons(pause, alerts)


@GET_AND_POST
@therapist_required
def patient_invitation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET explains and offers a new link; POST creates it and shows it, this once."""
    patient = patient_on_caseload(request, pk)
    context: dict[str, Any] = {
        "patient": patient,
        "has_password": patient.user.has_usable_password(),
    }
    if request.method == "POST":
        invitation, token = create_invitation(patient=patient, created_by=request.user)
        context.update(invitation=invitation, access=invitation_access(token))
        return render(request, "prescriptions/invitation_created.html", context)
    context["pending_invitation"] = patient.invitations.usable().first()
    context["active_program"] = patient.prescriptions.active().first()
    return render(request, "prescriptions/invitation.html", context)


# --- Audit trail ---------------------------------------------------------------------------


@require_GET
@therapist_required
def patient_audit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who opened or changed the patient's record, programs, reports and alerts, and when."""
    patient = patient_on_caseload(request, pk)
    record_access(patient)
    page = Paginator(patient_trail(patient), TRAIL_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "prescriptions/patient_audit.html",
        {
            "patient": patient,
            "page": page,
            "entries": describe_all(page.object_list, patient=patient),
        },
    )


@GET_AND_POST
@therapist_required
def patient_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask, then take the patient off the caseload; everything they logged is kept."""
    patient = patient_on_caseload(request, pk)
    if patient.archived_at is not None:
        messages.info(request, _("%(name)s is already archived.") % {"name": patient.display_name})
        return redirect("clinic:patient_detail", pk=patient.pk)
    form = ArchiveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        archive_patient(patient=patient, end_programs=form.cleaned_data["end_programs"])
        messages.success(
            request,
            _(
                "%(name)s is archived. Everything they logged is kept; you find them under "
                "Archived patients and can restore them there."
            )
            % {"name": patient.display_name},
        )
        return redirect("clinic:caseload")
    running = list(patient.prescriptions.exclude(status=Status.ENDED).order_by("-start_date"))
    return render(
        request,
        "prescriptions/patient_archive.html",
        {"patient": patient, "form": form, "running": running},
    )


@require_POST
@therapist_required
def patient_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = patient_on_caseload(request, pk)
    restore_patient(patient=patient)
    messages.success(
        request,
        _("%(name)s is back on your caseload. Their programs are as they were.")
        % {"name": patient.display_name},
    )
    return redirect("clinic:patient_detail", pk=patient.pk)


@require_GET
@therapist_required
def archived_patients(request: AuthenticatedHttpRequest) -> HttpResponse:
    patients = (
        Patient.objects.for_therapist(request.user)
        .filter(archived_at__isnull=False)
        .select_related("user")
        .order_by("-archived_at", "pk")
    )
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prescriptions/archived_patients.html", {"page": page})


# --- Programs -------------------------------------------------------------------------------


@require_GET
@therapist_required
def program_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose how to start: from scratch, from a starter template or from one's own."""
    patient = patient_on_caseload(request, pk)
    if patient.program_start_refusal():
        return _program_refused(request, patient)
    templates = (
        ProgramTemplate.objects.for_user(request.user)
        .annotate(item_count=Count("items"))
        .order_by("name", "pk")
    )
    return render(
        request,
        "prescriptions/program_start.html",
        {
            "patient": patient,
            "own_templates": [t for t in templates if t.owner_id is not None],
            "starter_templates": [t for t in templates if t.owner_id is None],
        },
    )


ROW_PREFIX = re.compile(rf"{PREFIX}-\d{{1,3}}")


@require_POST
@therapist_required
def dose_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The builder's "The patient reads:" line for one row, from the dose being typed (htmx
    posts the row's fields as they change), in the patient's language when there is one."""
    prefix = request.POST.get("prefix", "")
    if not ROW_PREFIX.fullmatch(prefix):
        return HttpResponseBadRequest()
    patient = None
    if raw_patient := request.POST.get("patient"):
        patient_id = id_param(raw_patient)
        if patient_id is None:
            return HttpResponseBadRequest()
        patient = patient_on_caseload(request, patient_id)  # someone else's patient: 404
    language = patient.language if patient else None
    context = {
        "preview": preview_dose(request.POST, language, prefix),
        "prefix": prefix,
        "patient": patient,
    }
    return render(request, "prescriptions/builder.html#patient-reads", context)


@GET_AND_POST
@therapist_required
def program_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = patient_on_caseload(request, pk)
    if patient.program_start_refusal():
        return _program_refused(request, patient)
    template_id = request.POST.get("template") or request.GET.get("template")
    template = None
    if template_id:
        templates = ProgramTemplate.objects.for_user(request.user).with_items()
        template_pk = id_param(template_id)
        if request.method == "GET":
            template = get_object_or_404(templates, pk=template_pk or 0)
        elif template_pk is not None:
            template = templates.filter(pk=template_pk).first()
    return _builder(request, _program_page(request, patient=patient, template=template))


@GET_AND_POST
@therapist_required
def program_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    return _builder(request, _program_page(request, patient=program.patient, program=program))


def _program_refused(request: AuthenticatedHttpRequest, patient: Patient) -> HttpResponse:
    """Why no program can start yet, with a link to what would let it (409: try again after)."""
    return render(
        request,
        "prescriptions/program_refused.html",
        {
            "patient": patient,
            "refusal": patient.program_start_refusal(),
            "start": patient.program_start(),
        },
        status=409,
    )


# --- The builder: one page for programs and templates ---------------------------------------


@dataclass(frozen=True)
class BuilderPage:
    """What differs between building a program and building a template."""

    form_class: type[ProgramForm] | type[TemplateForm]
    initial: dict[str, Any]
    rows: list[dict[str, Any]]
    bench: Workbench
    # Saves the details form and items, with whether the therapist confirmed the precaution
    # conflicts shown; returns the message to show and where to go next.
    save: Callable[[Any, list[ItemSpec], bool], tuple[str, str]]
    context: dict[str, Any]


def _builder(request: AuthenticatedHttpRequest, page: BuilderPage) -> HttpResponse:
    """Open the builder, apply a change to it, or save what it holds."""
    action = Action()
    if request.method == "GET":
        form = page.form_class(initial=page.initial)
        builder = page.bench.initial(page.rows)
    else:
        action = Action.parse(request.POST.get("action"))
        builder, items = page.bench.posted(request.POST, action)
        form = page.form_class(request.POST)
        if action.name != "save":
            form = page.form_class(initial=_raw_initial(form))
        elif form.is_valid() and items is not None:
            try:
                text, url = page.save(form, items, builder.precautions_acknowledged)
            except ValidationError as error:
                form.add_error(None, _validation_messages(error))
            else:
                messages.success(request, text)
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return _render_builder(request, action, builder, {**page.context, "details": form})


def _program_page(
    request: AuthenticatedHttpRequest,
    *,
    patient: Patient,
    program: Prescription | None = None,
    template: ProgramTemplate | None = None,
) -> BuilderPage:
    existing = _current_items(program) if program is not None else []

    def save(form: ProgramForm, items: list[ItemSpec], acknowledged: bool) -> tuple[str, str]:
        saved = save_program(
            patient=patient,
            therapist=request.user,
            details=form.details(),
            items=items,
            prescription=program,
            template=template,
            precautions_acknowledged=acknowledged,
        )
        url = reverse("clinic:program_detail", args=[saved.pk])
        return _saved_message(saved, is_new=program is None), url

    return BuilderPage(
        form_class=ProgramForm,
        initial=_program_initial(patient, program, template),
        rows=_program_rows(existing, program, template),
        bench=Workbench(
            user=request.user,
            conditions=patient.conditions,
            known={item.exercise_id: item.exercise for item in existing},
            language=patient.language,
        ),
        save=save,
        context={
            "mode": "program",
            "patient": patient,
            "program": program,
            "template": template,
            **_program_urls(patient, program),
        },
    )


def _program_initial(
    patient: Patient, program: Prescription | None, template: ProgramTemplate | None
) -> dict[str, Any]:
    if program is not None:
        return {name: getattr(program, name) for name in ProgramForm.base_fields}
    with translation.override(patient.language):  # the patient reads the title
        title = _("Home exercise program")
    initial: dict[str, Any] = {
        "title": title,
        "start_date": patient.local_today(),
        "days_of_week": ALL_DAYS,
    }
    if template is not None:
        initial.update(
            title=template.name,
            goal=template.description,
            days_of_week=template.days_of_week,
            times_per_day=template.times_per_day,
        )
    return initial


def _program_rows(
    existing: list[PrescriptionItem],
    program: Prescription | None,
    template: ProgramTemplate | None,
) -> list[dict[str, Any]]:
    if program is not None:
        return rows_from_items(existing, keep_ids=True)
    if template is not None:
        return rows_from_items(template.items.all(), keep_ids=False)
    return []


def _program_urls(patient: Patient, program: Prescription | None) -> dict[str, str]:
    if program is not None:
        return {
            "form_url": reverse("clinic:program_edit", args=[program.pk]),
            "cancel_url": reverse("clinic:program_detail", args=[program.pk]),
        }
    return {
        "form_url": reverse("clinic:program_create", args=[patient.pk]),
        "cancel_url": reverse("clinic:patient_detail", args=[patient.pk]),
    }


def _saved_message(program: Prescription, *, is_new: bool) -> str:
    name = program.patient.display_name
    if is_new and program.status == Status.PAUSED:
        return _(
            "Program saved. %(name)s's exercises are paused for safety, so it starts when you "
            "end the safety pause on their page."
        ) % {"name": name}
    if is_new:
        return _("Program saved. %(name)s sees it from %(day)s.") % {
            "name": name,
            "day": dateformat.format(program.start_date, "j F"),
        }
    if program.status == Status.ACTIVE:
        return _(
            "Changes saved. %(name)s sees them from today; what they logged stays as it was."
        ) % {"name": name}
    return _("Changes saved.")


def _template_page(
    request: AuthenticatedHttpRequest, template: ProgramTemplate | None
) -> BuilderPage:
    existing = list(template.items.all()) if template is not None else []

    def save(form: TemplateForm, items: list[ItemSpec], acknowledged: bool) -> tuple[str, str]:
        saved = save_template(
            owner=request.user, details=form.details(), items=items, template=template
        )
        url = reverse("clinic:template_detail", args=[saved.pk])
        return _("Template “%(name)s” saved.") % {"name": saved.name}, url

    if template is not None:
        initial = {name: getattr(template, name) for name in TemplateForm.base_fields}
        urls = {
            "form_url": reverse("clinic:template_edit", args=[template.pk]),
            "cancel_url": reverse("clinic:template_detail", args=[template.pk]),
        }
    else:
        initial = {"days_of_week": ALL_DAYS}
        urls = {
            "form_url": reverse("clinic:template_create"),
            "cancel_url": reverse("clinic:template_list"),
        }
    return BuilderPage(
        form_class=TemplateForm,
        initial=initial,
        rows=rows_from_items(existing, keep_ids=False),
        bench=Workbench(
            user=request.user, known={item.exercise_id: item.exercise for item in existing}
        ),
        save=save,
        context={"mode": "template", "template": template, **urls},
    )


def _render_builder(
    request: AuthenticatedHttpRequest, action: Action, builder: Builder, context: dict[str, Any]
) -> HttpResponse:
    """The whole builder, or with htmx only the part that changed.

    A change to the list also refreshes the search results out of band, so their
    "In the program" marks stay true.
    """
    context["builder"] = builder
    name = "prescriptions/builder.html"
    if request.htmx and action.changes_rows:
        items = render_to_string(f"{name}#items", context, request)
        results = render_to_string(
            f"{name}#results", {**context, "results_out_of_band": True}, request
        )
        return HttpResponse(items + results)
    if request.htmx and action.name == "search":
        return render(request, f"{name}#results", context)
    return render(request, name, context)


@require_GET
@therapist_required
def program_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    record_access(program.patient)
    items = list(
        program.items.select_related("exercise")
        .prefetch_related("media")
        .order_by("position", "pk")
    )
    conditions = program.patient.conditions
    current = [
        (item, item.exercise.precautions_matching(conditions))
        for item in items
        if item.removed_on is None
    ]
    retired = sorted(
        (item for item in items if item.removed_on is not None),
        key=lambda item: item.removed_on or datetime.date.min,  # set on every retired item
        reverse=True,
    )
    return render(
        request,
        "prescriptions/program_detail.html",
        {
            "program": program,
            "patient": program.patient,
            "current": current,
            "retired": retired,
            "safety": safety_points(program),
            # An archived patient's record is read-only, photos and videos included.
            "media_removable": program.patient.archived_at is None,
        },
    )


@require_POST
@therapist_required
def program_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            set_status(prescription=program, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _status_message(program))
    else:
        messages.error(request, _("Choose pause, resume or end."))
    return redirect("clinic:program_detail", pk=program.pk)


def _status_message(program: Prescription) -> str:
    name = program.patient.display_name
    message = {
        Status.ACTIVE: _("Resumed. %(name)s sees the program again from today."),
        Status.PAUSED: _("Paused. %(name)s does not see it until you resume it."),
        Status.ENDED: _("Ended. %(name)s no longer sees it; their history stays."),
    }[Status(program.status)]
    return message % {"name": name}


@require_GET
@therapist_required
def program_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask before ending: it cannot be undone (a copy can start again)."""
    program = _program(request, pk)
    return render(request, "prescriptions/program_end.html", {"program": program})


@GET_AND_POST
@therapist_required
def program_duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    form = DuplicateForm(
        request.POST or None,
        therapist=request.user,
        original_patient=program.patient,
        initial={
            "patient": program.patient.pk,
            "title": program.title,
            "start_date": program.patient.local_today(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = duplicate_program(
                prescription=program,
                therapist=request.user,
                patient=data["patient"],
                start_date=data["start_date"],
                title=data["title"],
                end_original=data["end_original"],
                precautions_acknowledged=data["precautions_acknowledged"],
            )
        except ValidationError as error:
            # Keyed by field: the patient (no intake screen or clearance), or the
            # precautions confirmation.
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Copy saved for %(name)s. Adjust it here if needed.")
                % {"name": copy.patient.display_name},
            )
            return redirect("clinic:program_edit", pk=copy.pk)
    return render(
        request, "prescriptions/program_duplicate.html", {"program": program, "form": form}
    )


@GET_AND_POST
@therapist_required
def program_save_as_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    form = SaveAsTemplateForm(
        request.POST or None, initial={"name": program.title, "description": program.goal}
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = save_as_template(
                prescription=program,
                owner=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error(None, _validation_messages(error))
        else:
            messages.success(
                request, _("Saved as your template “%(name)s”.") % {"name": template.name}
            )
            return redirect("clinic:template_detail", pk=template.pk)
    return render(
        request, "prescriptions/program_save_as_template.html", {"program": program, "form": form}
    )


@GET_AND_POST
@therapist_required
def program_handout(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A printable handout. POST adds a fresh invitation link (withdrawing older ones)."""
    program = get_object_or_404(
        Prescription.objects.for_user(request.user)
        .select_related("patient__user", "prescribed_by")
        .with_items(),
        pk=pk,
    )
    patient = program.patient
    record_access(patient)
    has_password = patient.user.has_usable_password()
    # The handout is the patient's: printed in their language. The toolbar above it, for the
    # therapist, stays in the therapist's (``reader_language``).
    reader_language = translation.get_language()
    with translation.override(patient.language):
        context: dict[str, Any] = {
            "program": program,
            "patient": patient,
            # Each exercise with the tips for this patient's own conditions only.
            "items": [
                (item, item.exercise.tips_for(patient.conditions))
                for item in program.items.all()
                if item.removed_on is None
            ],
            "safety": safety_points(program),
            "contact": contact_line(patient),
            "has_password": has_password,
            "printed_on": patient.local_today(),
            "reader_language": reader_language,
        }
        if request.method == "POST":
            invitation, token = create_invitation(patient=patient, created_by=request.user)
            context.update(access=invitation_access(token), invitation=invitation)
        elif has_password:
            context["access"] = login_access()
        else:
            context["pending_invitation"] = patient.invitations.usable().first()
        return render(request, "prescriptions/handout.html", context)


# --- Templates ------------------------------------------------------------------------------


@require_GET
@therapist_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    templates = (
        ProgramTemplate.objects.for_user(request.user)
        .annotate(item_count=Count("items"))
        .order_by("name", "pk")
    )
    return render(
        request,
        "prescriptions/template_list.html",
        {
            "own_templates": [t for t in templates if t.owner_id is not None],
            "starter_templates": [t for t in templates if t.owner_id is None],
        },
    )


@require_GET
@therapist_required
def template_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A template's items, and a way to start a program from it for one of one's patients."""
    template = get_object_or_404(ProgramTemplate.objects.for_user(request.user).with_items(), pk=pk)
    form = UseTemplateForm(
        request.GET if "patient" in request.GET else None, therapist=request.user
    )
    if form.is_bound and form.is_valid():
        url = reverse("clinic:program_create", args=[form.cleaned_data["patient"].pk])
        return redirect(f"{url}?template={template.pk}")
    return render(
        request,
        "prescriptions/template_detail.html",
        {"template": template, "form": form, "is_own": template.owner_id == request.user.pk},
    )


@GET_AND_POST
@therapist_required
def template_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _builder(request, _template_page(request, None))


@GET_AND_POST
@therapist_required
def template_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _builder(request, _template_page(request, _own_template(request, pk)))


@GET_AND_POST
@therapist_required
def template_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = _own_template(request, pk)
    if request.method == "POST":
        delete_template(template=template, owner=request.user)
        messages.success(
            request,
            _("Template “%(name)s” deleted. Programs started from it stay.")
            % {"name": template.name},
        )
        return redirect("clinic:template_list")
    return render(request, "prescriptions/template_delete.html", {"template": template})


# --- Exercises ------------------------------------------------------------------------------


@require_GET
@therapist_required
def exercise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The catalogue as this therapist sees it: the shared exercises and their own."""
    form = CatalogueSearchForm(request.GET or None)
    exercises = form.filter(Exercise.objects.for_user(request.user), request.user)
    page = Paginator(
        exercises.prefetch_related("equipment").order_by("name", "pk"), EXERCISES_PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "prescriptions/exercise_list.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@require_GET
@therapist_required
def exercise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.for_user(request.user).with_details(), pk=pk)
    is_own = exercise.owner_id == request.user.pk
    return render(
        request,
        "prescriptions/exercise_detail.html",
        {
            "exercise": exercise,
            "is_own": is_own,
            "uses": exercise_uses(exercise) if is_own else 0,
            "media": list(exercise.media.all()),
        },
    )


@GET_AND_POST
@therapist_required
def exercise_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _exercise_form(request, exercise=None)


@GET_AND_POST
@therapist_required
def exercise_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _exercise_form(request, exercise=_own_exercise(request, pk))


def _exercise_form(request: AuthenticatedHttpRequest, *, exercise: Exercise | None) -> HttpResponse:
    initial = ExerciseForm.initial_for(exercise) if exercise else {"sets": 1, "reps": 5}
    form = ExerciseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_private_exercise(
                owner=request.user,
                values=form.values(),
                steps=form.cleaned_data["steps"],
                equipment=form.cleaned_data["equipment"],
                exercise=exercise,
            )
        except ValidationError as error:
            form.add_error(None, _validation_messages(error))
        else:
            messages.success(
                request, _("“%(name)s” is saved. Only you see and use it.") % {"name": saved.name}
            )
            return redirect("clinic:exercise_detail", pk=saved.pk)
    return render(request, "prescriptions/exercise_form.html", {"form": form, "exercise": exercise})


@GET_AND_POST
@therapist_required
def exercise_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exercise = _own_exercise(request, pk)
    uses = exercise_uses(exercise)
    if request.method == "POST" and not uses:
        delete_private_exercise(exercise=exercise, owner=request.user)
        messages.success(request, _("“%(name)s” deleted.") % {"name": exercise.name})
        return redirect("clinic:exercise_list")
    return render(
        request, "prescriptions/exercise_delete.html", {"exercise": exercise, "uses": uses}
    )


# --- The therapist's own settings -----------------------------------------------------------


@GET_AND_POST
@therapist_required
def therapist_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your settings: the clinic phone each new patient starts with, and the language you
    read Rehabit in (the next page follows it)."""
    phone, language = (
        TherapistProfile.objects.filter(user=request.user)
        .values_list("clinic_phone", "language")
        .first()
    ) or ("", "")
    form = TherapistSettingsForm(
        request.POST or None, initial={"clinic_phone": phone or "", "language": language or ""}
    )
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        save_therapist_settings(
            therapist=request.user,
            clinic_phone=form.cleaned_data["clinic_phone"],
            language=language,
        )
        request.session[STAFF_LANGUAGE_KEY] = language  # the next page follows it
        with translation.override(language or translation.get_language_from_request(request)):
            messages.success(request, _("Your settings are saved."))
        return redirect("clinic:therapist_settings")
    return render(
        request,
        "prescriptions/therapist_settings.html",
        {"form": form, "clinic_wide_phone": settings.REHABIT_CLINIC_PHONE},
    )


# --- Therapists' own photos and videos ------------------------------------------------------


def _media_page(
    request: AuthenticatedHttpRequest, *, context: dict[str, Any], back: str, **target: Any
) -> HttpResponse:
    form = MediaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attach_media(
                uploaded_by=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                **target,
            )
        except ValidationError as error:
            form.add_error(None, _validation_messages(error))
        else:
            messages.success(request, _("The photo or video is added."))
            return redirect(back)
    return render(request, "prescriptions/media_form.html", {**context, "form": form, "back": back})


@GET_AND_POST
@therapist_required
def exercise_media_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A photo or video of the therapist's own exercise, for every patient who does it."""
    exercise = _own_exercise(request, pk)
    return _media_page(
        request,
        context={"exercise": exercise},
        back=reverse("clinic:exercise_detail", args=[exercise.pk]),
        exercise=exercise,
    )


@GET_AND_POST
@therapist_required
def item_media_add(request: AuthenticatedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    """A photo or video for one patient's item (a clip recorded in the clinic): health data."""
    program = _program(request, pk)
    item = get_object_or_404(
        program.items.filter(removed_on__isnull=True).select_related("exercise"), pk=item_id
    )
    return _media_page(
        request,
        context={"program": program, "patient": program.patient, "item": item},
        back=reverse("clinic:program_detail", args=[program.pk]),
        item=item,
    )


@GET_AND_POST
@therapist_required
def media_remove(request: AuthenticatedHttpRequest, key: uuid.UUID) -> HttpResponse:
    """Take a photo or video away, after a confirmation (a plain form: works without JS)."""
    media = get_object_or_404(
        Media.objects.removable_by(request.user).select_related(
            "exercise", "item__exercise", "item__prescription__patient__user"
        ),
        key=key,
    )
    if media.item is not None:
        program = media.item.prescription
        back = reverse("clinic:program_detail", args=[program.pk])
    else:
        assert media.exercise is not None  # a photo or video is on an exercise or on an item
        back = reverse("clinic:exercise_detail", args=[media.exercise.pk])
    if request.method == "POST":
        remove_media(media)
        messages.success(request, _("The photo or video is removed."))
        return redirect(back)
    return render(request, "prescriptions/media_remove.html", {"media": media, "back": back})


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@require_GET
@login_required
def media_file(request: AuthenticatedHttpRequest, key: uuid.UUID) -> HttpResponseBase:
    """A photo or video, to whoever may see it (``Media.objects.for_user``); others: 404.

    Served privately (never cached by a shared cache), inline, with its checked type and a
    sandbox policy; a byte range is answered too, as phones ask for one to play a video.
    """
    media = get_object_or_404(Media.objects.for_user(request.user), key=key)
    try:
        handle = media.file.open("rb")
    except OSError as error:
        raise Http404("No such file.") from error
    size = media.file.size
    match = _RANGE.match(request.headers.get("Range", ""))
    response: HttpResponseBase
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:
            start, end = max(size - int(match[2]), 0), size - 1
        if start > end or start >= size:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        data = handle.read(end - start + 1)
        handle.close()
        response = HttpResponse(data, status=206, content_type=media.content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(handle, content_type=media.content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file can run nothing (whatever a hostile file might hold).
    response["Content-Security-Policy"] = "default-src 'none'; media-src 'self'; sandbox"
    return response
