"""A patient's history: days done, streak, adherence and the pain trend.

Due work comes from ``prescriptions.schedule`` so that history honours each program's dates,
weekdays, sessions per day and removed items. Everything is read in four queries whatever
the number of days, programs or items: programs, their items, completions, pain reports.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from patients.models import PAIN_MAX, Completion, PainReport, Patient
from patients.services import DEFAULT_PAIN_THRESHOLD
from prescriptions.adherence import NOTHING_DONE, Adherence, DoneByDay, done_by_day, tally
from prescriptions.models import Prescription, Status
from prescriptions.schedule import Schedule

# The streak looks back at most this far (and says "more than" when it reaches the edge).
STREAK_LOOKBACK_DAYS = 365
CALENDAR_WEEKS = 4
PAIN_CHART_DAYS = 28
ADHERENCE_WINDOWS = (7, 28)

DayStatus = Literal["future", "before", "rest", "done", "open", "partly", "missed"]
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DaySummary:
    day: datetime.date
    today: datetime.date
    due: int  # item-sessions due
    done: int  # due item-sessions ticked off
    sessions_due: int
    sessions_done: int  # sessions with every item ticked off
    pain: int | None  # the highest pain reported that day
    started: datetime.date | None  # when the patient's first program started

    @property
    def status(self) -> DayStatus:
        if self.day > self.today:
            return "future"
        if not self.due and (self.started is None or self.day < self.started):
            return "before"
        if not self.due:
            return "rest"
        if self.done == self.due:
            return "done"
        if self.day == self.today:
            return "open"
        return "partly" if self.done else "missed"

    @property
    def status_text(self) -> str:
        # Translators: the words for one day of the history calendar, read out after its date.
        status = self.status
        counts = {"done": self.done, "due": self.due}
        if status == "future":
            return pgettext("day in the history", "not yet")
        if status == "before":
            return pgettext("day in the history", "before your exercises started")
        if status == "rest":
            return pgettext("day in the history", "rest day")
        if status == "done":
            return pgettext("day in the history", "all done")
        if status == "open":
            return pgettext("day in the history", "%(done)s of %(due)s done so far") % counts
        if status == "partly":
            return pgettext("day in the history", "%(done)s of %(due)s done") % counts
        return pgettext("day in the history", "not done")

    @property
    def is_today(self) -> bool:
        return self.day == self.today


@dataclass(frozen=True)
class ChartPoint:
    day: datetime.date
    pain: int
    x: float
    y: float


@dataclass(frozen=True)
class PainChart:
    """A server-drawn line chart of the highest pain each day (SVG user units)."""

    first: datetime.date
    last: datetime.date
    threshold: int
    points: tuple[ChartPoint, ...]
    width: int = 400
    height: int = 240
    left: int = 28
    right: int = 10
    top: int = 12
    bottom: int = 30

    def x_for(self, day: datetime.date) -> float:
        span = max((self.last - self.first).days, 1)
        inner = self.width - self.left - self.right
        return round(self.left + inner * (day - self.first).days / span, 1)

    def y_for(self, pain: float) -> float:
        inner = self.height - self.top - self.bottom
        return round(self.top + inner * (1 - pain / PAIN_MAX), 1)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        return [(value, self.y_for(value)) for value in range(0, PAIN_MAX + 1, 2)]

    @property
    def threshold_y(self) -> float:
        return self.y_for(self.threshold)

    @property
    def x_labels(self) -> list[tuple[str, float]]:
        middle = self.first + (self.last - self.first) // 2
        return [
            (dateformat.format(day, "j M"), self.x_for(day))
            for day in (self.first, middle, self.last)
        ]

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def over_height(self) -> float:
        """Height of the shaded band above the therapist's limit."""
        return round(self.threshold_y - self.top, 1)

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def lowest(self) -> int:
        return min(p.pain for p in self.points)

    @property
    def highest(self) -> int:
        return max(p.pain for p in self.points)

    @property
    def latest(self) -> ChartPoint:
        return self.points[-1]

    @property
    def description(self) -> str:
        latest = self.latest
        days = len(self.points)
        # Translators: the text alternative of the pain chart, read by screen readers.
        span = ngettext(
            "Highest pain each day from %(first)s to %(last)s, on a scale of 0 to 10, on "
            "%(count)d day.",
            "Highest pain each day from %(first)s to %(last)s, on a scale of 0 to 10, on "
            "%(count)d days.",
            days,
        ) % {
            "first": dateformat.format(self.first, "j F"),
            "last": dateformat.format(self.last, "j F"),
            "count": days,
        }
        # Translators: the text alternative of the pain chart, read by screen readers.
        range_ = _(
            "Lowest %(lowest)s, highest %(highest)s; most recently %(latest)s on %(day)s."
        ) % {
            "lowest": self.lowest,
            "highest": self.highest,
            "latest": latest.pain,
            "day": dateformat.format(latest.day, "j F"),
        }
        limit = _("Your therapist's limit is %(limit)s.") % {"limit": self.threshold}
        return f"{span} {range_} {limit}"


