"""The therapist's form for watching patients: acknowledging an alert."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from patients.models import Alert

_NOTE = Alert._meta.get_field("acknowledgement_note")


class AcknowledgeForm(forms.Form):
    """The optional note a therapist leaves when acknowledging an alert (limit from the model)."""

    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=_NOTE.max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: called the patient, eased the program."),
    )
