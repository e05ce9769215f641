"""A patient's record as a FHIR R4 Bundle, for the care team to hand to other systems.

The Bundle (type ``collection``) holds the Patient, one CarePlan per program (its activities
are the program's exercises with their dose and schedule) and one Observation per pain report
(LOINC 72514-3, the 0–10 numeric rating). Resources refer to each other by ``urn:uuid``
full URLs; the UUIDs derive from the site and the database ids, so exporting twice gives the
same identities and a receiving system can update rather than duplicate.

Read in four queries whatever the number of programs, exercises or reports: the patient with
their login (by the caller), programs, their items with exercises, pain reports. Apps above
this one add their own resources through ``BUNDLE_PARTS`` (outcome measures add their
Questionnaires, QuestionnaireResponses and score Observations), with their own queries.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from patients.models import Difficulty, PainReport, Patient
from patients.services import SAFETY_QUESTIONS
from prescriptions.models import Prescription, PrescriptionItem, Status

Resource = dict[str, Any]
# More resources for a patient's Bundle, given the patient and their Patient resource:
# registered by the apps that hold them (in their AppConfig.ready), in the order they come.
BundlePart = Callable[[Patient, Resource], list[Resource]]
BUNDLE_PARTS: list[BundlePart] = []

FHIR_MEDIA_TYPE = "application/fhir+json"
LOINC = "http://loinc.org"
LOINC_PAIN_SEVERITY = "72514-3"
LOINC_PAIN_SEVERITY_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CAREPLAN_STATUS = {Status.ACTIVE: "active", Status.PAUSED: "on-hold", Status.ENDED: "completed"}
ONE_DAY = datetime.timedelta(days=1)


def identity(kind: str, pk: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/fhir/{kind}/{pk}"))


def reference(resource: Resource) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource['id']}"}


def identifier(kind: str, pk: int) -> list[dict[str, str]]:
    return [{"system": f"{settings.SITE_URL}/fhir/{kind}", "value": str(pk)}]


def patient_resource(patient: Patient) -> Resource:
    user = patient.user
    name: dict[str, Any] = {"use": "official", "text": patient.display_name}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    resource: Resource = {
        "resourceType": "Patient",
        "id": identity("patient", patient.pk),
        "identifier": identifier("patient", patient.pk),
        "active": patient.archived_at is None,
        "name": [name],
    }
    if user.email:
        resource["telecom"] = [{"system": "email", "value": user.email}]
    return resource


def _activity_status(program: Prescription, item: PrescriptionItem, today: datetime.date) -> str:
    if item.removed_on is not None:
        return "cancelled" if item.removed_on <= program.start_date else "stopped"
    if program.status == Status.ENDED:
        return "completed"
    if program.status == Status.PAUSED:
        return "on-hold"
    return "not-started" if today < program.start_date else "in-progress"


def _description(item: PrescriptionItem) -> str:
    parts = [f"{item.exercise.name}: {item.dose_text()}."]
    if item.load:
        parts.append(f"Load: {item.load}.")
    if item.instructions:
        parts.append(item.instructions)
    return " ".join(parts)


def _activity(program: Prescription, item: PrescriptionItem, today: datetime.date) -> Resource:
    bounds: dict[str, str] = {"start": program.start_date.isoformat()}
    last_day = program.end_date
    if item.removed_on is not None and item.removed_on > program.start_date:
        retired = item.removed_on - ONE_DAY
        last_day = retired if last_day is None else min(last_day, retired)
    if last_day is not None:
        bounds["end"] = last_day.isoformat()
    return {
        "detail": {
            "code": {"text": item.exercise.name},
            "status": _activity_status(program, item, today),
            "doNotPerform": False,
            "scheduledTiming": {
                "repeat": {
                    "boundsPeriod": bounds,
                    "frequency": program.times_per_day,
                    "period": 1,
                    "periodUnit": "d",
                    "dayOfWeek": [WEEKDAY_CODES[day] for day in sorted(program.days_of_week)],
                }
            },
            "description": _description(item),
        }
    }


def care_plan_resource(program: Prescription, subject: Resource, today: datetime.date) -> Resource:
    """The program as a CarePlan; ``program.items`` prefetched (current and retired)."""
    period = {"start": program.start_date.isoformat()}
    if program.end_date is not None:
        period["end"] = program.end_date.isoformat()
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": identity("careplan", program.pk),
        "identifier": identifier("careplan", program.pk),
        "status": CAREPLAN_STATUS[Status(program.status)],
        "intent": "plan",
        "category": [{"text": "Home exercise program"}],
        "title": program.title,
        "subject": {**reference(subject), "display": subject["name"][0]["text"]},
        "period": period,
        "created": program.created_at.isoformat(),
        "activity": [_activity(program, item, today) for item in program.items.all()],
    }
    if program.goal:
        resource["description"] = program.goal
    if program.prescribed_by is not None:
        therapist = program.prescribed_by
        resource["author"] = {"display": therapist.get_full_name() or therapist.get_username()}
    if program.notes:
        resource["note"] = [{"text": program.notes}]
    return resource


def _component(text: str, value: bool) -> Resource:
    return {"code": {"text": text}, "valueBoolean": value}


def observation_resource(
    report: PainReport, subject: Resource, plans: dict[int, Resource]
) -> Resource:
    """A pain report as an Observation of pain severity (0–10), with what came with it."""
    resource: Resource = {
        "resourceType": "Observation",
        "id": identity("observation", report.pk),
        "identifier": identifier("observation", report.pk),
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {
            "coding": [
                {
                    "system": LOINC,
                    "code": LOINC_PAIN_SEVERITY,
                    "display": LOINC_PAIN_SEVERITY_DISPLAY,
                }
            ],
            "text": "Pain severity (0–10)",
        },
        "subject": reference(subject),
        "effectiveDateTime": report.date.isoformat(),
        "issued": report.updated_at.isoformat(),
        "valueInteger": report.pain,
        "component": [
            *(
                _component(
                    PainReport.label(name).capitalize(),
                    getattr(report, name),
                )
                for name in SAFETY_QUESTIONS
            ),
        ],
    }
    if report.prescription_id in plans:
        resource["basedOn"] = [reference(plans[report.prescription_id])]
    if report.pain_lasting:
        resource["component"].append(
            {
                "code": {"text": "Pain still there 15 minutes after stopping"},
                "valueString": report.get_pain_lasting_display(),
            }
        )
    if report.difficulty:
        resource["component"].append(
            {
                "code": {"text": "How the exercises felt"},
                "valueString": Difficulty(report.difficulty).label,
            }
        )
    if report.note:
        resource["note"] = [{"text": report.note}]
    return resource


def patient_bundle(patient: Patient, *, now: datetime.datetime | None = None) -> Resource:
    """The patient, their programs and their pain reports as a FHIR R4 collection Bundle.

    ``patient.user`` should be loaded already (``select_related("user")``).
    """
    now = now or timezone.now()
    today = patient.local_today(now)
    items = PrescriptionItem.objects.select_related("exercise").order_by("position", "pk")
    programs = (
        Prescription.objects.filter(patient=patient)
        .select_related("prescribed_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("start_date", "pk")
    )
    subject = patient_resource(patient)
    plans = {program.pk: care_plan_resource(program, subject, today) for program in programs}
    reports = PainReport.objects.filter(patient=patient).order_by("date", "session", "pk")
    observations = [observation_resource(report, subject, plans) for report in reports]
    resources = [subject, *plans.values(), *observations]
    for part in BUNDLE_PARTS:
        resources.extend(part(patient, subject))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now.isoformat()},
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }
