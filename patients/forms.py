from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import HTML, Column, Field, Fieldset, Row
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from exercises.models import Precaution
from patients.guidance import OTHER_REASONS, LegSymptom, Sign
from patients.models import (
    CLEARANCE_NOTE_MAX_LENGTH,
    INTAKE_QUESTIONS,
    PAIN_MAX,
    Difficulty,
    LastingChoice,
    MorningAnswer,
    PainReport,
    Patient,
    SafetyPause,
)
from patients.reminder_times import format_time, parse_time, time_choices, time_in_words
from patients.services import NOTE_MAX_LENGTH, PatientDetails, default_patient_language
from prescriptions.forms import form_helper
from prescriptions.models import MAX_TIMES_PER_DAY, PHONE_MAX_LENGTH, validate_phone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ChoosePasswordForm(SetPasswordForm):
    """Set-password form worded for patients."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password1"].help_text = _(
            "At least 10 characters. A short sentence is easy to remember."
        )
        self.fields["new_password2"].label = _("Type the same password again")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-lg"


PAIN_WORDS = {
    0: gettext_lazy("No pain"),
    5: gettext_lazy("Moderate"),
    PAIN_MAX: gettext_lazy("Worst imaginable"),
}


YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def _yes_no(value: str) -> bool:
    return value == "yes"


class ReportTargetForm(forms.Form):
    """Which day and session a pain report is about (query string or hidden fields)."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    session = forms.IntegerField(required=False, min_value=1, max_value=MAX_TIMES_PER_DAY)

    error_messages = {
        "date": gettext_lazy("That date is not one we understand."),
        "session": gettext_lazy("There is no such session."),
    }

    def problem(self) -> str:
        """A plain message for the first thing wrong."""
        for name in ("date", "session"):
            if name in self.errors:
                return str(self.error_messages[name])
        return ""


class EffortForm(forms.Form):
    """How an exercise just ticked off felt: one tap of three buttons."""

    effort = forms.ChoiceField(
        choices=Difficulty.choices,
        error_messages={
            "required": gettext_lazy("Choose too easy, about right or too hard."),
            "invalid_choice": gettext_lazy("Choose too easy, about right or too hard."),
        },
    )

    def problem(self) -> str:
        return " ".join(str(message) for message in self.errors.get("effort", []))


NONE = "none"
NONE_OF_THESE = (NONE, gettext_lazy("None of these"))
EMERGENCY_CHOICES = [
    (
        Sign.BLADDER_BOWEL.value,
        gettext_lazy("Changes in peeing or pooing: can't pass urine, leaking, or losing control"),
    ),
    (Sign.SADDLE_NUMBNESS.value, gettext_lazy("Numbness between your legs or around your bottom")),
    (Sign.BOTH_LEGS.value, gettext_lazy("Numbness or weakness in both legs, new or worse")),
    (Sign.CHEST.value, gettext_lazy("Chest pain, sudden breathlessness, or fainting")),
    NONE_OF_THESE,
]
LEG_CHOICES = [
    (LegSymptom.NUMBNESS.value, gettext_lazy("Numbness in a leg")),
    (LegSymptom.TINGLING.value, gettext_lazy("Tingling or pins and needles in a leg")),
    (LegSymptom.WEAKNESS.value, gettext_lazy("Weakness in a leg")),
    (LegSymptom.PAIN_DOWN_LEG.value, gettext_lazy("Pain spreading down a leg")),
    NONE_OF_THESE,
]
OTHER_CHOICES = [
    ("unwell", gettext_lazy("A fever, or feeling unwell")),
    ("fall_or_injury", gettext_lazy("A fall or an injury since you last exercised")),
    NONE_OF_THESE,
]
LEG_CHANGE_CHOICES = [
    ("new", gettext_lazy("Yes, it is new or worse")),
    ("usual", gettext_lazy("No, it is the same as usual")),
]


def _ticked(values: list[str]) -> set[str]:
    """What was ticked; "None of these" next to a real answer is ignored (the safer side)."""
    return set(values) - {NONE}


