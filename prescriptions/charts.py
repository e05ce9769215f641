"""Pain charts for the therapist, drawn on the server as inline SVG (no script, prints well).

A chart plots the highest pain reported each day (0–10) between two dates, with the program's
threshold drawn as a line. It carries its own text alternative (``summary``), so a template
can give the SVG ``role="img"`` with a ``<title>`` and ``<desc>`` and offer a table beside it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import dateformat

from patients.models import PAIN_MAX, PainReport

SPARKLINE_DAYS = 14


@dataclass(frozen=True)
class Point:
    day: datetime.date
    pain: int
    x: float
    y: float


@dataclass(frozen=True)
class Frame:
    """Size and margins of a chart, in SVG user units."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


SPARKLINE_FRAME = Frame(width=120, height=36, left=3, right=5, top=4, bottom=4)
PROGRAM_FRAME = Frame(width=720, height=260, left=34, right=14, top=14, bottom=34)


@dataclass(frozen=True)
class PainChart:
    first: datetime.date
    last: datetime.date
    threshold: int
    frame: Frame
    points: tuple[Point, ...] = ()

    # --- geometry ---

    def x_for(self, day: datetime.date) -> float:
        span = max((self.last - self.first).days, 1)
        inner = self.frame.width - self.frame.left - self.frame.right
        return round(self.frame.left + inner * (day - self.first).days / span, 1)

    def y_for(self, pain: float) -> float:
        inner = self.frame.height - self.frame.top - self.frame.bottom
        return round(self.frame.top + inner * (1 - pain / PAIN_MAX), 1)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def threshold_y(self) -> float:
        return self.y_for(self.threshold)

    @property
    def plot_left(self) -> int:
        return self.frame.left

    @property
    def plot_right(self) -> int:
        return self.frame.width - self.frame.right

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left

    @property
    def plot_bottom(self) -> float:
        return self.y_for(0)

    @property
    def over_height(self) -> float:
        """Height of the shaded band above the threshold."""
        return round(self.threshold_y - self.frame.top, 1)

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        return [(value, self.y_for(value)) for value in range(0, PAIN_MAX + 1, 2)]

    @property
    def x_labels(self) -> list[tuple[str, float, str]]:
        """Up to six dates along the bottom: (text, x, text-anchor)."""
        span = (self.last - self.first).days
        count = min(5, span)
        labels = []
        seen: set[datetime.date] = set()
        for index in range(count + 1):
            day = self.first + datetime.timedelta(days=round(span * index / count) if count else 0)
            if day in seen:
                continue
            seen.add(day)
            anchor = "start" if index == 0 else "end" if index == count else "middle"
            labels.append((dateformat.format(day, "j M"), self.x_for(day), anchor))
        return labels

    @property
    def label_y(self) -> int:
        return self.frame.height - 10

    # --- words ---

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def title(self) -> str:
        return (
            f"Pain from {dateformat.format(self.first, 'j M')} "
            f"to {dateformat.format(self.last, 'j M Y')}"
        )

    @property
    def summary(self) -> str:
        period = f"{dateformat.format(self.first, 'j M')} to {dateformat.format(self.last, 'j M')}"
        if not self.points:
            return f"No pain reports from {period}."
        days = len(self.points)
        pains = [p.pain for p in self.points]
        over = sum(1 for pain in pains if pain > self.threshold)
        latest = self.points[-1]
        text = (
            f"Highest pain each day (0 to 10), {period}, on {days} day{'s' if days != 1 else ''} "
            f"with a report: lowest {min(pains)}, highest {max(pains)}, latest {latest.pain} on "
            f"{dateformat.format(latest.day, 'j M')}. Threshold {self.threshold}"
        )
        if over:
            text += f"; above it on {over} day{'s' if over != 1 else ''}"
        return text + "."


def highest_pain_by_day(reports: Iterable[PainReport]) -> dict[datetime.date, int]:
    """The highest pain reported on each day."""
    highest: dict[datetime.date, int] = {}
    for report in reports:
        highest[report.date] = max(report.pain, highest.get(report.date, 0))
    return highest


def pain_chart(
    pain_by_day: Mapping[datetime.date, int],
    *,
    first: datetime.date,
    last: datetime.date,
    threshold: int,
    frame: Frame = PROGRAM_FRAME,
) -> PainChart:
    """The chart of the days between ``first`` and ``last`` (inclusive) that have a report."""
    chart = PainChart(first=first, last=last, threshold=threshold, frame=frame)
    points = tuple(
        Point(day=day, pain=pain_by_day[day], x=chart.x_for(day), y=chart.y_for(pain_by_day[day]))
        for day in sorted(pain_by_day)
        if first <= day <= last
    )
    return PainChart(first=first, last=last, threshold=threshold, frame=frame, points=points)


def sparkline(
    pain_by_day: Mapping[datetime.date, int], *, today: datetime.date, threshold: int
) -> PainChart:
    """The last ``SPARKLINE_DAYS`` days up to today, small enough for a table cell."""
    first = today - datetime.timedelta(days=SPARKLINE_DAYS - 1)
    return pain_chart(
        pain_by_day, first=first, last=today, threshold=threshold, frame=SPARKLINE_FRAME
    )
