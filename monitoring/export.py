"""A patient's completions and pain reports as one CSV file, for the clinic's records.

One row per record, oldest first, completions before the pain report of the same session; the
``Record`` column says which kind a row is. Rows are written as they are read (two queries,
read in chunks), so a long history streams instead of being built in memory.

Text a patient or therapist typed (notes, names, titles) is defused against formula injection:
a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import datetime
import heapq
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.text import slugify

from patients.models import Completion, PainReport, Patient

CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = [
    "Record",
    "Date",
    "Session",
    "Recorded at",
    "Program",
    "Exercise",
    "Sets",
    "Repetitions",
    "Hold (seconds)",
    "Duration (seconds)",
    "Rest (seconds)",
    "Side",
    "Dose done",
    "Pain 0-10 (NRS, LOINC 72514-3)",
    "Pain still there 15 minutes after stopping",
    "Symptoms",
    "Difficulty",
    "Note",
]
COMPLETION = "completion"
PAIN_REPORT = "pain report"


def defuse(value: Any) -> Any:
    """A cell value that a spreadsheet will not read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _blank(value: object) -> object:
    return "" if value is None else value


def _moment(moment: datetime.datetime, patient: Patient) -> str:
    return moment.astimezone(patient.zone).isoformat(timespec="seconds")


def completion_row(completion: Completion, patient: Patient) -> list[Any]:
    return [
        COMPLETION,
        completion.date.isoformat(),
        completion.session,
        _moment(completion.completed_at, patient),
        completion.item.prescription.title,
        completion.exercise_name,
        completion.sets,
        _blank(completion.reps),
        _blank(completion.hold_seconds),
        _blank(completion.duration_seconds),
        _blank(completion.rest_seconds),
        completion.get_side_display(),
        completion.dose_in_words(completion.side),
        "",
        "",
        "",
        "",
        "",
    ]


def report_row(report: PainReport, patient: Patient) -> list[Any]:
    return [
        PAIN_REPORT,
        report.date.isoformat(),
        report.session,
        _moment(report.updated_at, patient),
        report.prescription.title if report.prescription else "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        report.pain,
        report.get_pain_lasting_display() if report.pain_lasting else "not asked",
        "; ".join(report.symptom_labels()),
        report.get_difficulty_display() if report.difficulty else "",
        report.note,
    ]


def rows(patient: Patient) -> Iterator[list[Any]]:
    """Every record of the patient, oldest first, each as a list of cells (not defused)."""
    completions = (
        Completion.objects.filter(patient=patient)
        .select_related("item__prescription")
        .order_by("date", "session", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    reports = (
        PainReport.objects.filter(patient=patient)
        .select_related("prescription")
        .order_by("date", "session", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    # (date, session, completions first, id, record): the order of the rows.
    keyed: Iterator[tuple[datetime.date, int, int, int, Completion | PainReport]] = heapq.merge(
        ((c.date, c.session, 0, c.pk, c) for c in completions),
        ((r.date, r.session, 1, r.pk, r) for r in reports),
        key=lambda entry: entry[:4],
    )
    for *_key, record in keyed:
        if isinstance(record, Completion):
            yield completion_row(record, patient)
        else:
            yield report_row(record, patient)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(patient: Patient) -> Iterable[str]:
    """The CSV file, line by line, starting with a byte-order mark for spreadsheets."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for row in rows(patient):
        yield writer.writerow([defuse(cell) for cell in row])


def filename(patient: Patient, today: datetime.date) -> str:
    name = slugify(patient.display_name) or f"patient-{patient.pk}"
    return f"rehabit-{name}-{today.isoformat()}.csv"
