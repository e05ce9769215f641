"""Writes about watching patients: acknowledging alerts, applying or dismissing a progression
suggestion. Keyword-only, typed and atomic, like every service (DESIGN §7).
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Alert
from prescriptions.models import ProgressionSuggestion, Status, SuggestionStatus
from prescriptions.services import ItemSpec, replace_items

# --- Alerts -----------------------------------------------------------------------------------


@transaction.atomic
def acknowledge_alert(
    *,
    alert: Alert,
    by: User,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Alert:
    """Mark an alert as seen by a therapist, with an optional note.

    Acknowledging an alert that already is leaves it as it was (the first acknowledgement
    stands), so a retry or a second tab is harmless. Afterwards a new finding of the same kind
    opens a new alert.
    """
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = now or timezone.now()
        locked.acknowledged_by = by
        locked.acknowledgement_note = note.strip()
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return locked


# --- Progression suggestions ------------------------------------------------------------------


def _pending(suggestion: ProgressionSuggestion) -> ProgressionSuggestion:
    locked = (
        ProgressionSuggestion.objects.select_for_update()
        .select_related("item__exercise", "prescription__patient")
        .get(pk=suggestion.pk)
    )
    if locked.status != SuggestionStatus.PENDING:
        raise ValidationError(
            _("This suggestion was already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _decide(
    suggestion: ProgressionSuggestion,
    status: SuggestionStatus,
    by: User,
    now: datetime.datetime | None,
) -> None:
    suggestion.status = status
    suggestion.decided_by = by
    suggestion.decided_at = now or timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def apply_suggestion(
    *,
    suggestion: ProgressionSuggestion,
    by: User,
    now: datetime.datetime | None = None,
) -> ProgressionSuggestion:
    """Change the item's dose as suggested, through ``replace_items`` so that the change is in
    the program's audit trail, and mark the suggestion applied.

    Refused (ValidationError) when it was decided already, when the exercise was taken out or
    the program ended, or when the dose changed since it was suggested.
    """
    locked = _pending(suggestion)
    item, program = locked.item, locked.prescription
    if program.status == Status.ENDED:
        raise ValidationError(_("The program has ended, so its doses no longer change."))
    if item.removed_on is not None:
        raise ValidationError(
            _("%(exercise)s was taken out of the program.") % {"exercise": item.exercise.name}
        )
    current_value = getattr(item, locked.field)
    if current_value != locked.from_value:
        raise ValidationError(
            _(
                "The dose of %(exercise)s changed since this was suggested (%(field)s is now "
                "%(value)s). Dismiss the suggestion, or change the dose in the program."
            )
            % {
                "exercise": item.exercise.name,
                "field": locked.get_field_display().lower(),
                "value": current_value or _("not set"),
            }
        )
    # Any: the dose field is named at run time (one of SuggestionField's values).
    step: dict[str, Any] = {locked.field: locked.to_value}
    specs = [
        replace(ItemSpec.from_item(current, keep_id=True), **step)
        if current.pk == item.pk
        else ItemSpec.from_item(current, keep_id=True)
        for current in program.items.filter(removed_on__isnull=True)
        .select_related("exercise")
        .order_by("position", "pk")
    ]
    replace_items(prescription=program, items=specs)
    _decide(locked, SuggestionStatus.APPLIED, by, now)
    return locked


@transaction.atomic
def dismiss_suggestion(
    *,
    suggestion: ProgressionSuggestion,
    by: User,
    now: datetime.datetime | None = None,
) -> ProgressionSuggestion:
    """Decline a suggestion; the dose stays as it is."""
    locked = _pending(suggestion)
    _decide(locked, SuggestionStatus.DISMISSED, by, now)
    return locked
