from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from patients.models import PAIN_MAX, Difficulty, PainReport
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
