"""Forms for answering a questionnaire page and for the therapist's choice of measures."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.definitions import Item, Page, pick
from outcomes.models import MAX_EVERY_WEEKS, MeasureDefinition, Timing
from outcomes.scoring import Answers, is_asked
from outcomes.services import LOW_BACK_PAIN_DEFAULTS, Choice

NOT_USED = ""


def _field(item: Item, language: str, answers: Answers) -> forms.Field:
    label = pick(item.label, language)
    required = item.required and is_asked(item, answers)
    if item.type == "text":
        return forms.CharField(
            label=label, max_length=item.max_length, required=required, strip=True
        )
    if item.type == "scale":
        assert item.anchors is not None  # a scale's ends are named in its definition
        return forms.TypedChoiceField(
            label=label,
            choices=[(n, str(n)) for n in range(item.minimum, item.maximum + 1)],
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
        )
    return forms.ChoiceField(
        label=label,
        choices=[(option.value, pick(option.label, language)) for option in item.options],
        required=required,
        widget=forms.RadioSelect(attrs={"class": "answer-choice"}),
    )


class PageForm(forms.Form):
    """One page of a questionnaire, in the language the patient reads it in."""

    def __init__(self, *args: Any, page: Page, language: str, answers: Answers, **kwargs: Any):
        kwargs.setdefault("initial", {item.id: answers.get(item.id) for item in page.items})
        super().__init__(*args, **kwargs)
        self.page = page
        self.language = language
        for item in page.items:
            self.fields[item.id] = _field(item, language, answers)
            self.fields[item.id].widget.attrs.setdefault("lang", language)

    def questions(self) -> list[tuple[Item, forms.BoundField, tuple[str, str] | None]]:
        """Each item with its field, and a scale's named ends, for the template."""
        return [
            (
                item,
                self[item.id],
                (pick(item.anchors[0], self.language), pick(item.anchors[1], self.language))
                if item.anchors
                else None,
            )
            for item in self.page.items
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for item in self.page.items:
            if not item.needs or item.needs not in self.fields:
                continue
            given = cleaned.get(item.needs) not in (None, "")
            value = cleaned.get(item.id)
            if given and value in (None, "") and item.id not in self.errors:
                self.add_error(item.id, _("Choose a number for this activity."))
            if not given:
                cleaned[item.id] = None  # a rating without its activity means nothing
        return cleaned


class EpisodeStartForm(forms.Form):
    """Which measures to ask, and when, for a new episode of care."""

    started_on = forms.DateField(
        label=gettext_lazy("Start of the episode"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, measures: list[MeasureDefinition], today: datetime.date, **kw: Any
    ):
        super().__init__(*args, **kw)
        self.measures = measures
        self.fields["started_on"].initial = today
        self.today = today
        for measure in measures:
            timing, weeks = LOW_BACK_PAIN_DEFAULTS.get(measure.code, (NOT_USED, None))
            self.fields[f"timing_{measure.code}"] = forms.ChoiceField(
                label=measure.title,
                choices=[(NOT_USED, _("Not used")), *Timing.choices],
                required=False,
                initial=timing,
            )
            self.fields[f"weeks_{measure.code}"] = forms.IntegerField(
                label=_("Every (weeks)"),
                min_value=1,
                max_value=MAX_EVERY_WEEKS,
                required=False,
                initial=weeks or 2,
            )

    def rows(self) -> list[tuple[MeasureDefinition, forms.BoundField, forms.BoundField]]:
        return [
            (measure, self[f"timing_{measure.code}"], self[f"weeks_{measure.code}"])
            for measure in self.measures
        ]

    def clean_started_on(self) -> datetime.date:
        started_on: datetime.date = self.cleaned_data["started_on"]
        if started_on > self.today:
            raise forms.ValidationError(_("An episode starts today or on a day already past."))
        if started_on < self.today - datetime.timedelta(days=90):
            raise forms.ValidationError(_("Start it within the last 90 days."))
        return started_on

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for measure in self.measures:
            if cleaned.get(f"timing_{measure.code}") == Timing.REPEAT and not cleaned.get(
                f"weeks_{measure.code}"
            ):
                self.add_error(f"weeks_{measure.code}", _("Say how many weeks apart."))
        return cleaned

    def choices(self) -> list[Choice]:
        return [
            Choice(
                measure=measure,
                timing=self.cleaned_data[f"timing_{measure.code}"],
                every_weeks=self.cleaned_data.get(f"weeks_{measure.code}"),
            )
            for measure in self.measures
            if self.cleaned_data.get(f"timing_{measure.code}")
        ]


class DischargeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Discharge note"),
        help_text=gettext_lazy(
            "A few lines for the summary: why care ends, what the patient goes on doing."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
