"""The patient's app: getting in, today's plan, ticking off, pain reports, history.

Every page is the patient's own and carries health data: never cached (no-store), and every
object is looked up through the patient's own programs so someone else's id answers 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from config.http import AuthenticatedHttpRequest
from config.languages import DATE_FORMATS
from patients import reminders as reminder_services
from patients.calendar_feed import (
    calendar_url,
    feed_events,
    feed_patient,
    render_calendar,
    subscribe_url,
)
from patients.forms import (
    ChoosePasswordForm,
    EffortForm,
    MorningCheckForm,
    PainFollowUpForm,
    PainReportForm,
    ReminderDefaultsForm,
    ReminderPreferencesForm,
    ReportTargetForm,
)
from patients.guidance import Guidance
from patients.history import load_history
from patients.models import PainReport, Patient, ReminderEmail
from patients.plan import load_day_checks, load_day_plan
from patients.reminder_times import resolve_times, time_in_words
from patients.roles import patient_required, therapist_required
from patients.services import (
    InvitationUnusable,
    NotAllowed,
    accept_invitation,
    answer_pain_follow_up,
    can_log_on,
    check_day_open,
    check_report_session,
    find_invitation,
    guidance_to_show,
    record_completion,
    record_effort,
    record_morning_check,
    report_sessions,
    submit_pain_report,
    undo_completion,
)
from prescriptions.models import Prescription, PrescriptionItem


def _patient(request: AuthenticatedHttpRequest) -> Patient:
    return request.user.patient


def _day_url(day: datetime.date, today: datetime.date) -> str:
    if day == today:
        return reverse("patients:today")
    return reverse("patients:day", args=[day])


def _refused(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(request, "patients/refused.html", {"message": message}, status=status)


# --- Today and other days ----------------------------------------------------------------------


@never_cache
@patient_required
@require_GET
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = _patient(request)
    day = patient.local_today()
    plan = load_day_plan(patient, day, day)
    context = {"plan": plan, "checks": load_day_checks(plan)}
    return render(request, "patients/today.html", context)


@never_cache
@patient_required
@require_GET
def day_view(request: AuthenticatedHttpRequest, day: datetime.date) -> HttpResponse:
    """A past day: ticks can still be added for yesterday; older days are read only."""
    patient = _patient(request)
    today_ = patient.local_today()
    if day == today_:
        return redirect("patients:today")
    if day > today_:
        return _refused(
            request,
            _(
                "%(day)s has not come yet. Here you can see days that have passed and record "
                "what you did today or yesterday."
            )
            % {"day": formats.date_format(day, DATE_FORMATS.long_day)},
        )
    plan = load_day_plan(patient, day, today_)
    return render(request, "patients/today.html", {"plan": plan})


def _own_item(patient: Patient, item_id: int) -> PrescriptionItem:
    return get_object_or_404(
        PrescriptionItem.objects.select_related("prescription", "exercise"),
        pk=item_id,
        prescription__in=Prescription.objects.filter(patient=patient),
    )


def _row_response(
    request: AuthenticatedHttpRequest,
    patient: Patient,
    day: datetime.date,
    item: PrescriptionItem,
    session: int,
    *,
    error: str = "",
    announcement: str = "",
) -> HttpResponse:
    """After a tick or an undo: htmx gets the row and the progress; a form post is redirected."""
    today_ = patient.local_today()
    back = _day_url(day, today_) if day <= today_ else reverse("patients:today")
    plan = load_day_plan(patient, day, today_) if request.htmx and can_log_on(day, today_) else None
    row = plan.row(item.pk, session) if plan else None
    if plan is None or row is None:
        # A plain form post, or nothing on the page to swap: show the page again, with the
        # message when there is one.
        if error:
            messages.error(request, error)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = back
            return response
        return redirect(f"{back}#item-{item.pk}-s{session}")
    context = {
        "plan": plan,
        "row": row,
        "session": plan.session_block(item.pk, session),
        "error": error,
        "announcement": error or announcement,
        "oob": True,
    }
    return HttpResponse(render_to_string("patients/today.html#check-response", context, request))


@never_cache
@patient_required
@require_POST
def check_off(
    request: AuthenticatedHttpRequest, day: datetime.date, item_id: int, session: int
) -> HttpResponse:
    patient = _patient(request)
    item = _own_item(patient, item_id)
    try:
        record_completion(patient=patient, item=item, day=day, session=session)
    except NotAllowed as refusal:
        return _row_response(request, patient, day, item, session, error=refusal.message)
    return _row_response(
        request,
        patient,
        day,
        item,
        session,
        announcement=_("%(exercise)s: done.") % {"exercise": item.exercise.name},
    )


@never_cache
@patient_required
@require_POST
def undo(
    request: AuthenticatedHttpRequest, day: datetime.date, item_id: int, session: int
) -> HttpResponse:
    patient = _patient(request)
    item = _own_item(patient, item_id)
    try:
        undo_completion(patient=patient, item=item, day=day, session=session)
    except NotAllowed as refusal:
        return _row_response(request, patient, day, item, session, error=refusal.message)
    return _row_response(
        request,
        patient,
        day,
        item,
        session,
        announcement=_("%(exercise)s: not done.") % {"exercise": item.exercise.name},
    )


@never_cache
@patient_required
@require_POST
def effort(
    request: AuthenticatedHttpRequest, day: datetime.date, item_id: int, session: int
) -> HttpResponse:
    """After a tick: how it felt (too easy, about right, too hard), for the therapist."""
    patient = _patient(request)
    item = _own_item(patient, item_id)
    form = EffortForm(request.POST)
    if not form.is_valid():
        return _row_response(request, patient, day, item, session, error=form.problem())
    try:
        record_effort(
            patient=patient,
            item=item,
            day=day,
            session=session,
            effort=form.cleaned_data["effort"],
        )
    except NotAllowed as refusal:
        return _row_response(request, patient, day, item, session, error=refusal.message)
    return _row_response(
        request,
        patient,
        day,
        item,
        session,
        announcement=_("Thank you, your therapist will see it."),
    )


# --- Pain reports --------------------------------------------------------------------------------


@never_cache
@patient_required
@require_http_methods(["GET", "POST"])
def pain_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How did it go: pain 0–10, how long it lasted, symptoms, difficulty and a note."""
    patient = _patient(request)
    today_ = patient.local_today()
    target = ReportTargetForm(request.POST if request.method == "POST" else request.GET)
    if not target.is_valid():
        return _refused(request, target.problem())
    day: datetime.date = target.cleaned_data["date"] or today_
    try:
        check_day_open(day, today_)
    except NotAllowed as refusal:
        return _refused(request, refusal.message)
    session: int | None = target.cleaned_data["session"]
    if session is None:
        plan = load_day_plan(patient, day, today_)
        session, sessions = plan.next_report_session(), plan.report_sessions
    else:
        sessions = report_sessions(
            list(Prescription.objects.filter(patient=patient).active_on(day)), day
        )
    try:
        check_report_session(session, sessions)
    except NotAllowed as refusal:
        return _refused(request, refusal.message)
    existing = PainReport.objects.filter(patient=patient, date=day, session=session).first()
    initial = PainReportForm.initial_from(existing) if existing else None
    form = PainReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report, guidance = submit_pain_report(
                patient=patient, day=day, session=session, **form.answers()
            )
        except NotAllowed as refusal:
            form.add_error(None, refusal.message)
        else:
            # The guidance is in the same response that stored the report (DESIGN §5).
            return _guidance_page(request, report, guidance, today_)
    context = {
        "form": form,
        "day": day,
        "today": today_,
        "session": session,
        "sessions": sessions,
        "existing": existing,
        "back_url": _day_url(day, today_),
    }
    return render(request, "patients/report.html", context, status=400 if form.errors else 200)


