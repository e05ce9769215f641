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
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        return _("Pain from %(first)s to %(last)s") % {
            "first": dateformat.format(self.first, "j M"),
            "last": dateformat.format(self.last, "j M Y"),
        }

    @property
    def summary(self) -> str:
        period = _("%(first)s to %(last)s") % {
            "first": dateformat.format(self.first, "j M"),
            "last": dateformat.format(self.last, "j M"),
        }
        if not self.points:
            return _("No pain reports from %(period)s.") % {"period": period}
        days = len(self.points)
        pains = [p.pain for p in self.points]
        over = sum(1 for pain in pains if pain > self.threshold)
        latest = self.points[-1]
        values = {
            "period": period,
            "days": days,
            "lowest": min(pains),
            "highest": max(pains),
            "latest": latest.pain,
            "day": dateformat.format(latest.day, "j M"),
            "threshold": self.threshold,
            "over": over,
        }
        text = (
            ngettext(
                "Highest pain each day (0 to 10), %(period)s, on %(days)s day with a report: "
                "lowest %(lowest)s, highest %(highest)s, latest %(latest)s on %(day)s. "
                "Threshold %(threshold)s",
                "Highest pain each day (0 to 10), %(period)s, on %(days)s days with a report: "
                "lowest %(lowest)s, highest %(highest)s, latest %(latest)s on %(day)s. "
                "Threshold %(threshold)s",
                days,
            )
            % values
        )
        if not over:
            # Translators: the end of the chart's description, after "Threshold 5".
            return _("%(text)s.") % {"text": text}
        # Translators: the end of the chart's description: how many days were above the
        # threshold ("Threshold 5; above it on 2 days.").
        return ngettext(
            "%(text)s; above it on %(over)s day.", "%(text)s; above it on %(over)s days.", over
        ) % {"text": text, "over": over}


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


def sparkline_svg(chart: PainChart, uid: object) -> SafeString:
    """The sparkline as inline SVG, built here rather than in a template: the dashboard draws
    one per patient, and template rendering of every point was most of the page's time.

    ``uid`` makes the ids of the title and description unique on the page. Empty when the
    chart has no points (the page says "No pain reports" instead).
    """
    if not chart.points:
        return SafeString("")
    last = len(chart.points) - 1
    # Only numbers and fixed class names go into the points: nothing to escape.
    circles = "".join(
        f'<circle class="spark-point{" is-over" if point.pain > chart.threshold else ""}'
        f'{" is-last" if index == last else ""}" cx="{point.x}" cy="{point.y}" '
        f'r="{"3.5" if index == last else "2.5"}"></circle>'
        for index, point in enumerate(chart.points)
    )
    line = f'<polyline class="spark-line" points="{chart.polyline}"></polyline>' if last else ""
    frame = chart.frame
    return format_html(
        '<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-labelledby="spark-{uid}-title spark-{uid}-desc" focusable="false">'
        '<title id="spark-{uid}-title">{title}</title>'
        '<desc id="spark-{uid}-desc">{summary}</desc>'
        '<rect class="spark-over" x="{left}" y="0" width="{plot_width}" height="{threshold_y}">'
        "</rect>"
        '<line class="spark-threshold" x1="{left}" x2="{right}" y1="{threshold_y}" '
        'y2="{threshold_y}"></line>'
        '<line class="spark-base" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"></line>'
        "{shapes}</svg>",
        width=frame.width,
        height=frame.height,
        uid=uid,
        title=ngettext("Pain, last %(days)d day", "Pain, last %(days)d days", SPARKLINE_DAYS)
        % {"days": SPARKLINE_DAYS},
        summary=chart.summary,
        left=chart.plot_left,
        right=chart.plot_right,
        plot_width=chart.plot_width,
        threshold_y=chart.threshold_y,
        bottom=chart.plot_bottom,
        shapes=mark_safe(line + circles),  # numbers and fixed names only, see above
    )