class PainReportForm(forms.Form):
    """The questions the decision table of DESIGN §5 needs, each required unless it is only
    a detail: nothing that matters for safety is taken as "no" when it was skipped."""

    pain = forms.TypedChoiceField(
        label=gettext_lazy("What was your worst pain during the exercises?"),
        choices=[(str(value), str(value)) for value in range(PAIN_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a number from 0 (no pain) to 10.")},
    )
    pain_lasting = forms.ChoiceField(
        label=gettext_lazy("Is the pain still there 15 minutes after you stopped?"),
        choices=LastingChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy(
                "Say whether the pain is still there: yes, no or not sure yet."
            )
        },
    )
    emergency = forms.MultipleChoiceField(
        label=gettext_lazy("Right now, do you have any of these?"),
        choices=EMERGENCY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Tick any of these you have, or “None of these”.")
        },
    )
    legs = forms.MultipleChoiceField(
        label=gettext_lazy("Do you have any of these in a leg?"),
        choices=LEG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Tick any of these you have, or “None of these”.")
        },
    )
    leg_change = forms.ChoiceField(
        label=gettext_lazy("Is this new, or worse than usual?"),
        choices=LEG_CHANGE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    other = forms.MultipleChoiceField(
        label=gettext_lazy("Since you last exercised, have you had any of these?"),
        choices=OTHER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Tick any of these you have had, or “None of these”.")
        },
    )
    difficulty = forms.ChoiceField(
        label=gettext_lazy("How did the exercises feel?"),
        choices=Difficulty.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything else your therapist should know?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-lg"}),
    )

    CHECKBOX_GROUPS = ("emergency", "legs", "other")

    @classmethod
    def initial_from(cls, report: PainReport) -> dict[str, object]:
        """Answers of a saved report, to edit it."""
        legs = [symptom.value for symptom in report.leg_symptoms()]
        other = [name for name in OTHER_REASONS if getattr(report, name)]
        usual = report.leg_symptoms_usual
        return {
            "pain": str(report.pain),
            "pain_lasting": report.pain_lasting,
            "emergency": [sign.value for sign in report.signs()] or [NONE],
            "legs": legs or [NONE],
            "leg_change": "" if usual is None or not legs else ("usual" if usual else "new"),
            "other": other or [NONE],
            "difficulty": report.difficulty,
            "note": report.note,
        }

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as ``submit_pain_report`` takes them."""
        data = self.cleaned_data
        signs, legs, other = (_ticked(data[name]) for name in self.CHECKBOX_GROUPS)
        change = data["leg_change"]
        return {
            "pain": data["pain"],
            "pain_lasting": data["pain_lasting"],
            **{sign.value: sign.value in signs for sign in Sign},
            **{symptom.value: symptom.value in legs for symptom in LegSymptom},
            "leg_symptoms_usual": (change == "usual") if legs and change else None,
            **{name: name in other for name in OTHER_REASONS},
            "difficulty": data["difficulty"],
            "note": data["note"],
        }

    def pain_choices(self) -> list[dict[str, object]]:
        """The 0–10 buttons with their anchor words, and which one is chosen."""
        chosen = str(self["pain"].value() if self["pain"].value() is not None else "")
        return [
            {"value": value, "checked": chosen == str(value), "words": PAIN_WORDS.get(value, "")}
            for value in range(PAIN_MAX + 1)
        ]

    def checkbox_groups(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CHECKBOX_GROUPS]


# --- Reminders -----------------------------------------------------------------------------------


def _time_label(session: int, sessions: int) -> str:
    if sessions == 1:
        return _("Reminder time")
    return _("Reminder for session %(number)s") % {"number": session}


class ReminderTimesForm(forms.Form):
    """One time of day per daily session, chosen from quarter hours, each time once."""

    def __init__(
        self,
        *args: Any,
        sessions: int,
        times: Sequence[datetime.time],
        select_class: str = "form-select form-select-lg",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = sessions
        stored = [format_time(value) for value in times]
        choices = time_choices(*stored)
        for session in range(1, sessions + 1):
            self.fields[f"time_{session}"] = forms.ChoiceField(
                label=_time_label(session, sessions),
                choices=choices,
                initial=stored[session - 1] if session <= len(stored) else None,
                error_messages={
                    "required": gettext_lazy("Choose a time."),
                    "invalid_choice": gettext_lazy("Choose one of the times in the list."),
                },
                widget=forms.Select(attrs={"class": select_class}),
            )

    def time_fields(self) -> list[forms.BoundField]:
        return [self[f"time_{session}"] for session in range(1, self.sessions + 1)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        values = [cleaned.get(f"time_{session}") for session in range(1, self.sessions + 1)]
        chosen = [value for value in values if value]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("Choose a different time for each session."))
        return cleaned

    @property
    def times(self) -> list[datetime.time]:
        """The chosen times, earliest first (session 1 is the earliest)."""
        return sorted(
            parse_time(self.cleaned_data[f"time_{session}"])
            for session in range(1, self.sessions + 1)
        )


class ReminderPreferencesForm(ReminderTimesForm):
    """The patient's own choice: times, email or not, and the address to use."""

    email_reminders = forms.TypedChoiceField(
        label=gettext_lazy("Do you want an email when it is time?"),
        choices=[("yes", gettext_lazy("Yes, email me")), ("no", gettext_lazy("No emails"))],
        coerce=_yes_no,
        empty_value=False,  # type: ignore[arg-type]  # Django takes any value; the stubs say str
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose yes or no.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": gettext_lazy("This does not look like an email address. Please check it.")
        },
        widget=forms.EmailInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "email",
                "inputmode": "email",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(
        self,
        *args: Any,
        suggested: Sequence[datetime.time] = (),
        by_therapist: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Field order: times first, then email.
        self.order_fields([f"time_{n}" for n in range(1, self.sessions + 1)])
        for session, value in enumerate(suggested, start=1):
            if session <= self.sessions:
                field = self.fields[f"time_{session}"]
                words = {"time": time_in_words(value)}
                field.help_text = (
                    _("Your therapist suggests %(time)s.") % words
                    if by_therapist
                    else _("Suggested: %(time)s.") % words
                )
                field.widget.attrs["aria-describedby"] = f"id_time_{session}-help"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("email_reminders")
            and not cleaned.get("email")
            and "email" not in (self.errors)
        ):
            self.add_error("email", _("Type your email address, or choose “No emails”."))
        return cleaned


