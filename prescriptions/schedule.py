"""What is due on a day: pure functions over programs and items already in memory.

A program is due on a local date when it is active, the date lies between its start and end
(inclusive), the weekday is one of its days and the program was not paused that day; then each
of its current items is due ``times_per_day`` times (sessions 1..times_per_day).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prescriptions.models import Prescription, PrescriptionItem, Status


@dataclass(frozen=True)
class DueProgram:
    prescription: Prescription
    items: tuple[PrescriptionItem, ...]
    sessions: int

    @property
    def session_numbers(self) -> range:
        return range(1, self.sessions + 1)


def local_date(moment: datetime.datetime, timezone_name: str) -> datetime.date:
    """The calendar date at ``moment`` in the named IANA time zone."""
    return moment.astimezone(zoneinfo.ZoneInfo(timezone_name)).date()


def sessions_due(prescription: Prescription, day: datetime.date) -> int:
    """How many sessions of the program are due on the day (0 when none)."""
    if prescription.status != Status.ACTIVE:
        return 0
    if not prescription.covers(day):
        return 0
    if day.weekday() not in prescription.days_of_week:
        return 0
    if prescription.pauses and prescription.was_paused_on(day):
        return 0
    return prescription.times_per_day


def in_order(items: Iterable[PrescriptionItem]) -> tuple[PrescriptionItem, ...]:
    """Items in the program's order."""
    return tuple(sorted(items, key=lambda item: (item.position, item.pk or 0)))


@dataclass(frozen=True)
class Schedule:
    """Programs with their items listed and ordered once, to ask about many days in a row.

    ``plan_for_day`` on its own reads and sorts each program's items again; loops over weeks
    of days (adherence, calendars, the dashboard) build one ``Schedule`` and ask it instead.
    """

    programs: tuple[tuple[Prescription, tuple[PrescriptionItem, ...]], ...]

    @classmethod
    def of(cls, prescriptions: Sequence[Prescription]) -> Schedule:
        """Expects the programs' items to be prefetched."""
        return cls.of_items((program, program.items.all()) for program in prescriptions)

    @classmethod
    def of_items(
        cls, programs: Iterable[tuple[Prescription, Iterable[PrescriptionItem]]]
    ) -> Schedule:
        """From programs paired with their items, read by the caller."""
        return cls(programs=tuple((program, in_order(items)) for program, items in programs))

    def plan_for(self, day: datetime.date) -> list[DueProgram]:
        """Programs due on the day with their due items and session count."""
        plan: list[DueProgram] = []
        for prescription, listed in self.programs:
            sessions = sessions_due(prescription, day)
            if not sessions:
                continue
            items = tuple(item for item in listed if item.is_current_on(day))
            if items:
                plan.append(DueProgram(prescription=prescription, items=items, sessions=sessions))
        return plan


def plan_for_day(prescriptions: Sequence[Prescription], day: datetime.date) -> list[DueProgram]:
    """Programs with their due items and session count; expects items to be prefetched."""
    due = [prescription for prescription in prescriptions if sessions_due(prescription, day)]
    return Schedule.of(due).plan_for(day)
