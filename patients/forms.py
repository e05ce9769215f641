from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import HTML, Column, Field, Fieldset, Row
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError

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
from patients.services import NOTE_MAX_LENGTH, PatientDetails
from prescriptions.forms import form_helper
from prescriptions.models import MAX_TIMES_PER_DAY, PHONE_MAX_LENGTH, validate_phone


class ChoosePasswordForm(SetPasswordForm):
    """Set-password form worded for patients."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields[
            "new_password1"
        ].help_text = "At least 10 characters. A short sentence is easy to remember."
        self.fields["new_password2"].label = "Type the same password again"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-lg"


PAIN_WORDS = {0: "No pain", 5: "Moderate", PAIN_MAX: "Worst imaginable"}


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool:
    return value == "yes"


class ReportTargetForm(forms.Form):
    """Which day and session a pain report is about (query string or hidden fields)."""

    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    session = forms.IntegerField(required=False, min_value=1, max_value=MAX_TIMES_PER_DAY)

    error_messages = {
        "date": "That date is not one we understand.",
        "session": "There is no such session.",
    }

    def problem(self) -> str:
        """A plain message for the first thing wrong."""
        for name in ("date", "session"):
            if name in self.errors:
                return self.error_messages[name]
        return ""


class EffortForm(forms.Form):
    """How an exercise just ticked off felt: one tap of three buttons."""

    effort = forms.ChoiceField(
        choices=Difficulty.choices,
        error_messages={
            "required": "Choose too easy, about right or too hard.",
            "invalid_choice": "Choose too easy, about right or too hard.",
        },
    )

    def problem(self) -> str:
        return " ".join(str(message) for message in self.errors.get("effort", []))


NONE = "none"
NONE_OF_THESE = (NONE, "None of these")
EMERGENCY_CHOICES = [
    (
        Sign.BLADDER_BOWEL.value,
        "Changes in peeing or pooing: can't pass urine, leaking, or losing control",
    ),
    (Sign.SADDLE_NUMBNESS.value, "Numbness between your legs or around your bottom"),
    (Sign.BOTH_LEGS.value, "Numbness or weakness in both legs, new or worse"),
    (Sign.CHEST.value, "Chest pain, sudden breathlessness, or fainting"),
    NONE_OF_THESE,
]
LEG_CHOICES = [
    (LegSymptom.NUMBNESS.value, "Numbness in a leg"),
    (LegSymptom.TINGLING.value, "Tingling or pins and needles in a leg"),
    (LegSymptom.WEAKNESS.value, "Weakness in a leg"),
    (LegSymptom.PAIN_DOWN_LEG.value, "Pain spreading down a leg"),
    NONE_OF_THESE,
]
OTHER_CHOICES = [
    ("unwell", "A fever, or feeling unwell"),
    ("fall_or_injury", "A fall or an injury since you last exercised"),
    NONE_OF_THESE,
]
LEG_CHANGE_CHOICES = [("new", "Yes, it is new or worse"), ("usual", "No, it is the same as usual")]


def _ticked(values: list[str]) -> set[str]:
    """What was ticked; "None of these" next to a real answer is ignored (the safer side)."""
    return set(values) - {NONE}


class PainReportForm(forms.Form):
    """The questions the decision table of DESIGN §5 needs, each required unless it is only
    a detail: nothing that matters for safety is taken as "no" when it was skipped."""

    pain = forms.TypedChoiceField(
        label="What was your worst pain during the exercises?",
        choices=[(str(value), str(value)) for value in range(PAIN_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number from 0 (no pain) to 10."},
    )
    pain_lasting = forms.ChoiceField(
        label="Is the pain still there 15 minutes after you stopped?",
        choices=LastingChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the pain is still there: yes, no or not sure yet."
        },
    )
    emergency = forms.MultipleChoiceField(
        label="Right now, do you have any of these?",
        choices=EMERGENCY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick any of these you have, or “None of these”."},
    )
    legs = forms.MultipleChoiceField(
        label="Do you have any of these in a leg?",
        choices=LEG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick any of these you have, or “None of these”."},
    )
    leg_change = forms.ChoiceField(
        label="Is this new, or worse than usual?",
        choices=LEG_CHANGE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    other = forms.MultipleChoiceField(
        label="Since you last exercised, have you had any of these?",
        choices=OTHER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick any of these you have had, or “None of these”."},
    )
    difficulty = forms.ChoiceField(
        label="How did the exercises feel?",
        choices=Difficulty.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything else your therapist should know?",
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
    return "Reminder time" if sessions == 1 else f"Reminder for session {session}"


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
                    "required": "Choose a time.",
                    "invalid_choice": "Choose one of the times in the list.",
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
            raise forms.ValidationError("Choose a different time for each session.")
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
        label="Do you want an email when it is time?",
        choices=[("yes", "Yes, email me"), ("no", "No emails")],
        coerce=_yes_no,
        empty_value=False,  # type: ignore[arg-type]  # Django takes any value; the stubs say str
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    email = forms.EmailField(
        label="Your email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "This does not look like an email address. Please check it."},
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
        source = "Your therapist suggests" if by_therapist else "Suggested:"
        for session, value in enumerate(suggested, start=1):
            if session <= self.sessions:
                field = self.fields[f"time_{session}"]
                field.help_text = f"{source} {time_in_words(value)}."
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
            self.add_error("email", "Type your email address, or choose “No emails”.")
        return cleaned


class ReminderDefaultsForm(ReminderTimesForm):
    """The therapist's defaults for a patient."""

    email_reminders = forms.BooleanField(
        label="Send reminder emails",
        required=False,
        help_text="Applies until the patient chooses for themselves.",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_class", "form-select")
        super().__init__(*args, **kwargs)
        for session in range(1, self.sessions + 1):
            self.fields[f"time_{session}"].label = (
                "Reminder time" if self.sessions == 1 else f"Session {session}"
            )


# --- The patient record (the therapist's forms) ------------------------------------------------


def timezone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """IANA zones grouped by region, for a select with optgroups."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(zoneinfo.available_timezones()):
        region, _, place = name.partition("/")
        if not place or region in {"Etc", "SystemV", "US", "Brazil", "Canada", "Chile", "Mexico"}:
            continue
        groups[region].append((name, place.replace("_", " ").replace("/", " – ")))
    return [("", [("UTC", "UTC")]), *sorted(groups.items())]


class PatientForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email",
        required=False,
        help_text="Optional. The patient can log in with it once they have set a password.",
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        help_text="Where the patient lives: their day starts at midnight there.",
    )
    conditions = forms.MultipleChoiceField(
        label="Conditions that call for care",
        required=False,
        choices=Precaution.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Exercises with a matching precaution show a warning in the program builder.",
    )
    clinic_phone = forms.CharField(
        label="Clinic phone shown to the patient",
        max_length=PHONE_MAX_LENGTH,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text="The number the patient calls when something is wrong. Every stop screen "
        "shows it.",
        error_messages={"required": "Give the clinic phone the patient should call."},
    )

    def __init__(self, *args: Any, patient: Patient | None = None, **kwargs: Any) -> None:
        self.patient = patient
        super().__init__(*args, **kwargs)
        for name, question in INTAKE_QUESTIONS.items():
            self.fields[f"intake_{name}"] = forms.ChoiceField(
                label=question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer yes or no."},
            )
        self.helper = form_helper(
            Row(
                Column("first_name", css_class="col-md-6"),
                Column("last_name", css_class="col-md-6"),
            ),
            Row(
                Column("email", css_class="col-md-6"), Column("clinic_phone", css_class="col-md-6")
            ),
            Field("timezone"),
            Field("conditions"),
            Fieldset(
                "Intake red-flag screen",
                HTML(
                    '<p class="form-text">Ask each question and record the answer. A yes asks '
                    "you to confirm medical clearance before a program can start.</p>"
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
                "Another account already uses this email address. Leave it empty, or use "
                "another one: each person logs in with their own."
            )
        return email

    def details(self) -> PatientDetails:
        data = self.cleaned_data
        return PatientDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            timezone_name=data["timezone"],
            conditions=data["conditions"],
            clinic_phone=data["clinic_phone"],
            intake={name: data[f"intake_{name}"] == "yes" for name in INTAKE_QUESTIONS},
        )

    def clean_clinic_phone(self) -> str:
        return self.cleaned_data["clinic_phone"].strip()


class MedicalClearanceForm(forms.Form):
    """A therapist confirms medical clearance for what the intake screen found."""

    note = forms.CharField(
        label="Clearance note",
        max_length=CLEARANCE_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who cleared the patient and on what: for example, their doctor saw them on "
        "3 March and found no reason not to exercise.",
        error_messages={
            "required": "Write who gave the clearance and on what it rests, for the record."
        },
    )

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class EndSafetyPauseForm(forms.Form):
    """A therapist ends a patient's safety pause, having spoken with them."""

    resume = forms.TypedChoiceField(
        label="Their programs",
        choices=[
            ("yes", "Start their paused programs again as they are"),
            ("no", "Keep them paused: I will change them first"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether their programs start again now."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=SafetyPause._meta.get_field("end_note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: spoke on the phone, symptoms settled, seen by their doctor.",
    )


class ArchiveForm(forms.Form):
    end_programs = forms.BooleanField(
        label="Also end their programs, so they no longer see exercises",
        required=False,
        initial=True,
    )


# --- Over days: the questions Today asks (DESIGN §5) --------------------------------------------


class PainFollowUpForm(forms.Form):
    """ "Is the pain still there now?" after a "not sure yet": one tap, yes or no."""

    still_there = forms.TypedChoiceField(
        label="Is the pain still there now?",
        choices=[("yes", "Yes, it is still there"), ("no", "No, it has gone")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose yes or no."},
    )


class MorningCheckForm(forms.Form):
    """Compared with yesterday morning: better, the same or worse; or skip for today."""

    answer = forms.ChoiceField(
        label="Compared with yesterday morning, how is your pain?",
        choices=MorningAnswer.choices,
        error_messages={"required": "Choose better, the same or worse."},
    )
