"""Adherence: how much of what was due a patient ticked off, day by day.

Pure functions over programs (with their items prefetched) and the completions already read,
shared by the patient's history, the therapist's dashboard and progress page, and the
inactivity check, so that all of them count the same way:

- what is due on a day comes from ``prescriptions.schedule`` (the program's dates, weekdays,
  sessions per day and removed items; a paused or ended program has nothing due);
- a due item-session is done when a completion exists for that item, day and session;
- adherence over a window is done ÷ due item-sessions, today left out (it is still open).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass

from prescriptions.models import Prescription
from prescriptions.schedule import DueProgram, Schedule

ONE_DAY = datetime.timedelta(days=1)

# Programs with their items prefetched, or their Schedule already built.
Programs = Sequence[Prescription] | Schedule

# The (item id, session) pairs ticked off, by day.
DoneByDay = dict[datetime.date, set[tuple[int, int]]]
NOTHING_DONE: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class DayCount:
    """What was due on one day and how much of it was done."""

    day: datetime.date
    due: int  # item-sessions due
    done: int  # due item-sessions ticked off
    sessions_due: int
    sessions_done: int  # sessions with every item ticked off

    @property
    def missed_entirely(self) -> bool:
        """Something was due and nothing of it was done."""
        return self.due > 0 and self.done == 0


@dataclass(frozen=True)
class Adherence:
    days: int
    first: datetime.date
    last: datetime.date
    due: int
    done: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


def done_by_day(rows: Iterable[tuple[int, datetime.date, int]]) -> DoneByDay:
    """Group ``(item_id, date, session)`` rows of completions by day."""
    grouped: DoneByDay = defaultdict(set)
    for item_id, day, session in rows:
        grouped[day].add((item_id, session))
    return grouped


def tally(plan: Sequence[DueProgram], ticked: Set[tuple[int, int]], day: datetime.date) -> DayCount:
    """Due and done item-sessions of one day's plan."""
    due = done = sessions = sessions_done = 0
    for program in plan:
        size = len(program.items)
        for number in program.session_numbers:
            finished = (
                sum(1 for item in program.items if (item.id, number) in ticked) if ticked else 0
            )
            due += size
            done += finished
            sessions += 1
            sessions_done += finished == size
    return DayCount(day=day, due=due, done=done, sessions_due=sessions, sessions_done=sessions_done)


def _schedule(programs: Programs) -> Schedule:
    return programs if isinstance(programs, Schedule) else Schedule.of(programs)


def count_days(
    programs: Programs,
    done: DoneByDay,
    first: datetime.date,
    last: datetime.date,
) -> list[DayCount]:
    """One count per day from ``first`` to ``last`` inclusive."""
    schedule = _schedule(programs)
    counts = []
    day = first
    while day <= last:
        counts.append(tally(schedule.plan_for(day), done.get(day, NOTHING_DONE), day))
        day += ONE_DAY
    return counts


def _window(counts: Sequence[DayCount], days: int, today: datetime.date) -> Adherence:
    return Adherence(
        days=days,
        first=today - datetime.timedelta(days=days),
        last=today - ONE_DAY,
        due=sum(c.due for c in counts),
        done=sum(c.done for c in counts),
    )


def adherence_window(
    programs: Programs, done: DoneByDay, *, days: int, today: datetime.date
) -> Adherence:
    """Done ÷ due over the ``days`` days before today (today is still open)."""
    first, last = today - datetime.timedelta(days=days), today - ONE_DAY
    return _window(count_days(programs, done, first, last), days, today)


def adherence_windows(
    programs: Programs,
    done: DoneByDay,
    *,
    windows: Sequence[int],
    today: datetime.date,
) -> list[Adherence]:
    """``adherence_window`` for each number of days, counting each day only once."""
    longest = max(windows)
    counts = count_days(programs, done, today - datetime.timedelta(days=longest), today - ONE_DAY)
    return [_window(counts[longest - days :], days, today) for days in windows]


def missed_run(
    programs: Programs,
    done: DoneByDay,
    *,
    today: datetime.date,
    since: datetime.date,
) -> list[datetime.date]:
    """The scheduled days missed entirely, counting back from yesterday to ``since``.

    Days with nothing due (rest days, a paused program) neither count nor break the run; a
    day with at least one due item-session done ends it. Newest first.
    """
    run: list[datetime.date] = []
    schedule = _schedule(programs)
    day = today - ONE_DAY
    while day >= since:
        count = tally(schedule.plan_for(day), done.get(day, NOTHING_DONE), day)
        if count.due and count.done:
            break
        if count.missed_entirely:
            run.append(day)
        day -= ONE_DAY
    return run