class ReminderDefaultsForm(ReminderTimesForm):
    """The therapist's defaults for a patient."""

    email_reminders = forms.BooleanField(
        label=gettext_lazy("Send reminder emails"),
        required=False,
        help_text=gettext_lazy("Applies until the patient chooses for themselves."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_class", "form-select")
        super().__init__(*args, **kwargs)
        for session in range(1, self.sessions + 1):
            self.fields[f"time_{session}"].label = (
                _("Reminder time")
                if self.sessions == 1
                else _("Session %(number)s") % {"number": session}
            )


# --- The patient record (the therapist's forms) ------------------------------------------------


# Zones most patients live in, first in the list: those of the countries whose languages
# Rehabit speaks, and the large zones of the Americas.
COMMON_TIMEZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/Madrid",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "UTC",
)
# Old aliases of zones listed under their current name.
_ALIAS_REGIONS = {"Etc", "SystemV", "US", "Brazil", "Canada", "Chile", "Mexico"}


def timezone_label(name: str) -> str:
    """The place first, so that typing its first letters in the list finds it:
    "Buenos Aires (America/Argentina)"."""
    region, slash, place = name.rpartition("/")
    if not slash:
        return name
    return f"{place.replace('_', ' ')} ({region})"


def timezone_choices() -> list[tuple[StrOrPromise, list[tuple[str, str]]]]:
    """The common zones in a group of their own, then every other IANA zone by place name."""
    common = [(name, timezone_label(name)) for name in COMMON_TIMEZONES]
    others = sorted(
        (
            (name, timezone_label(name))
            for name in zoneinfo.available_timezones()
            if "/" in name
            and name.partition("/")[0] not in _ALIAS_REGIONS
            and name not in COMMON_TIMEZONES
        ),
        key=lambda choice: choice[1],
    )
    return [
        (pgettext_lazy("time zones", "Common"), common),
        (gettext_lazy("All time zones"), others),
    ]


class PatientForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        required=False,
        help_text=gettext_lazy(
            "Optional. The patient can log in with it once they have set a password."
        ),
    )
    timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=timezone_choices,
        help_text=gettext_lazy("Where the patient lives: their day starts at midnight there."),
    )
    conditions = forms.MultipleChoiceField(
        label=gettext_lazy("Conditions that call for care"),
        required=False,
        choices=Precaution.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Exercises with a matching precaution show a warning in the program builder."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=gettext_lazy(
            "What the patient reads Rehabit in: pages, emails, calendar and handout. They can "
            "change it themselves."
        ),
    )
    clinic_phone = forms.CharField(
        label=gettext_lazy("Clinic phone shown to the patient"),
        max_length=PHONE_MAX_LENGTH,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "The number the patient calls when something is wrong. Every stop screen shows it."
        ),
        error_messages={"required": gettext_lazy("Give the clinic phone the patient should call.")},
    )

    def __init__(
        self,
        *args: Any,
        patient: Patient | None = None,
        therapist: User | None = None,
        **kwargs: Any,
    ) -> None:
        self.patient = patient
        super().__init__(*args, **kwargs)
        if patient is None and not self.initial.get("language"):
            # A new patient reads the language of the therapist adding them (the page is in
            # it already when no therapist is given), else the site's.
            active = translation.get_language() or ""
            self.initial["language"] = (
                default_patient_language(therapist)
                if therapist is not None
                else (active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
            )
        for name, question in INTAKE_QUESTIONS.items():
            self.fields[f"intake_{name}"] = forms.ChoiceField(
                label=question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": gettext_lazy("Answer yes or no.")},
            )
        self.helper = form_helper(
            Row(
                Column("first_name", css_class="col-md-6"),
                Column("last_name", css_class="col-md-6"),
            ),
            Row(
                Column("email", css_class="col-md-6"), Column("clinic_phone", css_class="col-md-6")
            ),
            Row(Column("timezone", css_class="col-md-6"), Column("language", css_class="col-md-6")),
            Field("conditions"),
            Fieldset(
                _("Intake red-flag screen"),
                HTML(
                    format_html(
                        '<p class="form-text">{}</p>',
                        _(
                            "Ask each question and record the answer. A yes asks you to confirm "
                            "medical clearance before a program can start."
                        ),
                    )
                ),
                *(InlineRadios(f"intake_{name}") for name in INTAKE_QUESTIONS),
            ),
        )

    def intake_fields(self) -> list[forms.BoundField]:
        return [self[f"intake_{name}"] for name in INTAKE_QUESTIONS]

    @classmethod
    def initial_for(cls, patient: Patient) -> dict[str, Any]:
        user = patient.user
        answers = {
            f"intake_{name}": ("yes" if yes else "no")
            for name, yes in patient.intake_answers().items()
            if yes is not None
        }
        return {
            **answers,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "timezone": patient.timezone,
            "language": patient.language,
            "conditions": patient.conditions,
            "clinic_phone": patient.clinic_phone,
        }

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email:
            return ""
        others = get_user_model()._default_manager.filter(email__iexact=email)
        if self.patient is not None:
            others = others.exclude(pk=self.patient.user_id)
        if others.exists():
            raise ValidationError(
                gettext_lazy(
                    "Another account already uses this email address. Leave it empty, or use "
                    "another one: each person logs in with their own."
                )
            )
        return email

    def details(self) -> PatientDetails:
        data = self.cleaned_data
        return PatientDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            timezone_name=data["timezone"],
            language=data["language"],
            conditions=data["conditions"],
            clinic_phone=data["clinic_phone"],
            intake={name: data[f"intake_{name}"] == "yes" for name in INTAKE_QUESTIONS},
        )

    def clean_clinic_phone(self) -> str:
        return self.cleaned_data["clinic_phone"].strip()


