"""Outcome measures in the FHIR export: Questionnaire, QuestionnaireResponse and an
Observation per score, valid against the FHIR R4B structure (fhir.resources)."""

from __future__ import annotations

import datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tests.api.test_fhir import export, references, resources
from tests.outcomes.test_episodes import answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(episode):
    start = episode.started_on
    answered(episode, "pain-week", start, {"usual": 5, "worst": 8, "best": 2})
    answered(
        episode,
        "pain-week",
        start + datetime.timedelta(days=14),
        {"usual": 3, "worst": 4, "best": 2},
    )
    startback = {f"q{n}": ("agree" if n in (1, 5, 6, 7) else "disagree") for n in range(1, 9)}
    answered(episode, "startback", start, {**startback, "q9": "very-much"})
    answered(episode, "psfs", start, {"activity_1": "Stairs", "rating_1": 4})


def test_the_export_is_a_valid_fhir_r4b_bundle_with_the_questionnaires(
    therapist_api, patient, answers
):
    bundle = export(therapist_api, patient).json()
    Bundle.model_validate(bundle)  # refuses anything not in the FHIR structure
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("Questionnaire") == 3
    assert kinds.count("QuestionnaireResponse") == 4
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    for entry in bundle["entry"]:
        for link in references(entry["resource"]):
            assert link in full_urls, link
    for resource in resources(bundle, "Questionnaire"):
        Questionnaire.model_validate(resource)
    for resource in resources(bundle, "QuestionnaireResponse"):
        QuestionnaireResponse.model_validate(resource)
    for resource in resources(bundle, "Observation"):
        Observation.model_validate(resource)
    FhirPatient.model_validate(resources(bundle, "Patient")[0])


def test_each_score_is_an_observation_loinc_coded_where_the_measure_has_a_code(
    therapist_api, patient, answers
):
    bundle = export(therapist_api, patient).json()
    scores = [r for r in resources(bundle, "Observation") if "derivedFrom" in r]
    pain = [r for r in scores if r["code"].get("coding", [{}])[0].get("code") == "72514-3"]
    assert [r["valueQuantity"]["value"] for r in pain] == [5.0, 3.0]
    assert pain[0]["interpretation"] == [{"text": "Moderate pain"}]
    startback = [r for r in scores if r["code"]["text"].startswith("Keele STarT Back")]
    assert sorted(r["valueQuantity"]["value"] for r in startback) == [4.0, 5.0]
    assert {"text": "High risk"} in [i for r in startback for i in r.get("interpretation", [])]


def test_a_response_answers_its_questionnaire_by_canonical_url_and_version(
    therapist_api, patient, answers
):
    bundle = export(therapist_api, patient).json()
    urls = {q["url"]: q for q in resources(bundle, "Questionnaire")}
    for response in resources(bundle, "QuestionnaireResponse"):
        url, version = response["questionnaire"].split("|")
        assert urls[url]["version"] == version
        assert response["status"] == "completed"
    startback = next(q for q in urls.values() if q["name"] == "Startback")
    assert "© Keele University" in startback["copyright"]


def test_unsent_answers_stay_out_of_the_export(therapist_api, patient, episode):
    from outcomes.models import MeasureResponse

    MeasureResponse.objects.create(
        episode=episode,
        measure=episode.schedule.get(measure__code="psfs").measure,
        due_on=episode.started_on,
        version="1",
        language="en",
        answers={"activity_1": "Stairs"},
    )
    bundle = export(therapist_api, patient).json()
    assert resources(bundle, "QuestionnaireResponse") == []