@never_cache
@patient_required
@require_GET
def report_guidance(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What to do now, straight after a report (red flags first and prominent)."""
    patient = _patient(request)
    target = ReportTargetForm(request.GET)
    if not target.is_valid() or not target.cleaned_data["date"]:
        return _refused(request, target.problem() or _("That date is not one we understand."))
    day = target.cleaned_data["date"]
    session = target.cleaned_data["session"] or 1
    report = get_object_or_404(
        PainReport.objects.select_related("prescription", "patient"),
        patient=patient,
        date=day,
        session=session,
    )
    return _guidance_page(request, report, guidance_to_show(report), patient.local_today())


def _guidance_page(
    request: AuthenticatedHttpRequest, report: PainReport, guidance: Guidance, today_: datetime.date
) -> HttpResponse:
    query = urlencode({"date": report.date.isoformat(), "session": str(report.session)})
    due_at = report.follow_up_due_at()
    context = {
        "report": report,
        "guidance": guidance,
        # "Not sure yet": when Today asks again whether the pain is still there.
        "follow_up_at": time_in_words(due_at.astimezone(report.patient.zone).time())
        if due_at
        else "",
        "day": report.date,
        "today": today_,
        "edit_url": f"{reverse('patients:report')}?{query}",
        "back_url": _day_url(report.date, today_),
    }
    return render(request, "patients/guidance.html", context)


# --- Over days: the follow-up of "not sure yet" and the morning check ---------------------------


@never_cache
@patient_required
@require_POST
def pain_follow_up(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """ "Is the pain still there now?": the answer, and the guidance it calls for at once."""
    patient = _patient(request)
    report = get_object_or_404(PainReport, pk=report_id, patient=patient)
    form = PainFollowUpForm(request.POST)
    if not form.is_valid():
        return _refused(request, _("Choose yes or no: is the pain still there now?"))
    try:
        report, guidance = answer_pain_follow_up(
            report=report, still_there=form.cleaned_data["still_there"]
        )
    except NotAllowed as refusal:
        return _refused(request, refusal.message)
    return _guidance_page(request, report, guidance, patient.local_today())


@never_cache
@patient_required
@require_POST
def morning_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The morning check's one tap: the answer's words, or back to Today after a skip."""
    patient = _patient(request)
    form = MorningCheckForm(request.POST)
    if not form.is_valid():
        return _refused(request, _("Choose better, the same or worse."))
    result = record_morning_check(patient=patient, answer=form.cleaned_data["answer"])
    if result.guidance is None:
        return redirect("patients:today")
    context = {"check": result.check, "guidance": result.guidance}
    return render(request, "patients/morning_answer.html", context)


# --- History -------------------------------------------------------------------------------------


@never_cache
@patient_required
@require_GET
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = _patient(request)
    context = {
        "history": load_history(patient, patient.local_today()),
        "weekday_names": [(WEEKDAYS[day], WEEKDAYS_ABBR[day]) for day in range(7)],
    }
    return render(request, "patients/history.html", context)


# --- Getting in ----------------------------------------------------------------------------------


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
    # The invited patient's own language, whichever browser opens the link.
    language = invitation.patient.language
    with translation.override(language):
        response = _accept_invitation(request, token, invitation.patient)
    response.headers["Content-Language"] = language
    return response


def _accept_invitation(request: HttpRequest, token: str, patient: Patient) -> HttpResponse:
    form = ChoosePasswordForm(patient.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["new_password1"])
        except InvitationUnusable as problem:
            return render(
                request, "patients/invitation_unusable.html", {"reason": problem.reason}, status=410
            )
        login(request, user, backend="patients.backends.UsernameOrEmailBackend")
        return redirect("patients:today")
    return render(request, "patients/invitation_accept.html", {"form": form, "patient": patient})


# --- Reminders -----------------------------------------------------------------------------------


def _times_in_words(times: list[datetime.time]) -> list[str]:
    return [time_in_words(value) for value in times]


def _and_list(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    # Translators: the end of a list, such as "9:00 in the morning, 1:00 in the afternoon and
    # 6:00 in the evening": %(items)s are the first ones (with commas), %(last)s the last one.
    return _("%(items)s and %(last)s") % {"items": ", ".join(words[:-1]), "last": words[-1]}


@never_cache
@patient_required
@require_http_methods(["GET", "POST"])
def reminders(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The patient's reminders: a time for each daily session, email or not, calendar link."""
    patient = _patient(request)
    sessions = reminder_services.reminder_session_count(patient, patient.local_today())
    suggested = resolve_times(sessions, own=[], therapist=patient.default_reminder_times)
    by_therapist = len(patient.default_reminder_times) >= sessions
    form = ReminderPreferencesForm(
        request.POST if request.method == "POST" else None,
        sessions=sessions,
        times=patient.reminder_times_for(sessions),
        suggested=suggested,
        by_therapist=by_therapist,
        initial={
            "email_reminders": "yes" if patient.wants_email_reminders else "no",
            "email": patient.user.email,
        },
    )
    if request.method == "POST" and form.is_valid():
        reminder_services.save_reminder_preferences(
            patient=patient,
            times=form.times,
            email_reminders=form.cleaned_data["email_reminders"],
            email=form.cleaned_data["email"],
        )
        times = _and_list(_times_in_words(patient.reminder_times_for(sessions)))
        if patient.email_reminders:
            messages.success(
                request, _("Saved. We will email you at %(times)s.") % {"times": times}
            )
        else:
            messages.success(
                request, _("Saved. Your reminder times: %(times)s. No emails.") % {"times": times}
            )
        return redirect("patients:reminders")
    feed_url = calendar_url(patient)
    context = {
        "form": form,
        "patient": patient,
        "sessions": sessions,
        "own_times": bool(patient.reminder_times) and len(patient.reminder_times) >= sessions,
        "suggested_words": _times_in_words(suggested),
        "by_therapist": by_therapist,
        "feed_url": feed_url,
        "subscribe_url": subscribe_url(feed_url) if feed_url else None,
    }
    return render(request, "patients/reminders.html", context, status=400 if form.errors else 200)


@never_cache
@patient_required
@require_POST
def reminders_use_suggested(request: AuthenticatedHttpRequest) -> HttpResponse:
    reminder_services.use_therapist_times(patient=_patient(request))
    messages.success(request, _("Done. Your reminders are back to the suggested times."))
    return redirect("patients:reminders")


@never_cache
@patient_required
@require_POST
def calendar_link(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make (or remake) the private calendar link, or remove it."""
    patient = _patient(request)
    if request.POST.get("action") == "remove":
        reminder_services.remove_calendar_link(patient=patient)
        messages.success(request, _("The calendar link is removed. It no longer works."))
    else:
        had_link = bool(patient.calendar_key)
        reminder_services.reset_calendar_link(patient=patient)
        messages.success(
            request,
            _("Here is your new calendar link. The old one no longer works.")
            if had_link
            else _("Here is your calendar link."),
        )
    return redirect(f"{reverse('patients:reminders')}#calendar")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed: no login (calendar apps have none), the token is the key."""
    now = timezone.now()
    patient = feed_patient(token, now=now)
    if patient is None:
        raise Http404("No such calendar.")
    with translation.override(patient.language):  # the calendar speaks the patient's language
        events = feed_events(
            patient,
            patient.reminder_programs,
            today=patient.local_today(now),
        )
        calendar = render_calendar(patient, events, now=now)
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Language"] = patient.language
    response["Content-Disposition"] = 'inline; filename="rehabit.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def _masked_email(email: str) -> str:
    """ "pat.lee@example.org" → "p•••@example.org": enough to recognise, not to harvest."""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else ""


@csrf_exempt  # RFC 8058: the mail program's one-click POST carries no cookie or CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop reminder emails without logging in: GET asks, POST (a button or a mail program's
    one-click request) does it."""
    patient = reminder_services.patient_for_unsubscribe(token)
    if patient is None:
        return render(request, "patients/unsubscribe.html", {"unknown": True}, status=404)
    context: dict[str, object] = {"masked_email": _masked_email(patient.user.email), "token": token}
    if request.method == "POST":
        reminder_services.unsubscribe(patient=patient)
        context["done"] = True
    # Reached from the email: in the same language as the email.
    with translation.override(patient.language):
        response = render(request, "patients/unsubscribe.html", context)
    response.headers["Content-Language"] = patient.language
    return response


@never_cache
@therapist_required
@require_http_methods(["GET", "POST"])
def reminder_defaults(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The therapist's default reminder times and email switch for one patient."""
    patient = get_object_or_404(
        Patient.objects.for_therapist(request.user).select_related("user"), pk=pk
    )
    sessions = reminder_services.reminder_session_count(patient, patient.local_today())
    form = ReminderDefaultsForm(
        request.POST if request.method == "POST" else None,
        sessions=sessions,
        times=resolve_times(sessions, own=[], therapist=patient.default_reminder_times),
        initial={"email_reminders": patient.default_email_reminders},
    )
    if request.method == "POST" and form.is_valid():
        reminder_services.save_reminder_defaults(
            patient=patient, times=form.times, email_reminders=form.cleaned_data["email_reminders"]
        )
        messages.success(
            request,
            _("Reminder defaults saved for %(name)s.") % {"name": patient.display_name},
        )
        return redirect("patients:reminder_defaults", pk=patient.pk)
    context = {
        "patient": patient,
        "form": form,
        "sessions": sessions,
        "own_words": _times_in_words(patient.reminder_times_for(sessions))
        if len(patient.reminder_times) >= sessions
        else [],
        "effective_words": _times_in_words(patient.reminder_times_for(sessions)),
        "recent": ReminderEmail.objects.filter(patient=patient)[:10],
    }
    return render(
        request, "patients/reminder_defaults.html", context, status=400 if form.errors else 200
    )