class MedicalClearanceForm(forms.Form):
    """A therapist confirms medical clearance for what the intake screen found."""

    note = forms.CharField(
        label=gettext_lazy("Clearance note"),
        max_length=CLEARANCE_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Who cleared the patient and on what: for example, their doctor saw them on "
            "3 March and found no reason not to exercise."
        ),
        error_messages={
            "required": gettext_lazy(
                "Write who gave the clearance and on what it rests, for the record."
            )
        },
    )

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class EndSafetyPauseForm(forms.Form):
    """A therapist ends a patient's safety pause, having spoken with them."""

    resume = forms.TypedChoiceField(
        label=gettext_lazy("Their programs"),
        choices=[
            ("yes", gettext_lazy("Start their paused programs again as they are")),
            ("no", gettext_lazy("Keep them paused: I will change them first")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether their programs start again now.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=SafetyPause._meta.get_field("end_note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "For example: spoke on the phone, symptoms settled, seen by their doctor."
        ),
    )


class ArchiveForm(forms.Form):
    end_programs = forms.BooleanField(
        label=gettext_lazy("Also end their programs, so they no longer see exercises"),
        required=False,
        initial=True,
    )


# --- Over days: the questions Today asks (DESIGN §5) --------------------------------------------


class PainFollowUpForm(forms.Form):
    """ "Is the pain still there now?" after a "not sure yet": one tap, yes or no."""

    still_there = forms.TypedChoiceField(
        label=gettext_lazy("Is the pain still there now?"),
        choices=[
            ("yes", gettext_lazy("Yes, it is still there")),
            ("no", gettext_lazy("No, it has gone")),
        ],
        coerce=lambda value: value == "yes",
        error_messages={"required": gettext_lazy("Choose yes or no.")},
    )


class MorningCheckForm(forms.Form):
    """Compared with yesterday morning: better, the same or worse; or skip for today."""

    answer = forms.ChoiceField(
        label=gettext_lazy("Compared with yesterday morning, how is your pain?"),
        choices=MorningAnswer.choices,
        error_messages={"required": gettext_lazy("Choose better, the same or worse.")},
    )
