"""Progression suggestions (DESIGN §5): "too easy" with low pain, several sessions running.

The rule: when the program's last ``RUN_LENGTH`` pain reports (ordered by date and session)
all say "too easy" with pain at most ``MAX_PAIN`` and no symptom ticked, each current item of
the program gets one suggested step up:

- two more repetitions, up to ``REPS_CAP``; or
- five more seconds of hold, up to ``HOLD_CAP``;

stretches step up their hold first, other exercises their repetitions first; breathing and
aerobic exercises get none. The step never goes past the caps nor the dose limits of the
catalogue. An item waiting for a decision gets no second suggestion, and after a decision a
new one needs a fresh run of reports, all sent after that decision.

Suggestions are advice for the therapist; nothing changes for the patient until the therapist
applies one (``prescriptions.services.apply_suggestion``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from exercises.models import MAX_HOLD_SECONDS, MAX_REPS, Kind
from patients.models import Difficulty, PainReport
from prescriptions.models import (
    HOLD_CAP,
    HOLD_STEP,
    REPS_CAP,
    REPS_STEP,
    PrescriptionItem,
    ProgressionSuggestion,
    Status,
    SuggestionField,
)

RUN_LENGTH = 3
MAX_PAIN = 2
NO_PROGRESSION_KINDS = frozenset({Kind.BREATHING, Kind.AEROBIC})


@dataclass(frozen=True)
class Step:
    field: SuggestionField
    from_value: int
    to_value: int


def _limits(field: SuggestionField) -> tuple[int, int]:
    """The step and the highest value a suggestion may reach for a field."""
    if field == SuggestionField.REPS:
        return REPS_STEP, min(REPS_CAP, MAX_REPS)
    return HOLD_STEP, min(HOLD_CAP, MAX_HOLD_SECONDS)


def next_step(item: PrescriptionItem) -> Step | None:
    """The safe step up for one item, or None when there is none to suggest."""
    kind = item.exercise.kind
    if kind in NO_PROGRESSION_KINDS:
        return None
    order = (SuggestionField.REPS, SuggestionField.HOLD_SECONDS)
    if kind == Kind.STRETCH:
        order = order[::-1]
    for field in order:
        value = getattr(item, field)
        step, cap = _limits(field)
        if value is not None and value < cap:
            return Step(field=field, from_value=value, to_value=min(value + step, cap))
    return None


def qualifies(reports: list[PainReport]) -> bool:
    """A full run of reports, each "too easy" with pain at most ``MAX_PAIN`` and no symptom
    ticked (DESIGN §5: "every report ... with no symptom")."""
    return len(reports) == RUN_LENGTH and all(
        report.difficulty == Difficulty.TOO_EASY
        and report.pain <= MAX_PAIN
        and not report.symptom_labels()
        for report in reports
    )


def _reason(run: list[PainReport]) -> str:
    first, last = run[-1], run[0]
    pains = ", ".join(str(report.pain) for report in reversed(run))
    return (
        f"Too easy in the last {len(run)} reports, pain {pains} "
        f"({dateformat.format(first.date, 'j M')} to {dateformat.format(last.date, 'j M')})."
    )


def review_progress(
    *, report: PainReport, now: datetime.datetime | None = None
) -> list[ProgressionSuggestion]:
    """Suggest a step up for the items of the report's program when the rule holds.

    Returns the suggestions created now. Safe under concurrency: a second writer that loses the
    race on the one-pending-per-item constraint rolls back its savepoint and moves on.
    """
    program = report.prescription
    if program is None or program.status != Status.ACTIVE:
        return []
    run = list(
        PainReport.objects.filter(prescription=program).order_by("-date", "-session")[:RUN_LENGTH]
    )
    if not qualifies(run):
        return []
    run_started = min(r.created_at for r in run)
    items = list(
        program.items.filter(removed_on__isnull=True)
        .select_related("exercise")
        .order_by("position", "pk")
    )
    latest: dict[int, ProgressionSuggestion] = {}
    for suggestion in ProgressionSuggestion.objects.filter(item__in=items).order_by("created_at"):
        latest[suggestion.item_id] = suggestion
    created: list[ProgressionSuggestion] = []
    for item in items:
        previous = latest.get(item.pk)
        if previous is not None and (
            previous.is_pending or (previous.decided_at or previous.created_at) >= run_started
        ):
            continue
        step = next_step(item)
        if step is None:
            continue
        try:
            with transaction.atomic():
                created.append(
                    ProgressionSuggestion.objects.create(
                        prescription=program,
                        item=item,
                        field=step.field,
                        from_value=step.from_value,
                        to_value=step.to_value,
                        reason=_reason(run),
                        created_at=now or timezone.now(),
                    )
                )
        except IntegrityError:
            continue
    return created
