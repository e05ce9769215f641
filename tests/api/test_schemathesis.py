"""Schemathesis over the whole API v1 schema, as a therapist and as a patient.

For every operation, generated requests (valid and invalid ones) go through the real WSGI
application with a token. Every answer must be: not a server error, a status code the schema
documents, with the documented content type, and a body that conforms to the schema.

Runtime stays bounded: a fixed seed and a few examples per operation (see ``CONFIG``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from outcomes.loading import load_measures
from outcomes.models import MeasureDefinition, MeasureResponse
from outcomes.services import Choice, start_episode
from patients.models import AlertKind
from patients.services import record_completion, record_morning_check, submit_pain_report
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)
from tests.helpers import ONE_DAY, token_header

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 10
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # valid requests and invalid ones
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            "stateful": {"enabled": False},
            "coverage": {"generation": {"mode": "positive"}},
        },
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,  # a successful answer is sent again without the token: it must be refused
]


def openapi_document() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


class InTransactionWSGIApp:
    """Django's WSGI application, kept inside the test's database transaction.

    Django closes database connections when a request starts and finishes; the test client
    switches that off, and so does this (the test's data and its rollback stay intact).
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)
schema.app = InTransactionWSGIApp()


@pytest.fixture(autouse=True)
def _wsgi_host(settings):
    """Schemathesis calls the WSGI application as host ``localhost``."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]


@pytest.fixture
def clinic(therapist, patient):
    """A care team with data behind every endpoint, so that generated ids find something."""
    today = patient.local_today()
    program = PrescriptionFactory(
        patient=patient, prescribed_by=therapist, start_date=today - 30 * ONE_DAY, times_per_day=2
    )
    own = ExerciseFactory(owner=therapist, name="My own stretch")
    items = [
        PrescriptionItemFactory(prescription=program, exercise=ExerciseFactory()),
        PrescriptionItemFactory(prescription=program, exercise=own),
    ]
    record_completion(patient=patient, item=items[0], day=today, session=1)
    submit_pain_report(patient=patient, day=today - ONE_DAY, session=2, pain=2, pain_lasting="no")
    # A "not sure yet" for still-there/ to follow up, and a morning check to list.
    submit_pain_report(
        patient=patient, day=today - ONE_DAY, session=1, pain=2, pain_lasting="not_sure"
    )
    record_morning_check(patient=patient, answer="same")
    # Last, as it pauses the program for safety (a stop): end-safety-pause has a pause to end.
    submit_pain_report(
        patient=patient, day=today, session=1, pain=8, tingling=True, pain_lasting="no"
    )
    ProgramTemplateItemFactory(template=ProgramTemplateFactory(owner=therapist))
    ProgramTemplateItemFactory(template=ProgramTemplateFactory())
    # An episode of care with a questionnaire due and one answered.
    load_measures()
    episode = start_episode(
        patient=patient,
        started_by=therapist,
        started_on=today,
        choices=[
            Choice(MeasureDefinition.objects.get(code="psfs"), "intake"),
            Choice(MeasureDefinition.objects.get(code="pain-week"), "repeat", 1),
        ],
    )
    MeasureResponse.objects.create(
        episode=episode,
        measure=MeasureDefinition.objects.get(code="pain-week"),
        due_on=today,
        version="1",
        language="en",
        answers={"usual": 3},
    )
    # Someone else's, with ids next to ours: they must stay out of reach.
    stranger = PatientFactory()
    PrescriptionItemFactory(prescription=PrescriptionFactory(patient=stranger))
    assert patient.alerts.filter(kind=AlertKind.REPORT).exists()
    return {"therapist": therapist, "patient": patient}


@pytest.fixture(params=["therapist", "patient"])
def auth_headers(request, clinic) -> dict[str, str]:
    user = clinic["therapist"] if request.param == "therapist" else clinic["patient"].user
    return token_header(user)


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
def test_every_operation_answers_as_documented(case, auth_headers):
    response = case.call(headers=auth_headers)
    case.validate_response(response, checks=CHECKS, headers=auth_headers)


def test_schema_covers_every_endpoint():
    paths = set(openapi_document()["paths"])
    assert paths == {
        "/api/v1/alerts/",
        "/api/v1/alerts/{id}/",
        "/api/v1/alerts/{id}/acknowledge/",
        "/api/v1/auth/token/",
        "/api/v1/exercises/",
        "/api/v1/exercises/{id}/",
        "/api/v1/me/",
        "/api/v1/me/completions/",
        "/api/v1/me/completions/{id}/",
        "/api/v1/me/completions/{id}/effort/",
        "/api/v1/me/pain-reports/",
        "/api/v1/me/questionnaires/",
        "/api/v1/measures/",
        "/api/v1/measures/{code}/",
        "/api/v1/questionnaire-responses/",
        "/api/v1/questionnaire-responses/{id}/",
        "/api/v1/me/pain-reports/{id}/",
        "/api/v1/me/pain-reports/{id}/still-there/",
        "/api/v1/me/morning-checks/",
        "/api/v1/me/plan/",
        "/api/v1/patients/",
        "/api/v1/patients/{id}/",
        "/api/v1/patients/{id}/end-safety-pause/",
        "/api/v1/patients/{id}/fhir/",
        "/api/v1/patients/{id}/invitation/",
        "/api/v1/patients/{id}/medical-clearance/",
        "/api/v1/prescriptions/",
        "/api/v1/prescriptions/{id}/",
        "/api/v1/suggestions/",
        "/api/v1/suggestions/{id}/",
        "/api/v1/suggestions/{id}/apply/",
        "/api/v1/suggestions/{id}/dismiss/",
        "/api/v1/templates/",
        "/api/v1/templates/{id}/",
        "/api/v1/templates/{id}/start/",
    }
