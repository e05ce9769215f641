"""What the measures say: each measure's scores over an episode, its band, and the change from
baseline told in words against the minimal clinically important difference."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from config.languages import DATE_FORMATS
from outcomes.charts import score_chart
from outcomes.definitions import Band, Measure, pick
from outcomes.models import Episode, MeasureDefinition, MeasureResponse
from outcomes.scoring import Change, change


def _points(value: float) -> str:
    return formats.number_format(value, decimal_pos=1 if value % 1 else 0)


@dataclass
class MeasureResult:
    definition: MeasureDefinition
    responses: list[MeasureResponse] = field(default_factory=list)

    @property
    def measure(self) -> Measure:
        return self.definition.measure

    @property
    def scored(self) -> list[MeasureResponse]:
        return [r for r in self.responses if r.is_submitted and r.primary_score is not None]

    @property
    def baseline(self) -> MeasureResponse | None:
        return self.scored[0] if self.scored else None

    @property
    def latest(self) -> MeasureResponse | None:
        return self.scored[-1] if self.scored else None

    @property
    def change(self) -> Change | None:
        baseline, latest = self.baseline, self.latest
        if baseline is None or latest is None or baseline is latest:
            return None
        assert baseline.primary_score is not None
        assert latest.primary_score is not None
        return change(self.measure, baseline.primary_score, latest.primary_score)

    def band(self, response: MeasureResponse | None) -> Band | None:
        if response is None or not response.band:
            return None
        return next((b for b in self.measure.bands if b.key == response.band), None)

    def band_label(self, response: MeasureResponse | None, language: str) -> str:
        band = self.band(response)
        return pick(band.label, language) if band else ""

    def verdict(self) -> str:
        """ "Improved by 3.2 points since 3 March: a clinically important change." """
        moved, baseline = self.change, self.baseline
        if moved is None or baseline is None:
            return ""
        since = formats.date_format(baseline.due_on, DATE_FORMATS.long_day)
        if moved.improved is None:
            return _("No change since %(date)s.") % {"date": since}
        words = {"points": _points(moved.size), "date": since}
        if moved.improved:
            sentence = _("Improved by %(points)s points since %(date)s") % words
        else:
            sentence = _("Worse by %(points)s points since %(date)s") % words
        if moved.important is None:
            return sentence + "."
        if moved.important:
            return _("%(change)s: a clinically important change.") % {"change": sentence}
        assert moved.threshold is not None
        return _(
            "%(change)s: less than the %(mcid)s points that make a clinically important change."
        ) % {"change": sentence, "mcid": _points(moved.threshold)}

    def chart(self, language: str) -> SafeString:
        return score_chart(self, language)


def episode_results(episode: Episode) -> list[MeasureResult]:
    """A result for each measure scheduled in the episode, in schedule order (the schedule and
    responses prefetched, or two queries)."""
    results = {
        scheduled.measure_id: MeasureResult(definition=scheduled.measure)
        for scheduled in episode.schedule.all()
    }
    for response in sorted(episode.responses.all(), key=lambda r: (r.due_on, r.pk)):
        result = results.get(response.measure_id)
        if result is not None:
            response.measure = result.definition
            result.responses.append(response)
    return list(results.values())


def risk_reading(results: list[MeasureResult], language: str) -> tuple[str, str] | None:
    """The latest band of a measure read on the header (STarT Back's risk group): the
    measure's title and the band, if any."""
    for result in results:
        if result.measure.header_band and result.latest is not None:
            label = result.band_label(result.latest, language)
            if label:
                return result.measure.text("title", language), label
    return None
