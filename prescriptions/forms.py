"""Forms of the therapist's workspace. They validate input and hand plain values to services."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Field as ModelField
from django.db.models import Model, Q, QuerySet
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_stubs_ext import StrOrPromise

from exercises.models import (
    DOSE_FIELDS,
    EXERCISE_FIELDS,
    BodyRegion,
    Difficulty,
    Dose,
    Equipment,
    Exercise,
    Kind,
    Position,
    Precaution,
    Side,
    seconds_in_words,
)
from patients.models import Patient
from prescriptions.media import CheckedUpload, check_upload
from prescriptions.models import (
    MAX_TIMES_PER_DAY,
    PAIN_THRESHOLD_DEFAULT,
    PAIN_THRESHOLD_MAX,
    PHONE_MAX_LENGTH,
    WEEKDAY_NAMES,
    times_in_words,
    validate_phone,
)
from prescriptions.services import ProgramDetails, TemplateDetails

DAY_CHOICES = [(index, WEEKDAYS_ABBR[index]) for index in range(len(WEEKDAY_NAMES))]
TIMES_CHOICES = [
    (n, lazy(lambda n=n: times_in_words(n).capitalize(), str)())
    for n in range(1, MAX_TIMES_PER_DAY + 1)
]


def lazy_format(message: StrOrPromise, **values: object) -> StrOrPromise:
    """A translated message with named values, translated when shown (for class attributes)."""
    return lazy(lambda: str(message) % values, str)()


def model_limits(model: type[Model], name: str) -> tuple[int, int]:
    """The lowest and highest value a model field's validators allow, as the database does."""
    field = model._meta.get_field(name)
    if not isinstance(field, ModelField):
        raise TypeError(f"{model.__name__}.{name} holds no value to limit.")
    validators = field.validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


