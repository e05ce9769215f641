from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from patients.models import PAIN_MAX, Difficulty, PainReport
from patients.reminder_times import format_time, parse_time, time_choices, time_in_words
from patients.services import NOTE_MAX_LENGTH
from prescriptions.models import MAX_TIMES_PER_DAY


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


class PainReportForm(forms.Form):
    pain = forms.TypedChoiceField(
        label="How bad is your pain right now?",
        choices=[(str(value), str(value)) for value in range(PAIN_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number from 0 (no pain) to 10."},
    )
    pain_lasted_over_15_min = forms.TypedChoiceField(
        label="After exercising, did the pain last more than 15 minutes?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=_yes_no,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
    numbness = forms.BooleanField(label="Numbness", required=False)
    tingling = forms.BooleanField(label="Tingling or pins and needles", required=False)
    weakness = forms.BooleanField(label="Weakness in a leg or arm", required=False)
    pain_down_leg = forms.BooleanField(label="Pain spreading down a leg", required=False)
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

    SYMPTOMS = ("numbness", "tingling", "weakness", "pain_down_leg")

    @classmethod
    def initial_from(cls, report: PainReport) -> dict[str, object]:
        """Answers of a saved report, to edit it."""
        return {
            "pain": str(report.pain),
            "pain_lasted_over_15_min": "yes" if report.pain_lasted_over_15_min else "no",
            "numbness": report.numbness,
            "tingling": report.tingling,
            "weakness": report.weakness,
            "pain_down_leg": report.pain_down_leg,
            "difficulty": report.difficulty,
            "note": report.note,
        }

    def pain_choices(self) -> list[dict[str, object]]:
        """The 0–10 buttons with their anchor words, and which one is chosen."""
        chosen = str(self["pain"].value() if self["pain"].value() is not None else "")
        return [
            {"value": value, "checked": chosen == str(value), "words": PAIN_WORDS.get(value, "")}
            for value in range(PAIN_MAX + 1)
        ]

    def symptom_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SYMPTOMS]


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
        cleaned = super().clean()
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
        empty_value=False,
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
