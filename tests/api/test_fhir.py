"""The FHIR R4 export: a Bundle with the Patient, CarePlans and pain Observations."""

from __future__ import annotations

import re

import pytest

from patients.services import submit_pain_report
from prescriptions.models import Status
from tests.factories import (
    PainReportFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import ONE_DAY

pytestmark = pytest.mark.django_db

FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def export(client, patient):
    response = client.get(f"/api/v1/patients/{patient.pk}/fhir/")
    assert response.status_code == 200, response.content
    return response


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def references(value: object) -> list[str]:
    """Every ``reference`` anywhere in a resource."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [ref for item in value.values() for ref in references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    return []


@pytest.fixture
def record(patient, program, bridge, walk, today):
    """A program with two exercises (one since taken out), an ended one, and two reports
    (today's tingling is the patient's usual: ease off, no safety pause)."""
    program.days_of_week = [0, 2, 4]
    program.end_date = today + 30 * ONE_DAY
    program.save()
    walk.removed_on = today - 10 * ONE_DAY
    walk.save()
    ended = PrescriptionFactory(
        patient=patient,
        title="Earlier program",
        status=Status.ENDED,
        start_date=today - 90 * ONE_DAY,
        end_date=today - 31 * ONE_DAY,
    )
    PrescriptionItemFactory(prescription=ended)
    submit_pain_report(
        patient=patient,
        day=today,
        session=1,
        pain=6,
        tingling=True,
        leg_symptoms_usual=True,
        pain_lasting="no",
    )
    PainReportFactory(patient=patient, date=today - 40 * ONE_DAY, pain=2)
    return {"program": program, "ended": ended}


def test_export_is_a_fhir_collection_bundle_with_consistent_references(
    therapist_api, patient, record
):
    response = export(therapist_api, patient)
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in bundle["entry"]:
        assert FHIR_ID.match(entry["resource"]["id"])
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == ["Patient", "CarePlan", "CarePlan", "Observation", "Observation"]
    for entry in bundle["entry"]:
        for reference in references(entry["resource"]):
            assert reference in full_urls, reference


def test_export_patient_resource(therapist_api, patient, record):
    [resource] = resources(export(therapist_api, patient).json(), "Patient")
    assert resource["name"][0]["family"] == patient.user.last_name
    assert resource["name"][0]["given"] == [patient.user.first_name]
    assert resource["active"] is True
    assert resource["telecom"] == [{"system": "email", "value": patient.user.email}]


def test_export_care_plan_holds_the_exercises_with_dose_and_schedule(
    therapist_api, patient, record, bridge, walk, today
):
    bundle = export(therapist_api, patient).json()
    [subject] = resources(bundle, "Patient")
    earlier, current = resources(bundle, "CarePlan")
    assert (earlier["status"], current["status"]) == ("completed", "active")
    assert current["intent"] == "plan"
    assert current["title"] == "Gentle back program"
    assert current["description"] == "Walk to the shops without pain."
    assert current["subject"]["reference"] == f"urn:uuid:{subject['id']}"
    program = record["program"]
    assert current["period"] == {
        "start": program.start_date.isoformat(),
        "end": program.end_date.isoformat(),
    }
    active, retired = current["activity"]
    detail = active["detail"]
    assert detail["code"]["text"] == "Bridge"
    assert detail["status"] == "in-progress"
    assert "3 sets of 10 repetitions, hold 5 seconds, each side" in detail["description"]
    assert "light band" in detail["description"]
    assert detail["scheduledTiming"]["repeat"] == {
        "boundsPeriod": {
            "start": program.start_date.isoformat(),
            "end": program.end_date.isoformat(),
        },
        "frequency": 2,
        "period": 1,
        "periodUnit": "d",
        "dayOfWeek": ["mon", "wed", "fri"],
    }
    assert retired["detail"]["code"]["text"] == "Walking"
    assert retired["detail"]["status"] == "stopped"
    bounds = retired["detail"]["scheduledTiming"]["repeat"]["boundsPeriod"]
    assert bounds["end"] == (walk.removed_on - ONE_DAY).isoformat()


def test_paused_program_is_on_hold(therapist_api, patient, record):
    record["program"].status = Status.PAUSED
    record["program"].save()
    care_plan = resources(export(therapist_api, patient).json(), "CarePlan")[1]
    assert care_plan["status"] == "on-hold"
    assert care_plan["activity"][0]["detail"]["status"] == "on-hold"


def test_export_pain_reports_are_loinc_coded_observations(therapist_api, patient, record, today):
    bundle = export(therapist_api, patient).json()
    [subject] = resources(bundle, "Patient")
    care_plans = {plan["title"]: plan for plan in resources(bundle, "CarePlan")}
    older, latest = resources(bundle, "Observation")
    for observation in (older, latest):
        assert observation["status"] == "final"
        assert observation["category"] == [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                        "display": "Survey",
                    }
                ]
            }
        ]
        assert observation["code"]["coding"] == [
            {
                "system": "http://loinc.org",
                "code": "72514-3",
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            }
        ]
        assert observation["subject"] == {"reference": f"urn:uuid:{subject['id']}"}
        assert DATE.match(observation["effectiveDateTime"])
        assert isinstance(observation["valueInteger"], int)
    assert (latest["effectiveDateTime"], latest["valueInteger"]) == (today.isoformat(), 6)
    assert older["valueInteger"] == 2
    tingling = next(c for c in latest["component"] if c["code"]["text"] == "Tingling")
    assert tingling["valueBoolean"] is True
    current_plan = care_plans["Gentle back program"]
    assert latest["basedOn"] == [{"reference": f"urn:uuid:{current_plan['id']}"}]
    assert "basedOn" not in older


def test_exporting_twice_keeps_the_same_resource_identities(therapist_api, patient, record):
    first = export(therapist_api, patient).json()
    second = export(therapist_api, patient).json()
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_export_leaves_out_other_patients(therapist, therapist_api, patient, record):
    neighbour = PatientFactory(therapist=therapist)
    PainReportFactory(patient=neighbour, pain=9)
    bundle = export(therapist_api, patient).json()
    assert [o["valueInteger"] for o in resources(bundle, "Observation")] == [2, 6]


def test_export_also_answers_plain_json(therapist_api, patient, record):
    response = therapist_api.get(
        f"/api/v1/patients/{patient.pk}/fhir/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_export_is_for_the_care_team_only(other_therapist_api, patient_api, patient, record):
    url = f"/api/v1/patients/{patient.pk}/fhir/"
    assert other_therapist_api.get(url).status_code == 404
    assert patient_api.get(url).status_code == 404
