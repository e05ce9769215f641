"""Who may call what: nothing without logging in, and each role only its own endpoints.

The operations come from the OpenAPI schema itself, so a new endpoint is covered as soon as
it exists. Path ids point at real objects, so an endpoint that forgot its permissions would
show data here.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from outcomes.loading import load_measures
from outcomes.models import MeasureDefinition, MeasureResponse
from outcomes.services import Choice, start_episode
from patients.models import Alert, AlertKind
from prescriptions.models import ProgressionSuggestion
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    ProgramTemplateFactory,
)
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)
THERAPISTS_ONLY = (
    "/api/v1/patients/",
    "/api/v1/prescriptions/",
    "/api/v1/templates/",
    "/api/v1/alerts/",
    "/api/v1/suggestions/",
)
PATIENTS_ONLY = (
    "/api/v1/me/plan/",
    "/api/v1/me/completions/",
    "/api/v1/me/pain-reports/",
    "/api/v1/me/morning-checks/",
    "/api/v1/me/questionnaires/",
)


@pytest.fixture
def ids(therapist, patient, program, bridge, today) -> dict[str, int]:
    """An existing object of the logged-in users for each kind of path."""
    return {
        "exercises": ExerciseFactory(owner=therapist).pk,
        "patients": patient.pk,
        "prescriptions": program.pk,
        "templates": ProgramTemplateFactory(owner=therapist).pk,
        "alerts": Alert.objects.create(
            patient=patient, kind=AlertKind.REPORT, message="Numbness"
        ).pk,
        "suggestions": ProgressionSuggestion.objects.create(
            prescription=program, item=bridge, field="reps", from_value=10, to_value=12, reason="-"
        ).pk,
        "completions": CompletionFactory(item=bridge, date=today).pk,
        "pain-reports": PainReportFactory(patient=patient, date=today).pk,
        "questionnaire-responses": _response(patient, therapist, today).pk,
    }


def _response(patient, therapist, today) -> MeasureResponse:
    load_measures()
    psfs = MeasureDefinition.objects.get(code="psfs")
    episode = start_episode(
        patient=patient, started_by=therapist, started_on=today, choices=[Choice(psfs, "intake")]
    )
    return MeasureResponse.objects.create(
        episode=episode, measure=psfs, due_on=today, version="1", language="en"
    )


def url_for(path: str, ids: dict[str, int]) -> str:
    if "{id}" not in path:
        return path
    kind = path.removeprefix("/api/v1/").removeprefix("me/").split("/")[0]
    return path.replace("{id}", str(ids[kind]))


def call(client, method: str, url: str):
    return getattr(client, method.lower())(url, {}, format="json")


def test_the_schema_lists_the_operations_checked_here():
    assert len(OPERATIONS) >= 36


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_endpoint_serves_or_changes_anything_without_logging_in(anonymous, ids, method, path):
    response = call(anonymous, method, url_for(path, ids))
    if (method, path) == ("POST", "/api/v1/auth/token/"):
        # The login itself: without valid credentials it gives nothing.
        assert response.status_code == 400
        assert "token" not in response.json()
        return
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p in OPERATIONS if p.startswith(THERAPISTS_ONLY)],
    ids=lambda value: value,
)
def test_therapists_endpoints_do_not_exist_for_patients(patient, ids, method, path):
    response = call(token_client(patient.user), method, url_for(path, ids))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p in OPERATIONS if p.startswith(PATIENTS_ONLY)],
    ids=lambda value: value,
)
def test_patients_endpoints_do_not_exist_for_therapists(therapist, ids, method, path):
    response = call(token_client(therapist), method, url_for(path, ids))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p in OPERATIONS if "{id}" in p],
    ids=lambda value: value,
)
def test_someone_elses_ids_answer_404(other_therapist, other_patient, ids, method, path):
    """Another care team's therapist and another patient reach none of these objects
    (the exercise is a private one)."""
    for user in (other_therapist, other_patient.user):
        response = call(token_client(user), method, url_for(path, ids))
        if user == other_patient.user and path.startswith("/api/v1/exercises/") and method != "GET":
            # Patients change no exercise at all, whichever the id.
            assert response.status_code == 403
        else:
            assert response.status_code == 404, (user, response.content)
        assert set(response.json()) == {"detail"}


def test_an_unknown_api_path_answers_404_in_json(therapist_api):
    response = therapist_api.post("/api/v1/nothing/here/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