@dataclass(frozen=True)
class History:
    today: datetime.date
    weeks: list[list[DaySummary]]
    streak: int
    streak_at_limit: bool
    adherence: list[Adherence]
    chart: PainChart | None
    reports: list[PainReport]
    has_programs: bool


def day_summaries(
    programs: Sequence[Prescription],
    done: DoneByDay,
    pain_by_day: dict[datetime.date, int],
    first: datetime.date,
    last: datetime.date,
    today: datetime.date,
) -> dict[datetime.date, DaySummary]:
    """Each day from ``first`` to ``last``: what was due and done (counted as in
    ``prescriptions.adherence``; nothing is due after today) and the highest pain."""
    summaries: dict[datetime.date, DaySummary] = {}
    started = min((program.start_date for program in programs), default=None)
    schedule = Schedule.of(programs)
    day = first
    while day <= last:
        plan = schedule.plan_for(day) if day <= today else []
        count = tally(plan, done.get(day, NOTHING_DONE), day)
        summaries[day] = DaySummary(
            day=day,
            today=today,
            due=count.due,
            done=count.done,
            sessions_due=count.sessions_due,
            sessions_done=count.sessions_done,
            pain=pain_by_day.get(day),
            started=started,
        )
        day += ONE_DAY
    return summaries


def streak_from(
    summaries: dict[datetime.date, DaySummary], today: datetime.date, first: datetime.date
) -> tuple[int, bool]:
    """Consecutive scheduled days fully done, counting back from today.

    Rest days neither count nor break it; today counts as soon as anything is done today and
    does not break it while still open. Returns the streak and whether it reached the start of
    the records looked at.
    """
    streak = 0
    day = today
    while day >= first:
        summary = summaries[day]
        if summary.due and (summary.done == summary.due or (day == today and summary.done)):
            streak += 1
        elif summary.due and day != today:
            return streak, False
        day -= ONE_DAY
    return streak, True


def adherence_over(
    summaries: dict[datetime.date, DaySummary], days: int, today: datetime.date
) -> Adherence:
    """Ticked-off ÷ due item-sessions over the ``days`` days before today (today is still open)."""
    last = today - ONE_DAY
    first = today - datetime.timedelta(days=days)
    window = [summaries[day] for day in summaries if first <= day <= last]
    return Adherence(
        days=days,
        first=first,
        last=last,
        due=sum(s.due for s in window),
        done=sum(s.done for s in window),
    )


def pain_chart(
    pain_by_day: dict[datetime.date, int],
    *,
    first: datetime.date,
    last: datetime.date,
    threshold: int,
) -> PainChart | None:
    """The chart of the highest pain each day between two dates; None without reports."""
    days = sorted(day for day in pain_by_day if first <= day <= last)
    if not days:
        return None
    frame = PainChart(first=first, last=last, threshold=threshold, points=())
    return replace(
        frame,
        points=tuple(
            ChartPoint(
                day=day,
                pain=pain_by_day[day],
                x=frame.x_for(day),
                y=frame.y_for(pain_by_day[day]),
            )
            for day in days
        ),
    )


def load_history(patient: Patient, today: datetime.date) -> History:
    """The history page's numbers, in four queries (programs, items, completions, reports)."""
    lookback = today - datetime.timedelta(days=STREAK_LOOKBACK_DAYS - 1)
    calendar_first = today - datetime.timedelta(days=today.weekday() + 7 * (CALENDAR_WEEKS - 1))
    calendar_last = calendar_first + datetime.timedelta(days=7 * CALENDAR_WEEKS - 1)
    chart_first = today - datetime.timedelta(days=PAIN_CHART_DAYS - 1)
    first = min(lookback, calendar_first)

    programs = list(
        Prescription.objects.filter(patient=patient, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .prefetch_related("items")
    )
    done = done_by_day(
        Completion.objects.filter(patient=patient, date__gte=first, date__lte=today).values_list(
            "item_id", "date", "session"
        )
    )
    reports = list(
        PainReport.objects.filter(patient=patient, date__gte=chart_first, date__lte=today).order_by(
            "date", "session"
        )
    )
    pain_by_day: dict[datetime.date, int] = {}
    for report in reports:
        pain_by_day[report.date] = max(report.pain, pain_by_day.get(report.date, 0))

    summaries = day_summaries(programs, done, pain_by_day, first, calendar_last, today)
    streak, at_edge = streak_from(summaries, today, lookback)
    weeks = [
        [
            summaries[calendar_first + datetime.timedelta(days=7 * week + weekday)]
            for weekday in range(7)
        ]
        for week in range(CALENDAR_WEEKS)
    ]
    threshold = min(
        (p.pain_threshold for p in programs if p.status == Status.ACTIVE and p.covers(today)),
        default=DEFAULT_PAIN_THRESHOLD,
    )
    chart = pain_chart(pain_by_day, first=chart_first, last=today, threshold=threshold)
    return History(
        today=today,
        weeks=weeks,
        streak=streak,
        streak_at_limit=at_edge and any(p.start_date < lookback for p in programs),
        adherence=[adherence_over(summaries, days, today) for days in ADHERENCE_WINDOWS],
        chart=chart,
        reports=list(reversed(reports)),
        has_programs=bool(programs),
    )
