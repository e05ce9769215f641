"""A patient's day as the Today and day pages show it: what is due, what is done, pain reports.

Reads only, in a fixed number of queries whatever the number of programs, items or sessions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from exercises.details import ExerciseDetails, details_for
from exercises.models import Side
from patients.guidance import Guidance, Level, paused_guidance
from patients.models import Completion, Difficulty, PainReport, Patient, SafetyPause
from patients.services import (
    can_log_on,
    clinic_phone_for,
    guidance_for_report,
    paused_for_safety,
    report_sessions,
)
from prescriptions.models import Prescription, PrescriptionItem
from prescriptions.schedule import DueProgram, plan_for_day

# Relax between holds when the program gives no rest time.
DEFAULT_REST_SECONDS = 5


@dataclass
class ItemRow:
    """One exercise in one session: the unit a patient ticks off."""

    item: PrescriptionItem
    session: int
    sessions: int
    completion: Completion | None
    patient: Patient
    details: ExerciseDetails  # steps and equipment, from the catalogue cache
    current: bool = False  # the next exercise to do: its instructions are shown opened up

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def dom_id(self) -> str:
        return f"item-{self.item.pk}-s{self.session}"

    @property
    def effort_choices(self) -> list[tuple[str, str]]:
        """The answers to "how did it feel?" after a tick, as the buttons show them."""
        return list(Difficulty.choices)

    @property
    def cautions(self) -> list[str]:
        """The exercise's precautions that match the patient's conditions."""
        return self.item.exercise.precautions_matching(self.patient.conditions)

    @property
    def has_timer(self) -> bool:
        return bool(self.item.hold_seconds or self.item.duration_seconds)

    @property
    def timer_sides(self) -> int:
        return 2 if self.item.side in (Side.EACH, Side.ALTERNATING) else 1

    @property
    def timer_rest(self) -> int:
        rest = self.item.rest_seconds
        return DEFAULT_REST_SECONDS if rest is None else rest


@dataclass
class SessionBlock:
    program: DueProgram
    number: int
    rows: list[ItemRow]
    report: PainReport | None

    @property
    def done_count(self) -> int:
        return sum(1 for row in self.rows if row.done)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def all_done(self) -> bool:
        return self.done_count == self.total

    @property
    def dom_id(self) -> str:
        return f"program-{self.program.prescription.pk}-s{self.number}"


@dataclass
class ProgramBlock:
    program: DueProgram
    sessions: list[SessionBlock]

    @property
    def prescription(self) -> Prescription:
        return self.program.prescription

    @property
    def current_session(self) -> int | None:
        """The first session not yet finished (the one to open), None when all are done."""
        return next((block.number for block in self.sessions if not block.all_done), None)


@dataclass
class DayPlan:
    patient: Patient
    day: datetime.date
    today: datetime.date
    programs: list[ProgramBlock]
    reports: dict[int, PainReport]
    report_sessions: int
    other_completions: list[Completion] = field(default_factory=list)
    # While a safety pause is open (DESIGN §5): why, in the words the patient was given.
    safety_pause: SafetyPause | None = None
    stop: Guidance | None = None

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    @property
    def is_yesterday(self) -> bool:
        return self.day == self.today - datetime.timedelta(days=1)

    @property
    def previous_day(self) -> datetime.date | None:
        return self.day - datetime.timedelta(days=1) if self.day > datetime.date.min else None

    @property
    def next_day(self) -> datetime.date | None:
        following = self.day + datetime.timedelta(days=1)
        return following if following <= self.today else None

    @property
    def can_log(self) -> bool:
        return can_log_on(self.day, self.today)

    @property
    def rows(self) -> list[ItemRow]:
        return [row for block in self.programs for s in block.sessions for row in s.rows]

    @property
    def done_count(self) -> int:
        return sum(1 for row in self.rows if row.done)

    @property
    def due_count(self) -> int:
        return len(self.rows)

    @property
    def all_done(self) -> bool:
        return self.due_count > 0 and self.done_count == self.due_count

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.due_count) if self.due_count else 0

    def row(self, item_id: int, session: int) -> ItemRow | None:
        return next(
            (r for r in self.rows if r.item.pk == item_id and r.session == session),
            None,
        )

    def session_block(self, item_id: int, session: int) -> SessionBlock | None:
        for block in self.programs:
            for session_block in block.sessions:
                if session_block.number == session and any(
                    row.item.pk == item_id for row in session_block.rows
                ):
                    return session_block
        return None

    def next_report_session(self) -> int:
        """The session to ask about: the first with ticks but no report, else the first
        without a report, else the last."""
        numbers = range(1, self.report_sessions + 1)
        ticked = {row.session for row in self.rows if row.done}
        for number in numbers:
            if number in ticked and number not in self.reports:
                return number
        return next((n for n in numbers if n not in self.reports), self.report_sessions)


def programs_for_day(patient: Patient, day: datetime.date) -> list[Prescription]:
    """The patient's programs active on the day, with their items and exercises.

    Two queries: programs, and items joined with their exercise. Steps and equipment come
    from the catalogue cache (``exercises.details``).
    """
    items = PrescriptionItem.objects.select_related("exercise")
    return list(
        Prescription.objects.filter(patient=patient)
        .active_on(day)
        .prefetch_related(Prefetch("items", queryset=items))
    )


def load_day_plan(patient: Patient, day: datetime.date, today: datetime.date) -> DayPlan:
    """Everything the day page shows, in five queries (the safety pause, two in
    ``programs_for_day``, completions, reports), plus two more for exercises whose steps are
    not in the catalogue cache yet; a day under a safety pause reads no programs."""
    pause = paused_for_safety(patient, day)
    # During a safety pause nothing is due, even on a program started or resumed meanwhile.
    programs = [] if pause is not None else programs_for_day(patient, day)
    details = details_for(item.exercise for program in programs for item in program.items.all())
    completions = {
        (c.item_id, c.session): c
        for c in Completion.objects.filter(patient=patient, date=day).order_by("pk")
    }
    reports = {
        r.session: r
        for r in PainReport.objects.filter(patient=patient, date=day).select_related("prescription")
    }
    blocks: list[ProgramBlock] = []
    shown: set[tuple[int, int]] = set()
    for due in plan_for_day(programs, day):
        sessions = []
        for number in due.session_numbers:
            rows = [
                ItemRow(
                    item=item,
                    session=number,
                    sessions=due.sessions,
                    completion=completions.get((item.pk, number)),
                    patient=patient,
                    details=details[item.exercise_id],
                )
                for item in due.items
            ]
            shown.update((item.pk, number) for item in due.items)
            sessions.append(
                SessionBlock(program=due, number=number, rows=rows, report=reports.get(number))
            )
        block = ProgramBlock(program=due, sessions=sessions)
        for session_block in sessions:
            if session_block.number == block.current_session:
                next_row = next(row for row in session_block.rows if not row.done)
                next_row.current = True
        blocks.append(block)
    other = [c for key, c in completions.items() if key not in shown]
    return DayPlan(
        patient=patient,
        day=day,
        today=today,
        programs=blocks,
        reports=reports,
        report_sessions=report_sessions(programs, day),
        other_completions=other,
        safety_pause=pause,
        stop=pause_guidance(pause) if pause is not None else None,
    )


def pause_guidance(pause: SafetyPause) -> Guidance:
    """What the patient was told when the pause began; the clinic phone on every stop screen."""
    if pause.report is not None:
        return guidance_for_report(pause.report)
    return paused_guidance(
        level=Level(pause.level),
        clinic_phone=clinic_phone_for(pause.patient),
        emergency_number=settings.REHABIT_EMERGENCY_NUMBER,
    )
