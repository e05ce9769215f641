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
from django.utils.functional import Promise
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exercises.models import Precaution
from patients.models import Alert, PainReport, Patient, SafetyPause
from prescriptions.models import Media, Prescription, PrescriptionItem, days_in_words

# Fields whose values the trail never shows (secrets, bookkeeping).
HIDDEN_VALUES = frozenset({"calendar_token"})
SKIPPED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "user", "patient", "pauses", "report", "ended_by", "entries"}
    | {"key", "file"}
)
TEXT_LIMIT = 140
# Lists of condition codes, shown by their names.
PRECAUTION_FIELDS = frozenset({"precautions_acknowledged", "conditions"})

ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Opened"),
}
C, U, D, A = (
    LogEntry.Action.CREATE,
    LogEntry.Action.UPDATE,
    LogEntry.Action.DELETE,
    LogEntry.Action.ACCESS,
)
# Each line of the trail as one whole sentence: what was done to what. %(name)s is a patient,
# %(title)s a program, %(exercise)s an exercise, %(text)s the object as recorded then.
SENTENCES: dict[tuple[int, str], Promise] = {
    (C, "record"): gettext_lazy("Created the record of %(name)s"),
    (U, "record"): gettext_lazy("Changed the record of %(name)s"),
    (D, "record"): gettext_lazy("Deleted the record of %(name)s"),
    (A, "record"): gettext_lazy("Opened the record of %(name)s"),
    (C, "program"): gettext_lazy("Created the program “%(title)s”"),
    (U, "program"): gettext_lazy("Changed the program “%(title)s”"),
    (D, "program"): gettext_lazy("Deleted the program “%(title)s”"),
    (A, "program"): gettext_lazy("Opened the program “%(title)s”"),
    (C, "item"): gettext_lazy("Created the exercise “%(exercise)s” in “%(title)s”"),
    (U, "item"): gettext_lazy("Changed the exercise “%(exercise)s” in “%(title)s”"),
    (D, "item"): gettext_lazy("Deleted the exercise “%(exercise)s” in “%(title)s”"),
    (A, "item"): gettext_lazy("Opened the exercise “%(exercise)s” in “%(title)s”"),
    (C, "exercise"): gettext_lazy("Created the exercise %(text)s"),
    (U, "exercise"): gettext_lazy("Changed the exercise %(text)s"),
    (D, "exercise"): gettext_lazy("Deleted the exercise %(text)s"),
    (A, "exercise"): gettext_lazy("Opened the exercise %(text)s"),
    # Translators: %(text)s names a pain report as recorded, e.g. "pain report of 3 Mar".
    (C, "report"): gettext_lazy("Created the %(text)s"),
    (U, "report"): gettext_lazy("Changed the %(text)s"),
    (D, "report"): gettext_lazy("Deleted the %(text)s"),
    (A, "report"): gettext_lazy("Opened the %(text)s"),
    (C, "alert"): gettext_lazy("Created the alert “%(text)s”"),
    (U, "alert"): gettext_lazy("Changed the alert “%(text)s”"),
    (D, "alert"): gettext_lazy("Deleted the alert “%(text)s”"),
    (A, "alert"): gettext_lazy("Opened the alert “%(text)s”"),
    (C, "pause"): gettext_lazy("Created the safety pause"),
    (U, "pause"): gettext_lazy("Changed the safety pause"),
    (D, "pause"): gettext_lazy("Deleted the safety pause"),
    (A, "pause"): gettext_lazy("Opened the safety pause"),
}


def record_access(patient: Patient) -> None:
    """Write an "opened" entry for the patient's record; the audit middleware names the actor.

    Expects ``patient.user`` loaded (the entry stores the patient's name).
    """
    accessed.send(sender=Patient, instance=patient)


def _types() -> dict[type[models.Model], ContentType]:
    return ContentType.objects.get_for_models(
        Patient, Prescription, PrescriptionItem, PainReport, Alert, SafetyPause, Media
    )


def patient_trail(patient: Patient) -> QuerySet[LogEntry]:
    """Entries about the patient, their programs and items, pain reports and alerts, newest
    first. Items and programs deleted since are found by the patient's id stored with them."""
    types = _types()
    # Photos and videos of the patient's items carry the patient's id too.
    program_types = [types[Prescription].pk, types[PrescriptionItem].pk, types[Media].pk]
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
    sentence: str
    changes: list[str]


def _actor(entry: LogEntry, patient: Patient | None) -> str:
    actor = entry.actor
    if actor is None:
        return entry.actor_email or _("Rehabit (automatic)")
    name = actor.get_full_name() or actor.get_username()
    if patient is not None and actor.pk == patient.user_id:
        return _("%(name)s (the patient)") % {"name": name}
    return name


def _sentence(entry: LogEntry) -> str:
    """What was done to what, in one sentence (object names as they were recorded)."""
    model = entry.content_type.model_class()
    text = entry.object_repr
    values = {"text": text, "name": text, "title": text}
    kind = ""
    if model is Patient:
        kind = "record"
    elif model is Prescription:
        kind = "program"
    elif model is PrescriptionItem:
        exercise, _in, program = text.partition(" in ")
        kind = "item" if program else "exercise"
        values.update(exercise=exercise, title=program)
    elif model is PainReport:
        kind, values["text"] = "report", f"{text[:1].lower()}{text[1:]}"
    elif model is Alert:
        kind = "alert"
    elif model is SafetyPause:
        kind = "pause"
    sentence = SENTENCES.get((entry.action, kind))
    if sentence is None:
        # Translators: an audit-trail line for anything else: "Changed" and what it was.
        return _("%(action)s %(text)s") % {
            "action": ACTIONS.get(entry.action, _("Recorded")),
            "text": text,
        }
    return str(sentence) % values


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
        return {"True": _("yes"), "False": _("no")}.get(text, text)
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
    if change.get("operation") == "add":
        return (_("%(field)s: added %(names)s") % {"field": label, "names": names}).strip()
    return (_("%(field)s: removed %(names)s") % {"field": label, "names": names}).strip()


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
            lines.append(_("%(field)s: changed") % {"field": label})
            continue
        if field is not None and field.is_relation:
            if entry.action == LogEntry.Action.UPDATE:
                lines.append(_("%(field)s: changed") % {"field": label})
            continue
        if name == "removed_on" and model is PrescriptionItem:
            if not _empty(new):
                lines.append(
                    _("Taken out of the program from %(day)s") % {"day": _value(field, new)}
                )
            elif entry.action == LogEntry.Action.UPDATE:
                lines.append(_("Put back into the program"))
            continue
        if name == "archived_at" and model is Patient:
            if entry.action == LogEntry.Action.UPDATE:
                lines.append(_("Archived") if not _empty(new) else _("Restored to the caseload"))
            continue
        if name == "position" and model is PrescriptionItem:
            if entry.action == LogEntry.Action.UPDATE:
                lines.append(
                    _("Place in the list: %(old)s → %(new)s")
                    % {"old": _place(old), "new": _place(new)}
                )
            continue
        if entry.action == LogEntry.Action.CREATE:
            if not _empty(new) and new != "False":
                lines.append(
                    _("%(field)s: %(value)s") % {"field": label, "value": _value(field, new)}
                )
        else:
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {"field": label, "old": _value(field, old), "new": _value(field, new)}
            )
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
        action=str(ACTIONS.get(entry.action, _("Recorded"))),
        sentence=_sentence(entry),
        changes=change_lines(entry),
    )


def describe_all(
    entries: Iterable[LogEntry], *, patient: Patient | None = None
) -> list[TrailEntry]:
    return [describe(entry, patient=patient) for entry in entries]
