"""Outcome measures in the patient's FHIR R4 Bundle (patients/fhir.py).

Each measure the patient was asked becomes a Questionnaire (its items, answer options and
licence, identified by a canonical URL and the version answered); each sent response a
QuestionnaireResponse; each score an Observation derived from it, coded with LOINC where the
measure's file gives a code, with its band as the interpretation. Three queries: episodes,
their schedule's measures, their responses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from outcomes.definitions import ORIGINAL_LANGUAGE, Item, Measure, pick
from outcomes.models import Episode, MeasureDefinition, MeasureResponse, ScheduledMeasure
from patients.fhir import LOINC, OBSERVATION_CATEGORY, Resource, identifier, identity, reference
from patients.models import Patient

ITEM_TYPES = {"text": "string", "scale": "integer", "choice": "choice"}
UCUM = "http://unitsofmeasure.org"


def canonical_url(measure: Measure) -> str:
    return f"{settings.SITE_URL}/fhir/Questionnaire/{measure.code}"


def _item(item: Item) -> Resource:
    resource: Resource = {
        "linkId": item.id,
        "text": pick(item.label, ORIGINAL_LANGUAGE),
        "type": ITEM_TYPES[item.type],
        "required": item.required,
    }
    if item.type == "choice":
        resource["answerOption"] = [
            {"valueCoding": {"code": option.value, "display": pick(option.label, "en")}}
            for option in item.options
        ]
    if item.needs:
        asked_when = {"question": item.needs, "operator": "exists", "answerBoolean": True}
        resource["enableWhen"] = [asked_when]
    return resource


def questionnaire_resource(definition: MeasureDefinition) -> Resource:
    measure = definition.measure
    return {
        "resourceType": "Questionnaire",
        "id": identity("questionnaire", definition.pk),
        "url": canonical_url(measure),
        "version": measure.version,
        "name": "".join(part.capitalize() for part in measure.code.split("-")),
        "title": measure.text("title", ORIGINAL_LANGUAGE),
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": measure.text("licence", ORIGINAL_LANGUAGE),
        "item": [_item(item) for item in measure.items],
    }


def _answer(item: Item, value: Any) -> Resource:
    if item.type == "scale":
        return {"valueInteger": int(value)}
    if item.type == "choice":
        option = item.option(str(value))
        display = pick(option.label, ORIGINAL_LANGUAGE) if option else str(value)
        return {"valueCoding": {"code": str(value), "display": display}}
    return {"valueString": str(value)}


def response_resource(
    response: MeasureResponse, subject: Resource, questionnaire: Resource
) -> Resource:
    measure = response.measure.measure
    answered = [item for item in measure.items if response.answers.get(item.id) not in (None, "")]
    assert response.submitted_at is not None  # only sent responses are exported
    return {
        "resourceType": "QuestionnaireResponse",
        "id": identity("questionnaire-response", response.pk),
        "identifier": identifier("questionnaire-response", response.pk)[0],
        "questionnaire": f"{questionnaire['url']}|{response.version}",
        "status": "completed",
        "subject": reference(subject),
        "authored": response.submitted_at.isoformat(),
        "item": [
            {
                "linkId": item.id,
                "text": pick(item.label, ORIGINAL_LANGUAGE),
                "answer": [_answer(item, response.answers[item.id])],
            }
            for item in answered
        ],
    }


def score_observations(
    response: MeasureResponse, subject: Resource, answers: Resource
) -> list[Resource]:
    measure = response.measure.measure
    band = next((b for b in measure.bands if b.key == response.band), None)
    observations = []
    for score in measure.scores:
        value = response.scores.get(score.key)
        if value is None:
            continue
        code: Resource = {"text": f"{measure.text('title', 'en')}: {pick(score.label, 'en')}"}
        if measure.loinc and score.key == measure.primary:
            code["coding"] = [{"system": LOINC, "code": measure.loinc}]
        observation: Resource = {
            "resourceType": "Observation",
            "id": identity(f"score-{score.key}", response.pk),
            "status": "final",
            "category": [
                {
                    "coding": [
                        {"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                    ]
                }
            ],
            "code": code,
            "subject": reference(subject),
            "effectiveDateTime": response.due_on.isoformat(),
            "valueQuantity": {
                "value": value,
                "unit": "score",
                "system": UCUM,
                "code": "{score}",
            },
            "derivedFrom": [reference(answers)],
        }
        if band is not None and score.key == measure.primary:
            observation["interpretation"] = [{"text": pick(band.label, "en")}]
        observations.append(observation)
    return observations


def outcome_resources(patient: Patient, subject: Resource) -> list[Resource]:
    episodes = Episode.objects.filter(patient=patient).prefetch_related(
        Prefetch("schedule", queryset=ScheduledMeasure.objects.select_related("measure")),
        Prefetch("responses", queryset=MeasureResponse.objects.submitted().order_by("due_on")),
    )
    questionnaires: dict[int, Resource] = {}
    others: list[Resource] = []
    for episode in episodes:
        measures = {scheduled.measure_id: scheduled.measure for scheduled in episode.schedule.all()}
        for response in episode.responses.all():
            definition = measures.get(response.measure_id)
            if definition is None:
                continue
            response.measure = definition
            if definition.pk not in questionnaires:
                questionnaires[definition.pk] = questionnaire_resource(definition)
            answers = response_resource(response, subject, questionnaires[definition.pk])
            others.append(answers)
            others.extend(score_observations(response, subject, answers))
    return [*questionnaires.values(), *others]
