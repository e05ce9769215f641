"""A patient's day as the Today and day pages show it: what is due, what is done, pain reports.

Reads only, in a fixed number of queries whatever the number of programs, items or sessions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from exercises.details import ExerciseDetails, details_for
from exercises.models import Side
from patients.guidance import Guidance, Lasting
from patients.models import Completion, Difficulty, MorningCheck, PainReport, Patient, SafetyPause
from patients.reminder_times import time_in_words
from patients.services import (
    can_log_on,
    pause_guidance,
    paused_for_safety,
    report_sessions,
)
from prescriptions.models import Media, Prescription, PrescriptionItem
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
    current: bool = False  # the next exercise to do (the API marks it for apps)

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def dom_id(self) -> str:
        return f"item-{self.item.pk}-s{self.session}"

    @property
    def safety_tips(self) -> list[str]:
        """How to do it safely with the patient's own conditions, in plain words; nothing
        about anyone else's conditions, and no condition names."""
        return self.item.exercise.tips_for(self.patient.conditions)

    @property
    def effort_choices(self) -> list[tuple[str, str]]:
        """The answers to "how did it feel?" after a tick, as the buttons show them."""
        return [(value, str(label)) for value, label in Difficulty.choices]

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
    # Programs active on the day (due or not), or a safety pause: the morning check is asked.
    has_programs: bool = False

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


def programs_for_day(
    patient: Patient, day: datetime.date, *, media: bool = True
) -> list[Prescription]:
    """The patient's programs active on the day, with their items and exercises.

    Two queries: programs, and items joined with their exercise; with ``media``, two more for
    the photos and videos of the items and of their exercises (``prescriptions.Media``).
    Steps and equipment come from the catalogue cache (``exercises.details``).
    """
    items = PrescriptionItem.objects.select_related("exercise")
    if media:
        shown = Media.objects.shown()
        items = items.prefetch_related(
            Prefetch("media", queryset=shown), Prefetch("exercise__media", queryset=shown)
        )
    return list(
        Prescription.objects.filter(patient=patient)
        .active_on(day)
        .prefetch_related(Prefetch("items", queryset=items))
    )


def load_day_plan(
    patient: Patient, day: datetime.date, today: datetime.date, *, media: bool = True
) -> DayPlan:
    """Everything the day page shows, in seven queries (the safety pause, four in
    ``programs_for_day`` (two without ``media``), completions, reports), plus two more for
    exercises whose steps are not in the catalogue cache yet; a day under a safety pause
    reads no programs."""
    pause = paused_for_safety(patient, day)
    # During a safety pause nothing is due, even on a program started or resumed meanwhile.
    programs = [] if pause is not None else programs_for_day(patient, day, media=media)
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
        has_programs=bool(programs) or pause is not None,
    )


# --- Over days: the questions Today asks besides the plan (DESIGN §5) ---------------------------


@dataclass
class FollowUp:
    """A "not sure yet" about the pain 15 minutes later, asked again on Today when due."""

    report: PainReport
    due_at: datetime.datetime
    now: datetime.datetime

    @property
    def is_due(self) -> bool:
        return self.now >= self.due_at

    @property
    def due_in_words(self) -> str:
        """ "3:15 in the afternoon", in the patient's time zone."""
        return time_in_words(self.due_at.astimezone(self.report.patient.zone).time())


@dataclass
class DayChecks:
    follow_ups: list[FollowUp] = field(default_factory=list)
    morning_check_due: bool = False

    @property
    def due_follow_ups(self) -> list[FollowUp]:
        return [follow_up for follow_up in self.follow_ups if follow_up.is_due]

    @property
    def waiting_follow_ups(self) -> list[FollowUp]:
        return [follow_up for follow_up in self.follow_ups if not follow_up.is_due]


def load_day_checks(plan: DayPlan, *, now: datetime.datetime | None = None) -> DayChecks:
    """What Today asks besides the plan, in two queries: the "not sure yet" reports of today
    and yesterday still to follow up, and whether today's morning check is answered (asked
    only with a program, or during a safety pause). Other days ask nothing."""
    if not plan.is_today:
        return DayChecks()
    now = now or timezone.now()
    patient = plan.patient
    pending = PainReport.objects.filter(
        patient=patient,
        pain_lasting=Lasting.NOT_SURE,
        followed_up_at__isnull=True,
        date__gte=plan.today - datetime.timedelta(days=1),
        date__lte=plan.today,
    ).order_by("date", "session")
    follow_ups = []
    for report in pending:
        report.patient = patient
        due_at = report.follow_up_due_at()
        if due_at is not None:
            follow_ups.append(FollowUp(report=report, due_at=due_at, now=now))
    morning_due = (
        plan.has_programs
        and not MorningCheck.objects.filter(patient=patient, date=plan.today).exists()
    )
    return DayChecks(follow_ups=follow_ups, morning_check_due=morning_due)
