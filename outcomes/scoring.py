"""Scores, bands and change, by the rules a measure's definition file gives.

Answers are stored as given: text for a ``text`` item, a whole number for a ``scale``, the
option's value for a ``choice``. Scores are rounded to one decimal, as the measures' scoring
instructions report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outcomes.definitions import Band, Item, Measure

Answers = dict[str, Any]


def is_asked(item: Item, answers: Answers) -> bool:
    """An item that needs another is asked only once that one is answered."""
    return not item.needs or _answered(answers.get(item.needs))


def _answered(value: Any) -> bool:
    return value is not None and value != ""


def missing(measure: Measure, answers: Answers) -> list[Item]:
    """The required items (asked ones) still without an answer, in order."""
    return [
        item
        for item in measure.items
        if is_asked(item, answers)
        and (item.required or item.needs)
        and not _answered(answers.get(item.id))
    ]


def item_score(item: Item, value: Any) -> float | None:
    if not _answered(value):
        return None
    if item.type == "scale":
        return float(value)
    option = item.option(str(value))
    return None if option is None else option.score


def compute(measure: Measure, answers: Answers) -> dict[str, float | None]:
    """Each score of the measure; None where the answers do not allow it (a sum with an item
    unanswered, a mean with none answered)."""
    results: dict[str, float | None] = {}
    for score in measure.scores:
        values = []
        for item_id in score.items:
            item = measure.item(item_id)
            assert item is not None  # checked when the definition was read
            if not is_asked(item, answers):
                continue
            values.append(item_score(item, answers.get(item_id)))
        answered = [value for value in values if value is not None]
        if score.method == "sum":
            total = sum(answered) if values and len(answered) == len(values) else None
        else:
            total = sum(answered) / len(answered) if answered else None
        results[score.key] = None if total is None else round(total, 1)
    return results


def band_for(measure: Measure, scores: dict[str, float | None]) -> Band | None:
    """The first band whose every range holds its score."""
    for band in measure.bands:
        if all(
            scores.get(key) is not None and low <= (scores[key] or 0) <= high
            for key, (low, high) in band.when.items()
        ):
            return band
    return None


@dataclass(frozen=True)
class Change:
    """From the baseline to a later score, read the measure's way round."""

    points: float  # later minus baseline
    improved: bool | None  # None: no change
    important: bool | None  # None: the measure has no MCID
    threshold: float | None  # the points a change had to reach

    @property
    def size(self) -> float:
        return abs(self.points)


def change(measure: Measure, baseline: float, later: float) -> Change:
    """A change is clinically important when it reaches the MCID in points, or in percent of
    the baseline where the measure gives one (whichever is reached first)."""
    points = round(later - baseline, 1)
    better = points > 0 if measure.better == "higher" else points < 0
    improved = None if points == 0 else better
    mcid = measure.mcid
    if mcid is None:
        return Change(points=points, improved=improved, important=None, threshold=None)
    threshold = mcid.points
    if mcid.percent is not None and baseline:
        threshold = min(threshold, round(abs(baseline) * mcid.percent / 100, 1))
    return Change(
        points=points,
        improved=improved,
        important=points != 0 and abs(points) >= threshold,
        threshold=threshold,
    )
