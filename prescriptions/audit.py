"""The audit trail as the care team reads it: who opened or changed what in a patient's record.

Entries are written by django-auditlog (changes through model signals; openings through
``record_access``); this module finds a patient's entries and puts them in plain words.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone
from django.utils.text import Truncator, capfirst

from exercises.models import Precaution
from patients.models import Alert, PainReport, Patient, SafetyPause
from prescriptions.models import Prescription, PrescriptionItem, days_in_words

# Fields whose values the trail never shows (secrets, bookkeeping).
HIDDEN_VALUES = frozenset({"calendar_token"})
SKIPPED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "user", "patient", "pauses", "report", "ended_by", "entries"}
)
TEXT_LIMIT = 140
# Lists of condition codes, shown by their names.
PRECAUTION_FIELDS = frozenset({"precautions_acknowledged", "conditions"})

ACTIONS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Opened",
}


def record_access(patient: Patient) -> None:
    """Write an "opened" entry for the patient's record; the audit middleware names the actor.

    Expects ``patient.user`` loaded (the entry stores the patient's name).
    """
    accessed.send(sender=Patient, instance=patient)


def _types() -> dict[type[models.Model], ContentType]:
    return ContentType.objects.get_for_models(
        Patient, Prescription, PrescriptionItem, PainReport, Alert, SafetyPause
    )


def patient_trail(patient: Patient) -> QuerySet[LogEntry]:
    """Entries about the patient, their programs and items, pain reports and alerts, newest
    first. Items and programs deleted since are found by the patient's id stored with them."""
    types = _types()
    program_types = [types[Prescription].pk, types[PrescriptionItem].pk]
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Patient], object_id=patient.pk)
            | Q(
                content_type=types[Prescription],
                object_id__in=Prescription.objects.filter(patient=patient).values("pk"),
            )
            | Q(
                content_type=types[PrescriptionItem],
                object_id__in=PrescriptionItem.objects.filter(prescription__patient=patient).values(
                    "pk"
                ),
            )
            | Q(
                content_type=types[PainReport],
                object_id__in=PainReport.objects.filter(patient=patient).values("pk"),
            )
            | Q(
                content_type=types[Alert],
                object_id__in=Alert.objects.filter(patient=patient).values("pk"),
            )
            | Q(
                content_type=types[SafetyPause],
                object_id__in=SafetyPause.objects.filter(patient=patient).values("pk"),
            )
            | Q(content_type__in=program_types, additional_data__patient_id=patient.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def program_trail(program: Prescription) -> QuerySet[LogEntry]:
    """Changes to the program and its items, and the safety pauses that held it (openings
    left out), newest first."""
    types = _types()
    return (
        LogEntry.objects.filter(
            Q(content_type=types[Prescription], object_id=program.pk)
            | Q(
                content_type=types[PrescriptionItem],
                object_id__in=PrescriptionItem.objects.filter(prescription=program).values("pk"),
            )
            | Q(
                content_type=types[PrescriptionItem],
                additional_data__prescription_id=program.pk,
            )
            | Q(
                content_type=types[SafetyPause],
                object_id__in=SafetyPause.objects.filter(programs=program).values("pk"),
            )
        )
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


# --- In plain words ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailEntry:
    timestamp: datetime.datetime
    actor: str
    action: str
    subject: str
    changes: list[str]

    @property
    def sentence(self) -> str:
        return f"{self.action} {self.subject}"


def _actor(entry: LogEntry, patient: Patient | None) -> str:
    actor = entry.actor
    if actor is None:
        return entry.actor_email or "Rehabit (automatic)"
    name = actor.get_full_name() or actor.get_username()
    if patient is not None and actor.pk == patient.user_id:
        return f"{name} (the patient)"
    return name


def _subject(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    text = entry.object_repr
    if model is Patient:
        return f"the record of {text}"
    if model is Prescription:
        return f"the program “{text}”"
    if model is PrescriptionItem:
        exercise, _, program = text.partition(" in ")
        return f"the exercise “{exercise}” in “{program}”" if program else f"the exercise {text}"
    if model is PainReport:
        return f"the {text[:1].lower()}{text[1:]}"
    if model is Alert:
        return f"the alert “{text}”"
    if model is SafetyPause:
        return "the safety pause"
    return text


def _empty(value: object) -> bool:
    return value in (None, "", "None", "[]", "{}")


def _value(field: models.Field | None, raw: object) -> str:
    """One stored value as a person reads it."""
    if _empty(raw):
        return "—"
    text = str(raw)
    if field is None:
        return Truncator(text).chars(TEXT_LIMIT)
    if field.choices:
        return str(dict(field.flatchoices).get(text, dict(field.flatchoices).get(raw, text)))
    if isinstance(field, models.BooleanField):
        return {"True": "yes", "False": "no"}.get(text, text)
    if isinstance(field, models.JSONField):
        try:
            parsed = json.loads(text)
        except ValueError:
            return Truncator(text).chars(TEXT_LIMIT)
        if field.name == "days_of_week" and isinstance(parsed, list):
            return days_in_words(parsed)
        if field.name in PRECAUTION_FIELDS and isinstance(parsed, list):
            labels = dict(Precaution.choices)
            return ", ".join(str(labels.get(code, code)) for code in parsed) or "—"
        if isinstance(parsed, list):
            return ", ".join(str(part) for part in parsed) or "—"
        return Truncator(text).chars(TEXT_LIMIT)
    if isinstance(field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return dateformat.format(timezone.localtime(moment), "j M Y, H:i")
    if isinstance(field, models.DateField):
        try:
            return dateformat.format(datetime.date.fromisoformat(text), "j M Y")
        except ValueError:
            return text
    return Truncator(text).chars(TEXT_LIMIT)


def _m2m_words(label: str, change: dict[str, object]) -> str:
    objects = change.get("objects") or []
    names = ", ".join(str(name) for name in objects) if isinstance(objects, list) else ""
    verb = "added" if change.get("operation") == "add" else "removed"
    return f"{label}: {verb} {names}".strip()


def change_lines(entry: LogEntry) -> list[str]:
    """The entry's changes in plain words, one line per field."""
    if entry.action in (LogEntry.Action.ACCESS, LogEntry.Action.DELETE):
        return []
    model = entry.content_type.model_class()
    lines = []
    changes = entry.changes_dict or {}
    order = {f.name: index for index, f in enumerate(model._meta.get_fields())} if model else {}
    for name in sorted(changes, key=lambda name: order.get(name, len(order))):
        values = changes[name]
        if name in SKIPPED_FIELDS:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = capfirst(str(getattr(field, "verbose_name", name.replace("_", " "))))
        if isinstance(values, dict):
            lines.append(_m2m_words(label, values))
            continue
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue
        old, new = values
        if name in HIDDEN_VALUES:
            lines.append(f"{label}: changed")
            continue
        if field is not None and field.is_relation:
            if entry.action == LogEntry.Action.UPDATE:
                lines.append(f"{label}: changed")
            continue
        if name == "removed_on" and model is PrescriptionItem:
            if not _empty(new):
                lines.append(f"Taken out of the program from {_value(field, new)}")
            elif entry.action == LogEntry.Action.UPDATE:
                lines.append("Put back into the program")
            continue
        if name == "archived_at" and model is Patient:
            if entry.action == LogEntry.Action.UPDATE:
                lines.append("Archived" if not _empty(new) else "Restored to the caseload")
            continue
        if name == "position" and model is PrescriptionItem:
            if entry.action == LogEntry.Action.UPDATE:
                lines.append(f"Place in the list: {_place(old)} → {_place(new)}")
            continue
        if entry.action == LogEntry.Action.CREATE:
            if not _empty(new) and new != "False":
                lines.append(f"{label}: {_value(field, new)}")
        else:
            lines.append(f"{label}: {_value(field, old)} → {_value(field, new)}")
    return lines


def _place(raw: object) -> str:
    try:
        return str(int(str(raw)) + 1)
    except ValueError:
        return str(raw)


def describe(entry: LogEntry, *, patient: Patient | None = None) -> TrailEntry:
    return TrailEntry(
        timestamp=entry.timestamp,
        actor=_actor(entry, patient),
        action=ACTIONS.get(entry.action, "Recorded"),
        subject=_subject(entry),
        changes=change_lines(entry),
    )


def describe_all(
    entries: Iterable[LogEntry], *, patient: Patient | None = None
) -> list[TrailEntry]:
    return [describe(entry, patient=patient) for entry in entries]
