"""A measure's scores over an episode, drawn on the server as inline SVG (no script, prints).

Bands are pale strips behind the line; the zone within one MCID of the baseline is shaded, so a
point outside it is a clinically important change at a glance. The SVG carries a title and a
text alternative; the page lists the same scores in a table beside it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from outcomes.definitions import pick

if TYPE_CHECKING:
    from outcomes.results import MeasureResult

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 16, 12, 30
BAND_FILLS = ("#eef5ee", "#fdf6e3", "#fbeaea", "#eef1f8")
INK, LINE, MCID_FILL = "#1f2933", "#1f5fa8", "#d7e6f7"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def score_chart(result: MeasureResult, language: str) -> SafeString:
    scored = result.scored
    if not scored:
        return mark_safe("")  # noqa: S308 - nothing to draw
    measure = result.measure
    score = measure.score(measure.primary)
    low, high = score.minimum, score.maximum
    first, last = scored[0].due_on, scored[-1].due_on
    span = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        if len(scored) == 1:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)

    parts: list[str] = []
    for index, band in enumerate(b for b in measure.bands if measure.primary in b.when):
        band_low, band_high = band.when[measure.primary]
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                LEFT,
                _number(y(band_high)),
                WIDTH - LEFT - RIGHT,
                _number(max(y(band_low) - y(band_high), 1)),
                BAND_FILLS[index % len(BAND_FILLS)],
                pick(band.label, language),
            )
        )
    moved = result.change
    baseline = scored[0].primary_score
    if measure.mcid is not None and baseline is not None:
        threshold = moved.threshold if moved and moved.threshold else measure.mcid.points
        top, bottom = min(high, baseline + threshold), max(low, baseline - threshold)
        parts.append(
            format_html(
                '<rect class="mcid-zone" x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'fill-opacity="0.8"><title>{}</title></rect>',
                LEFT,
                _number(y(top)),
                WIDTH - LEFT - RIGHT,
                _number(y(bottom) - y(top)),
                MCID_FILL,
                _("Within this zone the change from the first score is not clinically important."),
            )
        )
    for tick in (low, (low + high) / 2, high):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                LEFT - 6,
                _number(y(tick) + 4),
                INK,
                _number(tick),
            )
        )
    points = [(x(r.due_on), y(r.primary_score or 0), r) for r in scored]
    if len(points) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                " ".join(f"{_number(px)},{_number(py)}" for px, py, _r in points),
                LINE,
            )
        )
    parts.append(
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="5" fill="{}"><title>{}: {}</title></circle>',
            (
                (
                    _number(px),
                    _number(py),
                    LINE,
                    formats.date_format(r.due_on, "j M Y"),
                    _number(r.primary_score or 0),
                )
                for px, py, r in points
            ),
        )
    )
    for day in sorted({first, last}):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
                _number(min(max(x(day), LEFT + 30), WIDTH - RIGHT - 30)),
                HEIGHT - 8,
                INK,
                formats.date_format(day, "j M"),
            )
        )
    title = measure.text("title", language)
    description = result.verdict() or _("One score so far: %(score)s.") % {
        "score": _number(scored[0].primary_score or 0)
    }
    return format_html(
        '<svg class="score-chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}">'
        "<title>{}</title><desc>{}</desc>{}</svg>",
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        title,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - each part built with format_html
    )
