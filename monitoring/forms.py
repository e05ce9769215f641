"""The therapist's forms for watching patients: acknowledging an alert."""

from __future__ import annotations

from django import forms

from patients.models import Alert, SafetyPause

_NOTE = Alert._meta.get_field("acknowledgement_note")


class AcknowledgeForm(forms.Form):
    """The optional note a therapist leaves when acknowledging an alert (limit from the model)."""

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=_NOTE.max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: called the patient, eased the program.",
    )


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