def form_helper(*layout: Any) -> FormHelper:
    """Crispy helper for a form rendered inside a <form> the template writes itself."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


# --- Durations ------------------------------------------------------------------------------

_DURATION_RE = re.compile(
    r"^\s*(?:(?P<minutes_colon>\d{1,3}):(?P<seconds_colon>[0-5]\d)"
    r"|(?P<number>\d{1,5})\s*(?P<unit>s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?)\s*$",
    re.IGNORECASE,
)


def parse_seconds(text: str) -> int:
    """Seconds from what a therapist types: "45", "45 s", "15 min", "1:30", "1 h"."""
    match = _DURATION_RE.match(text)
    if not match:
        raise ValidationError(
            _("Write a number of seconds, or minutes like “15 min” or “1:30”."), code="invalid"
        )
    if match["minutes_colon"] is not None:
        return int(match["minutes_colon"]) * 60 + int(match["seconds_colon"])
    unit = (match["unit"] or "s").lower()
    factor = 3600 if unit.startswith("h") else 60 if unit.startswith("m") else 1
    return int(match["number"]) * factor


def seconds_as_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds} s"


class DurationInput(forms.TextInput):
    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int):
            return seconds_as_text(value)
        return super().format_value(value)


class SecondsField(forms.Field):
    """A length of time in seconds, typed as seconds, minutes or m:ss."""

    widget = DurationInput

    def __init__(self, *, limits: tuple[int, int], **kwargs: Any) -> None:
        self.min_seconds, self.max_seconds = limits
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        return parse_seconds(str(value))

    def validate(self, value: int | None) -> None:
        super().validate(value)
        if value is not None and not self.min_seconds <= value <= self.max_seconds:
            shortest = seconds_in_words(self.min_seconds)
            longest = seconds_as_text(self.max_seconds)
            raise ValidationError(
                _("Give a duration from %(shortest)s to %(longest)s.")
                % {"shortest": shortest, "longest": longest},
                code="range",
            )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "text", "autocomplete": "off"}


def _count_field(
    model: type[Model], name: str, label: StrOrPromise, message: StrOrPromise, **kwargs: Any
) -> forms.Field:
    """A whole number within the model field's limits. The message names them with the
    placeholders %(low)s and %(high)s (%(high_in_words)s for seconds: "5 minutes")."""
    low, high = model_limits(model, name)
    text = lazy(
        lambda: str(message) % {"low": low, "high": high, "high_in_words": seconds_in_words(high)},
        str,
    )()
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={"min_value": text, "max_value": text, "invalid": text},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class DoseForm(forms.Form):
    """Sets, repetitions, hold, duration and rest, with the same limits as the database."""

    sets = _count_field(
        Dose,
        "sets",
        gettext_lazy("Sets"),
        gettext_lazy("Sets: a whole number from %(low)s to %(high)s."),
    )
    reps = _count_field(
        Dose,
        "reps",
        # Translators: short for repetitions, a narrow field's label.
        gettext_lazy("Reps"),
        gettext_lazy("Repetitions: a whole number from %(low)s to %(high)s."),
        required=False,
    )
    hold_seconds = _count_field(
        Dose,
        "hold_seconds",
        # Translators: how long a position is held, in seconds (s); a narrow field's label.
        gettext_lazy("Hold (s)"),
        gettext_lazy(
            "A hold is from %(low)s to %(high)s seconds (%(high_in_words)s); leave it empty "
            "for none."
        ),
        required=False,
    )
    duration_seconds = SecondsField(
        label=gettext_lazy("Duration"),
        limits=model_limits(Dose, "duration_seconds"),
        required=False,
        help_text=gettext_lazy("For example 45 s, 15 min or 1:30."),
    )
    rest_seconds = _count_field(
        Dose,
        "rest_seconds",
        gettext_lazy("Rest (s)"),
        gettext_lazy("Rest: from %(low)s to %(high)s seconds."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            "reps" not in self.errors
            and "duration_seconds" not in self.errors
            and data.get("reps") is None
            and data.get("duration_seconds") is None
        ):
            self.add_error("reps", _("Give the number of repetitions or a duration."))
        return data

    def dose(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in DOSE_FIELDS}


class ItemForm(DoseForm):
    """One exercise in the builder. Its place in the list is its order in the program."""

    item_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    exercise = forms.IntegerField(widget=forms.HiddenInput)
    side = forms.ChoiceField(label=pgettext_lazy("side of the body", "Side"), choices=Side.choices)
    load = forms.CharField(
        label=gettext_lazy("Load"),
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("For example: light band, 1 kg")}
        ),
    )
    instructions = forms.CharField(
        label=gettext_lazy("Note for the patient"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        duration = self.fields["duration_seconds"]
        duration.help_text = ""
        duration.widget.attrs["placeholder"] = _("e.g. 15 min")


class BaseItemFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "missing_management_form": gettext_lazy(
            "The page was incomplete. Reload it and try again."
        ),
        "too_many_forms": gettext_lazy("A program can hold at most %(num)d exercises."),
    }


# --- Program and template details -----------------------------------------------------------


class ScheduleFieldsMixin(forms.Form):
    days_of_week = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days"),
        choices=DAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one day of the week.")},
    )
    times_per_day = forms.TypedChoiceField(
        label=gettext_lazy("Sessions a day"), choices=TIMES_CHOICES, coerce=int, initial=1
    )


class ProgramForm(ScheduleFieldsMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Program title"), max_length=120)
    start_date = forms.DateField(
        label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=gettext_lazy("End"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Optional."),
    )
    pain_threshold = forms.IntegerField(
        label=gettext_lazy("Pain threshold"),
        min_value=0,
        max_value=PAIN_THRESHOLD_MAX,
        initial=PAIN_THRESHOLD_DEFAULT,
        error_messages={
            "min_value": lazy_format(
                gettext_lazy("Pain threshold: from 0 to %(max)s."), max=PAIN_THRESHOLD_MAX
            ),
            "max_value": lazy_format(
                gettext_lazy("Pain threshold: from 0 to %(max)s."), max=PAIN_THRESHOLD_MAX
            ),
        },
        help_text=lazy_format(
            # Translators: the pain threshold on the 0-10 pain scale (DESIGN §5).
            gettext_lazy(
                "0–%(max)s: the pain acceptable during exercise. Above it: ease-off advice and "
                "an alert."
            ),
            max=PAIN_THRESHOLD_MAX,
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    goal = forms.CharField(
        label=gettext_lazy("Goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to the patient: “Walk to the shops without pain.”"),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes for the patient"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = [
        "title",
        "start_date",
        "end_date",
        "days_of_week",
        "times_per_day",
        "pain_threshold",
        "goal",
        "notes",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(
                Column("title", css_class="col-md-7"),
                Column("times_per_day", css_class="col-md-5"),
            ),
            Row(
                Column("start_date", css_class="col-sm-4"),
                Column("end_date", css_class="col-sm-4"),
                Column("pain_threshold", css_class="col-sm-4"),
            ),
            InlineCheckboxes("days_of_week"),
            Row(Column("goal", css_class="col-md-6"), Column("notes", css_class="col-md-6")),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data

    def details(self) -> ProgramDetails:
        data = self.cleaned_data
        return ProgramDetails(
            title=data["title"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            days_of_week=data["days_of_week"],
            times_per_day=data["times_per_day"],
            pain_threshold=data["pain_threshold"],
            goal=data.get("goal", ""),
            notes=data.get("notes", ""),
        )


class TemplateForm(ScheduleFieldsMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Template name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Becomes the program's goal when you use the template."),
    )

    field_order = ["name", "days_of_week", "times_per_day", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("name"),
            Row(Column("times_per_day", css_class="col-sm-6 col-xl-4")),
            InlineCheckboxes("days_of_week"),
            Field("description"),
        )

    def details(self) -> TemplateDetails:
        data = self.cleaned_data
        return TemplateDetails(
            name=data["name"],
            description=data.get("description", ""),
            days_of_week=data["days_of_week"],
            times_per_day=data["times_per_day"],
        )


# --- Catalogue search -----------------------------------------------------------------------


class Source:
    ALL = ""
    SHARED = "shared"
    MINE = "mine"
    CHOICES = [
        (ALL, gettext_lazy("All exercises")),
        (SHARED, gettext_lazy("Shared catalogue")),
        (MINE, gettext_lazy("My exercises")),
    ]


def _matching(term: str) -> Q:
    """A search word matches an exercise's name, summary, body region or kind."""
    word = term.lower()
    regions = [value for value, label in BodyRegion.choices if word in label.lower()]
    kinds = [value for value, label in Kind.choices if word in label.lower()]
    return (
        Q(name__icontains=term)
        | Q(summary__icontains=term)
        | Q(body_region__in=regions)
        | Q(kind__in=kinds)
    )


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search exercises"), required=False, max_length=80)
    body_region = forms.ChoiceField(
        label=gettext_lazy("Body region"),
        required=False,
        choices=[("", gettext_lazy("Any region")), *BodyRegion.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any kind")), *Kind.choices],
    )
    position = forms.ChoiceField(
        label=gettext_lazy("Position"),
        required=False,
        choices=[("", gettext_lazy("Any position")), *Position.choices],
    )
    equipment = forms.ModelChoiceField(
        label=gettext_lazy("Equipment"),
        required=False,
        queryset=Equipment.objects.all(),
        empty_label=gettext_lazy("Any equipment"),
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False, choices=Source.CHOICES)

    def filter(self, exercises: QuerySet[Exercise], user: User) -> QuerySet[Exercise]:
        """Narrow an exercise queryset by the valid criteria (invalid ones are ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        for term in (data.get("q") or "").split():
            exercises = exercises.filter(_matching(term))
        for name in ("body_region", "kind", "position"):
            if data.get(name):
                exercises = exercises.filter(**{name: data[name]})
        if data.get("equipment"):
            exercises = exercises.filter(equipment=data["equipment"])
        if data.get("source") == Source.SHARED:
            exercises = exercises.filter(owner__isnull=True)
        elif data.get("source") == Source.MINE:
            exercises = exercises.filter(owner=user)
        return exercises


class PatientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Patient) -> str:
        return obj.display_name


def caseload_field(therapist: User, **kwargs: Any) -> PatientChoiceField:
    return PatientChoiceField(
        queryset=Patient.objects.for_therapist(therapist).current().select_related("user"),
        **kwargs,
    )


# --- Program actions ------------------------------------------------------------------------


class DuplicateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the copy"), max_length=120)
    start_date = forms.DateField(
        label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_original = forms.BooleanField(
        label=gettext_lazy("End the original program: the copy replaces it"),
        required=False,
        help_text=gettext_lazy("Only for a copy for the same patient. Their history stays."),
    )
    precautions_acknowledged = forms.BooleanField(
        label=gettext_lazy("I have checked the exercises against the patient’s conditions"),
        required=False,
        help_text=gettext_lazy(
            "Needed when an exercise conflicts with the conditions of the patient the copy is for."
        ),
    )

    def __init__(
        self, *args: Any, therapist: User, original_patient: Patient, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.original_patient = original_patient
        self.fields["patient"] = caseload_field(
            therapist, label=gettext_lazy("For patient"), empty_label=None
        )
        self.order_fields(
            ["patient", "title", "start_date", "end_original", "precautions_acknowledged"]
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        patient = data.get("patient")
        if data.get("end_original") and patient is not None and patient != self.original_patient:
            self.add_error(
                "end_original", _("Only end the original when the copy is for the same patient.")
            )
        return data


class SaveAsTemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Template name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UseTemplateForm(forms.Form):
    def __init__(self, *args: Any, therapist: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"] = caseload_field(
            therapist, label=gettext_lazy("Patient"), empty_label=gettext_lazy("Choose a patient")
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("active", gettext_lazy("Resume")),
            ("paused", gettext_lazy("Pause")),
            ("ended", pgettext_lazy("end a program", "End")),
        ]
    )


# --- Private exercises ----------------------------------------------------------------------


class ExerciseForm(DoseForm):
    """A therapist's own exercise: what it is, how to do it, its default dose and cautions."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("One sentence: what it does, in the patient's words."),
    )
    steps = forms.CharField(
        label=gettext_lazy("Steps, one per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Write at least one step.")},
        help_text=gettext_lazy("Each line becomes a numbered step the patient reads."),
    )
    body_region = forms.ChoiceField(
        label=gettext_lazy("Body region"),
        choices=[("", gettext_lazy("Choose a region")), *BodyRegion.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", gettext_lazy("Choose a kind")), *Kind.choices]
    )
    position = forms.ChoiceField(
        label=gettext_lazy("Starting position"),
        choices=[("", gettext_lazy("Choose a position")), *Position.choices],
    )
    equipment = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Equipment"),
        required=False,
        queryset=Equipment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    difficulty = forms.TypedChoiceField(
        label=gettext_lazy("Difficulty"),
        choices=Difficulty.choices,
        coerce=int,
        initial=Difficulty.EASY,
    )
    sided = forms.BooleanField(
        label=gettext_lazy("Done on each side in turn (left, then right)"), required=False
    )
    precautions = forms.CharField(
        label=gettext_lazy("Precautions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the patient should watch out for, in plain words."),
    )
    precaution_tags = forms.MultipleChoiceField(
        label=gettext_lazy("Take care with these conditions"),
        required=False,
        choices=Precaution.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The builder warns you when a patient has one of them."),
    )
    video_url = forms.URLField(
        label=gettext_lazy("Video link"), required=False, assume_scheme="https"
    )

    @classmethod
    def initial_for(cls, exercise: Exercise) -> dict[str, Any]:
        values = {name: getattr(exercise, name) for name in cls.base_fields if name != "steps"}
        values["equipment"] = list(exercise.equipment.all())
        values["steps"] = "\n".join(step.text for step in exercise.steps.all())
        return values

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_video_url(self) -> str:
        return https_only(self.cleaned_data["video_url"])

    def clean_steps(self) -> list[str]:
        steps = [
            re.sub(r"^\s*\d+[.)]\s*", "", line).strip()
            for line in self.cleaned_data["steps"].splitlines()
        ]
        steps = [step for step in steps if step]
        if not steps:
            raise ValidationError(_("Write at least one step."))
        return steps

    def values(self) -> dict[str, Any]:
        return {**self.dose(), **{name: self.cleaned_data[name] for name in EXERCISE_FIELDS}}


# --- The therapist's own settings -----------------------------------------------------------


class TherapistSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("The language you read Rehabit in"),
        required=False,
        choices=[("", gettext_lazy("Your browser's language")), *settings.LANGUAGES],
        help_text=gettext_lazy("New patients you add start with it; you can change theirs."),
    )
    clinic_phone = forms.CharField(
        label=gettext_lazy("Your clinic phone"),
        required=False,
        max_length=PHONE_MAX_LENGTH,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy(
            "Filled in for each patient you add, as the number they call when something is wrong. "
            "You can change it for each patient."
        ),
    )

    def clean_clinic_phone(self) -> str:
        return self.cleaned_data["clinic_phone"].strip()


def https_only(url: str) -> str:
    """A video link opens on a secure site only (it opens in a new tab, never embedded)."""
    if url and not url.lower().startswith("https://"):
        raise ValidationError(_("Give a link that starts with https://."), code="not_https")
    return url


class MediaForm(forms.Form):
    """A photo or a short video; what it is comes from its content, never its name."""

    file = forms.FileField(
        label=gettext_lazy("Photo or video"),
        help_text=gettext_lazy(
            "A photo (JPEG, PNG or WebP, up to 10 MB) or a short video (MP4 or WebM, up to "
            "100 MB). Location and camera details are removed from photos."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/webm"}
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title (optional)"), max_length=120, required=False)

    def clean_file(self) -> CheckedUpload:
        return check_upload(self.cleaned_data["file"])
