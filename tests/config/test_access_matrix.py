"""Every URL of the project against every kind of visitor.

The URL list comes from walking the URL resolver, so a new URL without a row here fails
``test_every_url_has_a_row``. Each row names which objects fill the URL (always those of
patient A and therapist A) and what each visitor gets. Outcomes:

- ``ok``: the page or data (2xx, or a redirect that is not to the login page);
- ``login``: sent to log in (HTML) or 401/403 without data (API);
- ``404``: the object or page does not exist for this visitor;
- ``405``: the URL takes another method (checked with GET: no data either way);
- ``400``: a plain refusal of a request that lacks what it needs.

Cells that are not ``ok`` must not show patient A's name. POST endpoints are also sent an
empty POST by every visitor who may not use them, which must be refused the same way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from outcomes.loading import load_measures
from outcomes.models import Episode, MeasureDefinition, MeasureResponse
from outcomes.services import Choice, start_episode
from patients.calendar_feed import calendar_token
from patients.models import Alert, AlertKind, Completion, MorningCheck, PainReport
from patients.reminders import reset_calendar_link, unsubscribe_token
from patients.services import create_invitation
from prescriptions.models import Media, ProgressionSuggestion
from tests.factories import (
    AdminFactory,
    CompletionFactory,
    ExerciseFactory,
    MediaFactory,
    PainReportFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    TherapistFactory,
    UserFactory,
)

VISITORS = ("anonymous", "patient_a", "patient_b", "therapist_a", "therapist_b", "admin")
IGNORED_NAMESPACES = ("admin:",)  # Django's admin: is_staff only, tested in tests/exercises


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[dict], dict]
    expect: dict[str, str]
    post_only: bool = False


def _same(outcome: str) -> dict[str, str]:
    return dict.fromkeys(VISITORS, outcome)


PUBLIC = _same("ok")
PATIENT = {
    "anonymous": "login",
    "patient_a": "ok",
    "patient_b": "ok",
    "therapist_a": "404",
    "therapist_b": "404",
    "admin": "404",
}
THERAPIST = {
    "anonymous": "login",
    "patient_a": "404",
    "patient_b": "404",
    "therapist_a": "ok",
    "therapist_b": "ok",
    "admin": "404",
}
CARE_TEAM_A = {**THERAPIST, "therapist_b": "404"}
PATIENT_A_ONLY = {**PATIENT, "patient_b": "404"}
PATIENT_A_AND_CARE_TEAM = {**CARE_TEAM_A, "patient_a": "ok"}
API_ANY = {**_same("ok"), "anonymous": "login"}
# The API answers a logged-in visitor of the wrong kind as if the resource did not exist.
API_THERAPIST = THERAPIST
API_CARE_TEAM_A = {**API_THERAPIST, "therapist_b": "404"}
API_PATIENT = PATIENT
API_PATIENT_A = {**API_PATIENT, "patient_b": "404"}


def none(objects: dict) -> dict:
    return {}


def patient_pk(objects: dict) -> dict:
    return {"pk": objects["patient_a"].pk}


def program_pk(objects: dict) -> dict:
    return {"pk": objects["program_a"].pk}


def template_pk(objects: dict) -> dict:
    return {"pk": objects["template_a"].pk}


def exercise_pk(objects: dict) -> dict:
    return {"pk": objects["exercise_a"].pk}


def exercise_slug(objects: dict) -> dict:
    return {"slug": objects["exercise_a"].slug}


def alert_pk(objects: dict) -> dict:
    return {"pk": objects["alert_a"].pk}


def suggestion_pk(objects: dict) -> dict:
    return {"pk": objects["suggestion_a"].pk}


def item_of_a(objects: dict) -> dict:
    return {"day": objects["today"], "item_id": objects["item_a"].pk, "session": 1}


def yesterday(objects: dict) -> dict:
    return {"day": objects["today"] - datetime.timedelta(days=1)}


ROWS: dict[str, Row] = {
    # The front door, login and health.
    "home": Row(none, {**PUBLIC, "anonymous": "login"}),
    "healthz": Row(none, PUBLIC),
    "login": Row(none, PUBLIC),
    "logout": Row(none, PUBLIC, post_only=True),
    "set_language": Row(none, PUBLIC, post_only=True),
    "javascript-catalog": Row(none, PUBLIC),
    # Links that carry their own secret: they work without a login, for whoever holds them.
    "patients:accept_invitation": Row(lambda o: {"token": o["invitation_token"]}, PUBLIC),
    "patients:unsubscribe": Row(lambda o: {"token": o["unsubscribe_token"]}, PUBLIC),
    "patients:calendar_feed": Row(lambda o: {"token": o["calendar_token"]}, PUBLIC),
    # The patient's own pages: each patient sees their own.
    "patients:today": Row(none, PATIENT),
    "patients:day": Row(yesterday, PATIENT),
    "patients:report": Row(none, PATIENT),
    # Without ?date=&session= there is no report to advise on: a plain 400 page.
    "patients:report_guidance": Row(none, {**PATIENT, "patient_a": "400", "patient_b": "400"}),
    "patients:history": Row(none, PATIENT),
    "patients:reminders": Row(none, PATIENT),
    "patients:reminders_use_suggested": Row(none, PATIENT, True),
    "patients:calendar_link": Row(none, PATIENT, True),
    "patients:check_off": Row(item_of_a, PATIENT_A_ONLY, True),
    "patients:undo": Row(item_of_a, PATIENT_A_ONLY, True),
    "patients:pain_follow_up": Row(lambda o: {"report_id": o["report_a"].pk}, PATIENT_A_ONLY, True),
    "patients:morning_check": Row(none, PATIENT, True),
    "patients:effort": Row(item_of_a, PATIENT_A_ONLY, True),
    # The therapist's workspace.
    "clinic:caseload": Row(none, THERAPIST),
    "monitoring:dashboard": Row(none, THERAPIST),
    "clinic:archived_patients": Row(none, THERAPIST),
    "clinic:patient_create": Row(none, THERAPIST),
    "clinic:template_list": Row(none, THERAPIST),
    "clinic:template_create": Row(none, THERAPIST),
    "clinic:exercise_list": Row(none, THERAPIST),
    "clinic:exercise_create": Row(none, THERAPIST),
    # Without a builder row's fields there is nothing to put in words: a plain 400.
    "clinic:dose_preview": Row(
        none, {**THERAPIST, "therapist_a": "400", "therapist_b": "400"}, True
    ),
    "clinic:patient_detail": Row(patient_pk, CARE_TEAM_A),
    "clinic:patient_edit": Row(patient_pk, CARE_TEAM_A),
    "clinic:patient_invitation": Row(patient_pk, CARE_TEAM_A),
    "clinic:patient_clearance": Row(patient_pk, CARE_TEAM_A),
    "clinic:therapist_settings": Row(none, THERAPIST),
    "monitoring:patient_progress": Row(patient_pk, CARE_TEAM_A),
    "monitoring:patient_export": Row(patient_pk, CARE_TEAM_A),
    "clinic:patient_audit": Row(patient_pk, CARE_TEAM_A),
    "clinic:patient_archive": Row(patient_pk, CARE_TEAM_A),
    "clinic:patient_restore": Row(patient_pk, CARE_TEAM_A, post_only=True),
    "patients:reminder_defaults": Row(patient_pk, CARE_TEAM_A),
    "monitoring:alert_acknowledge": Row(alert_pk, CARE_TEAM_A, post_only=True),
    "monitoring:safety_pause_end": Row(patient_pk, CARE_TEAM_A, post_only=True),
    "monitoring:suggestion_apply": Row(suggestion_pk, CARE_TEAM_A, post_only=True),
    "monitoring:suggestion_dismiss": Row(suggestion_pk, CARE_TEAM_A, post_only=True),
    "clinic:program_start": Row(patient_pk, CARE_TEAM_A),
    "clinic:program_create": Row(patient_pk, CARE_TEAM_A),
    "clinic:program_detail": Row(program_pk, CARE_TEAM_A),
    "clinic:program_edit": Row(program_pk, CARE_TEAM_A),
    "clinic:program_status": Row(program_pk, CARE_TEAM_A, post_only=True),
    "clinic:program_end": Row(program_pk, CARE_TEAM_A),
    "clinic:program_duplicate": Row(program_pk, CARE_TEAM_A),
    "clinic:program_save_as_template": Row(program_pk, CARE_TEAM_A),
    "clinic:program_handout": Row(program_pk, CARE_TEAM_A),
    "clinic:template_detail": Row(template_pk, CARE_TEAM_A),
    "clinic:template_edit": Row(template_pk, CARE_TEAM_A),
    "clinic:template_delete": Row(template_pk, CARE_TEAM_A),
    "clinic:exercise_detail": Row(exercise_pk, CARE_TEAM_A),
    "clinic:exercise_illustrations": Row(none, {**THERAPIST, "admin": "ok"}),
    # Therapist A's own exercise: theirs, and their patients' once it is in a program.
    "exercise_picture": Row(exercise_slug, {**CARE_TEAM_A, "patient_a": "404", "patient_b": "404"}),
    "clinic:exercise_edit": Row(exercise_pk, CARE_TEAM_A),
    "clinic:exercise_delete": Row(exercise_pk, CARE_TEAM_A),
    "clinic:exercise_media_add": Row(exercise_pk, CARE_TEAM_A),
    "clinic:item_media_add": Row(
        lambda o: {"pk": o["program_a"].pk, "item_id": o["item_a"].pk}, CARE_TEAM_A
    ),
    # Patient A's clip (health data): their care team and patient A; everyone else: 404.
    "patients:media_file": Row(lambda o: {"key": o["media_a"].key}, PATIENT_A_AND_CARE_TEAM),
    "clinic:media_remove": Row(lambda o: {"key": o["media_a"].key}, CARE_TEAM_A),
    # Questionnaires: the patient's own answers; the care team's episode pages.
    "outcomes:start": Row(
        lambda o: {"code": "psfs", "due_on": o["episode_a"].started_on}, PATIENT, post_only=True
    ),
    "outcomes:page": Row(lambda o: {"pk": o["response_a"].pk, "number": 1}, PATIENT_A_ONLY),
    "outcomes:review": Row(lambda o: {"pk": o["response_a"].pk}, PATIENT_A_ONLY),
    "outcomes:episode_start": Row(patient_pk, CARE_TEAM_A),
    "outcomes:ask_discharge": Row(patient_pk, CARE_TEAM_A, post_only=True),
    "outcomes:discharge": Row(patient_pk, CARE_TEAM_A),
    "outcomes:summary": Row(
        lambda o: {"pk": o["patient_a"].pk, "episode_id": o["episode_a"].pk}, CARE_TEAM_A
    ),
    # The API and its documentation.
    # The schema and its documentation page describe the API; they hold no one's data.
    "api-schema": Row(none, PUBLIC),
    "api-docs": Row(none, PUBLIC),
    "api-root": Row(none, API_ANY),
    "api-token": Row(none, API_ANY, post_only=True),
    "exercise-list": Row(none, API_ANY),
    "exercise-detail": Row(
        exercise_pk, {**API_CARE_TEAM_A, "patient_a": "404", "patient_b": "404"}
    ),
    "patient-list": Row(none, API_THERAPIST),
    "patient-detail": Row(patient_pk, API_CARE_TEAM_A),
    "patient-fhir": Row(patient_pk, API_CARE_TEAM_A),
    "patient-invitation": Row(patient_pk, API_CARE_TEAM_A, True),
    "patient-end-safety-pause": Row(patient_pk, API_CARE_TEAM_A, True),
    "patient-medical-clearance": Row(patient_pk, API_CARE_TEAM_A, True),
    "prescription-list": Row(none, API_THERAPIST),
    "prescription-detail": Row(program_pk, API_CARE_TEAM_A),
    "template-list": Row(none, API_THERAPIST),
    "template-detail": Row(template_pk, API_CARE_TEAM_A),
    "template-start": Row(template_pk, API_CARE_TEAM_A, True),
    "alert-list": Row(none, API_THERAPIST),
    "alert-detail": Row(alert_pk, API_CARE_TEAM_A),
    "alert-acknowledge": Row(alert_pk, API_CARE_TEAM_A, True),
    "suggestion-list": Row(none, API_THERAPIST),
    "suggestion-detail": Row(suggestion_pk, API_CARE_TEAM_A),
    "suggestion-apply": Row(suggestion_pk, API_CARE_TEAM_A, True),
    "suggestion-dismiss": Row(suggestion_pk, API_CARE_TEAM_A, True),
    "me-list": Row(none, API_ANY),  # who am I: each visitor's own account
    "me-plan": Row(none, API_PATIENT),
    "completion-list": Row(none, API_PATIENT),
    "completion-detail": Row(lambda o: {"pk": o["completion_a"].pk}, API_PATIENT_A),
    # Posted without an answer: the owner is told what is missing, everyone else finds nothing.
    "completion-effort": Row(
        lambda o: {"pk": o["completion_a"].pk}, {**API_PATIENT_A, "patient_a": "400"}, True
    ),
    "pain-report-list": Row(none, API_PATIENT),
    "questionnaire-list": Row(none, API_PATIENT),
    "measure-list": Row(none, API_ANY),
    "measure-detail": Row(lambda o: {"code": "psfs"}, API_ANY),
    # Lists are scoped to each visitor (their own, or their care team's): open to all.
    "questionnaire-response-list": Row(none, API_ANY),
    "questionnaire-response-detail": Row(
        lambda o: {"pk": o["response_a"].pk}, {**API_PATIENT_A, "therapist_a": "ok"}
    ),
    "pain-report-detail": Row(lambda o: {"pk": o["report_a"].pk}, API_PATIENT_A),
    "pain-report-still-there": Row(lambda o: {"pk": o["report_a"].pk}, API_PATIENT_A, True),
    "morning-check-list": Row(none, API_PATIENT),
}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if "format" in pattern.pattern.regex.groupindex:
                continue  # DRF's ".json" twin of a route that has its own row
            yield f"{namespace}{pattern.name or ''}", route


def project_urls() -> dict[str, str]:
    return {
        name: route
        for name, route in walk(get_resolver().url_patterns)
        if not name.startswith(IGNORED_NAMESPACES) and name != ""
    }


def test_every_url_has_a_row():
    missing = sorted(set(project_urls()) - set(ROWS))
    assert not missing, f"URLs without a row in the access matrix: {missing}"
    stale = sorted(set(ROWS) - set(project_urls()))
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_the_api_catch_all_answers_404_for_everyone(client):
    assert client.get("/api/v1/no-such-thing/").status_code == 404


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        return "login" if response["Location"].startswith(reverse("login")) else "ok"
    if status in (401, 403):
        return "login"
    if status in (400, 404, 405, 410, 415):
        return str(status)
    if status < 400:
        return "ok"
    return f"status {status}"


def state(objects: dict) -> tuple:
    """Counts that an unauthorised POST must leave as they were."""
    patient = objects["patient_a"]
    patient.refresh_from_db()
    return (
        patient.archived_at,
        patient.prescriptions.count(),
        Completion.objects.count(),
        PainReport.objects.count(),
        PainReport.objects.filter(followed_up_at__isnull=False).count(),
        MorningCheck.objects.count(),
        Alert.objects.open().count(),
        ProgressionSuggestion.objects.filter(status="pending").count(),
        objects["program_a"].items.count(),
        type(objects["program_a"]).objects.get(pk=objects["program_a"].pk).status,
        type(objects["template_a"]).objects.filter(pk=objects["template_a"].pk).exists(),
        type(objects["exercise_a"]).objects.filter(pk=objects["exercise_a"].pk).exists(),
        Media.objects.count(),
        Media.objects.shown().count(),
        list(Episode.objects.values_list("discharge_asked_on", "ended_on")),
        list(MeasureResponse.objects.values_list("answers", "submitted_at")),
    )


@pytest.fixture
def world(db) -> dict:
    therapist_a, therapist_b = TherapistFactory(), TherapistFactory()
    patient_a = PatientFactory(
        therapist=therapist_a,
        timezone="UTC",
        user=UserFactory(first_name="Zelda", last_name="Quixote"),
    )
    patient_b = PatientFactory(therapist=therapist_b, timezone="UTC")
    today = timezone.now().date()
    program_a = PrescriptionFactory(
        patient=patient_a, prescribed_by=therapist_a, start_date=today - datetime.timedelta(9)
    )
    PrescriptionFactory(patient=patient_b, prescribed_by=therapist_b)
    item_a = PrescriptionItemFactory(prescription=program_a)
    report_a = PainReportFactory(patient=patient_a, prescription=program_a, pain_lasting="not_sure")
    completion_a = CompletionFactory(item=item_a, date=today - datetime.timedelta(days=1))
    alert_a = Alert.objects.create(patient=patient_a, kind=AlertKind.RED_FLAG, message="Tingling")
    suggestion_a = ProgressionSuggestion.objects.create(
        prescription=program_a,
        item=item_a,
        field="reps",
        from_value=10,
        to_value=12,
        reason="Too easy three times",
    )
    exercise_a = ExerciseFactory(owner=therapist_a)
    reset_calendar_link(patient=patient_a)
    _, invitation_token = create_invitation(patient=patient_a, created_by=therapist_a)
    load_measures()
    episode_a = start_episode(
        patient=patient_a,
        started_by=therapist_a,
        started_on=today,
        choices=[Choice(MeasureDefinition.objects.get(code="psfs"), "repeat", 2)],
    )
    response_a = MeasureResponse.objects.create(
        episode=episode_a,
        measure=MeasureDefinition.objects.get(code="psfs"),
        due_on=today,
        version="1",
        language="en",
        answers={"activity_1": "Stairs"},
    )
    return {
        "users": {
            "anonymous": None,
            "patient_a": patient_a.user,
            "patient_b": patient_b.user,
            "therapist_a": therapist_a,
            "therapist_b": therapist_b,
            "admin": AdminFactory(),
        },
        "today": today,
        "patient_a": patient_a,
        "program_a": program_a,
        "item_a": item_a,
        "report_a": report_a,
        "completion_a": completion_a,
        "alert_a": alert_a,
        "suggestion_a": suggestion_a,
        "template_a": ProgramTemplateFactory(owner=therapist_a),
        "exercise_a": exercise_a,
        "media_a": MediaFactory(item=item_a),
        "exercise_media_a": MediaFactory(item=None, exercise=exercise_a, kind="photo"),
        "invitation_token": invitation_token,
        "episode_a": episode_a,
        "response_a": response_a,
        "unsubscribe_token": unsubscribe_token(patient_a),
        "calendar_token": calendar_token(patient_a),
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_no_cell_of_the_matrix_leaks(world):
    clients = {visitor: client_for(user) for visitor, user in world["users"].items()}
    secret_name = "Quixote"
    wrong: list[str] = []
    for name, row in sorted(ROWS.items()):
        url = reverse(name, kwargs=row.kwargs(world))
        for visitor in VISITORS:
            expected = row.expect[visitor]
            response = clients[visitor].get(url)
            got = outcome(response)
            allowed = {expected} if not row.post_only else {expected, "405"}
            if got not in allowed:
                wrong.append(f"GET {name} as {visitor}: expected {expected}, got {got}")
            if got != "ok" and secret_name in response.content.decode(errors="replace"):
                wrong.append(f"GET {name} as {visitor}: {got} but shows patient A's name")
            if expected == "ok":
                continue
            before = state(world)
            response = clients[visitor].post(url, {})
            got = outcome(response)
            # An empty POST may also be refused as incomplete (400, 415) or by the API's
            # permission check (401/403) before the object is looked up.
            refusals = {expected, "405", "400", "415"} | ({"login"} if expected == "404" else set())
            if got not in refusals:
                wrong.append(f"POST {name} as {visitor}: expected {expected}, got {got}")
            if secret_name in response.content.decode(errors="replace"):
                wrong.append(f"POST {name} as {visitor}: {got} but shows patient A's name")
            if state(world) != before:
                wrong.append(f"POST {name} as {visitor}: changed data")
    assert not wrong, "\n".join(wrong)
