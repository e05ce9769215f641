"""Progression and regression suggestions (DESIGN §5), one item at a time, for the therapist.

After each check-off the patient may say how the exercise felt ("too easy", "about right",
"too hard"; ``Completion.effort``). Each item is reviewed when such an answer comes in and
when a pain report comes in, from what happened since the item's **window** began: the latest
of its dose change (the audit trail's record of the item's creation or of a change to its
dose, side, load or exercise), the therapist's last decision on a suggestion for it, and the
program's creation. Completions count only when they carry the item's current dose.

A **step up** is suggested only when all of these hold:

- at least ``MIN_DAYS`` distinct days and ``MIN_COMPLETIONS`` completions in the window;
- "too easy" in at least 2 of the item's last 3 answers in the window;
- at least one pain report in the window, and every one of them at most the threshold − 1,
  with no symptom ticked (leg symptoms, emergency signs, feeling unwell, a fall) and the
  decision table's answer ``ok``;
- no safety pause in the last ``PAUSE_FREE_DAYS`` days (open, or ended within them);
- adherence of the item's program at least ``MIN_ADHERENCE`` % over the last 7 days
  (``prescriptions.adherence``; a week with nothing due does not qualify);
- the program is active and breathing or aerobic exercises, and items dosed by time, get none.

The step: two more repetitions up to the exercise's ``max_reps``, else five more seconds of
hold up to its ``max_hold_seconds``, else one more set up to ``SETS_CAP``; never when the
program's session would then last over ``SESSION_CAP_SECONDS`` (``session_seconds``).

A **step down** is suggested when "too hard" is 2 of the item's last 3 answers in the window,
or when 2 pain reports of the last 7 days (in the window) were above the threshold. While the
dose is above the start dose (the exercise's own default) it goes back towards it: sets back
to the start, else a shorter hold (5 s, not below the start), else fewer repetitions (2, not
below the start); at the start dose, 2 fewer repetitions, else a 5 s shorter hold. A step down
replaces a step up still waiting for a decision.

Suggestions are advice; nothing changes for the patient until the therapist applies one
(``monitoring.services.apply_suggestion``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exercises.models import DOSE_FIELDS, Kind, Side
from patients.guidance import Level, decide
from patients.models import Completion, Difficulty, PainReport, SafetyPause
from prescriptions.adherence import adherence_window, done_by_day
from prescriptions.models import (
    HOLD_STEP,
    REPS_STEP,
    SETS_CAP,
    SETS_STEP,
    Direction,
    Prescription,
    PrescriptionItem,
    ProgressionSuggestion,
    Status,
    SuggestionField,
    SuggestionStatus,
)
from prescriptions.schedule import Schedule

MIN_DAYS = 3
MIN_COMPLETIONS = 4
ANSWERS_READ = 3  # the last answers looked at
ANSWERS_NEEDED = 2  # of them "too easy" (step up) or "too hard" (step down)
PAUSE_FREE_DAYS = 14
ADHERENCE_DAYS = 7
MIN_ADHERENCE = 80
PAIN_DAYS = 7
PAINFUL_REPORTS = 2
NO_PROGRESSION_KINDS = frozenset({Kind.BREATHING, Kind.AEROBIC})

# The session estimate. A repetition without a hold takes about four seconds when done slowly
# and with control; rest between sets, when the program gives none, about thirty seconds.
# Both err on the long side, so the 30-minute cap stops a step up sooner rather than later.
SECONDS_PER_REP = 4
DEFAULT_REST_SECONDS = 30
SESSION_CAP_SECONDS = 30 * 60
SIDED = frozenset({Side.EACH, Side.ALTERNATING})

# What changing counts as a change of dose, in the audit trail of an item.
DOSE_CHANGE_FIELDS = frozenset({*DOSE_FIELDS, "side", "load", "exercise", "removed_on"})


# --- The session estimate ---------------------------------------------------------------------


def item_seconds(item: PrescriptionItem, **dose: int | None) -> int:
    """How long one session of one item takes: sets × (reps × (hold or ``SECONDS_PER_REP``)
    + duration + rest), twice for an item done on each side. ``dose`` overrides its fields."""
    values = {name: dose.get(name, getattr(item, name)) for name in DOSE_FIELDS}
    reps, hold = values["reps"], values["hold_seconds"]
    work = (reps or 0) * (hold or SECONDS_PER_REP) + (values["duration_seconds"] or 0)
    rest = values["rest_seconds"]
    per_set = work + (DEFAULT_REST_SECONDS if rest is None else rest)
    sides = 2 if item.side in SIDED else 1
    return (values["sets"] or 1) * per_set * sides


def session_seconds(items: Iterable[PrescriptionItem]) -> int:
    """How long a session of these items takes, by ``item_seconds``."""
    return sum(item_seconds(item) for item in items)


# --- The steps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    direction: Direction
    field: SuggestionField
    from_value: int
    to_value: int


def step_up(
    item: PrescriptionItem, session: Sequence[PrescriptionItem] | None = None
) -> Step | None:
    """The one step up for an item under its exercise's caps, or None. ``session``: the
    program's current items, whose session may not go over ``SESSION_CAP_SECONDS``."""
    exercise = item.exercise
    if exercise.kind in NO_PROGRESSION_KINDS or item.reps is None or item.duration_seconds:
        return None
    if item.reps < exercise.max_reps:
        step = _up(SuggestionField.REPS, item.reps, REPS_STEP, exercise.max_reps)
    elif item.hold_seconds is not None and item.hold_seconds < exercise.max_hold_seconds:
        step = _up(
            SuggestionField.HOLD_SECONDS, item.hold_seconds, HOLD_STEP, exercise.max_hold_seconds
        )
    elif item.sets < SETS_CAP:
        step = _up(SuggestionField.SETS, item.sets, SETS_STEP, SETS_CAP)
    else:
        return None
    others = [other for other in session or [] if other.pk != item.pk]
    stepped = item_seconds(item, **{step.field: step.to_value})
    if session_seconds(others) + stepped > SESSION_CAP_SECONDS:
        return None
    return step


def _up(field: SuggestionField, value: int, step: int, cap: int) -> Step:
    return Step(Direction.PROGRESSION, field, value, min(value + step, cap))


def step_down(item: PrescriptionItem) -> Step | None:
    """The one step down for an item (towards the exercise's start dose), or None."""
    start = item.exercise
    if item.sets > start.sets:
        return Step(Direction.REGRESSION, SuggestionField.SETS, item.sets, start.sets)
    hold, reps = item.hold_seconds, item.reps
    if hold is not None and start.hold_seconds is not None and hold > start.hold_seconds:
        return _down(SuggestionField.HOLD_SECONDS, hold, HOLD_STEP, start.hold_seconds)
    if reps is not None and start.reps is not None and reps > start.reps:
        return _down(SuggestionField.REPS, reps, REPS_STEP, start.reps)
    if reps is not None and reps > REPS_STEP:
        return _down(SuggestionField.REPS, reps, REPS_STEP, 1)
    if hold is not None and hold > HOLD_STEP:
        return _down(SuggestionField.HOLD_SECONDS, hold, HOLD_STEP, 1)
    return None


def _down(field: SuggestionField, value: int, step: int, floor: int) -> Step:
    return Step(Direction.REGRESSION, field, value, max(value - step, floor))


# --- What the rules read ----------------------------------------------------------------------


@dataclass
class ItemWindow:
    """What happened to one item since its window began."""

    item: PrescriptionItem
    start: datetime.datetime
    completions: list[Completion]  # with the current dose, oldest first
    reports: list[PainReport]  # created since the start, oldest first
    pending: ProgressionSuggestion | None

    @property
    def answers(self) -> list[str]:
        """The last ``ANSWERS_READ`` answers, newest first."""
        answered = [c.effort for c in reversed(self.completions) if c.effort]
        return answered[:ANSWERS_READ]

    def answered(self, effort: Difficulty) -> bool:
        return self.answers.count(effort) >= ANSWERS_NEEDED

    @property
    def days(self) -> int:
        return len({completion.date for completion in self.completions})


def _same_dose(completion: Completion, item: PrescriptionItem) -> bool:
    return completion.side == item.side and all(
        getattr(completion, name) == getattr(item, name) for name in DOSE_FIELDS
    )


def _dose_changes(items: Sequence[PrescriptionItem]) -> dict[int, datetime.datetime]:
    """When each item's dose last changed, from the audit trail (one query)."""
    changed: dict[int, datetime.datetime] = {}
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PrescriptionItem),
        object_id__in=[item.pk for item in items],
        action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE],
    ).only("object_id", "action", "changes", "timestamp")
    for entry in entries:
        if entry.action == LogEntry.Action.UPDATE and not (
            DOSE_CHANGE_FIELDS & set(entry.changes_dict or {})
        ):
            continue
        key = entry.object_id
        if key not in changed or entry.timestamp > changed[key]:
            changed[key] = entry.timestamp
    return changed


def _windows(
    program: Prescription, items: Sequence[PrescriptionItem], today: datetime.date
) -> list[ItemWindow]:
    """Each item's window, in four queries: audit entries, suggestions, completions, reports."""
    changes = _dose_changes(items)
    decided: dict[int, datetime.datetime] = {}
    pending: dict[int, ProgressionSuggestion] = {}
    for suggestion in ProgressionSuggestion.objects.filter(item__in=items):
        if suggestion.is_pending:
            pending[suggestion.item_id] = suggestion
        elif suggestion.decided_at is not None:
            previous = decided.get(suggestion.item_id)
            decided[suggestion.item_id] = max(filter(None, (previous, suggestion.decided_at)))
    starts = {
        item.pk: max(filter(None, (program.created_at, changes.get(item.pk), decided.get(item.pk))))
        for item in items
    }
    earliest = min(starts.values())
    completions = list(
        Completion.objects.filter(item__in=items, completed_at__gte=earliest).order_by(
            "date", "session", "pk"
        )
    )
    reports = list(
        PainReport.objects.filter(patient_id=program.patient_id)
        .filter(
            Q(created_at__gte=earliest)
            | Q(date__gte=today - datetime.timedelta(days=PAIN_DAYS - 1))
        )
        .order_by("date", "session")
    )
    return [
        ItemWindow(
            item=item,
            start=starts[item.pk],
            completions=[
                c
                for c in completions
                if c.item_id == item.pk
                and c.completed_at >= starts[item.pk]
                and _same_dose(c, item)
            ],
            reports=[r for r in reports if r.created_at >= starts[item.pk]],
            pending=pending.get(item.pk),
        )
        for item in items
    ]


# --- The rules --------------------------------------------------------------------------------


def _calm(report: PainReport, threshold: int) -> bool:
    """At most the threshold − 1, nothing ticked, and the decision table's ``ok``."""
    return (
        report.pain <= threshold - 1
        and not report.symptom_labels()
        and decide(report.answers(threshold)).level == Level.OK
    )


def _paused_lately(program: Prescription, now: datetime.datetime) -> bool:
    since = now - datetime.timedelta(days=PAUSE_FREE_DAYS)
    return (
        SafetyPause.objects.filter(patient_id=program.patient_id)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        .exists()
    )


def _adherence(
    program: Prescription, items: Sequence[PrescriptionItem], today: datetime.date
) -> int | None:
    first = today - datetime.timedelta(days=ADHERENCE_DAYS)
    rows = Completion.objects.filter(
        item__prescription=program, date__gte=first, date__lt=today
    ).values_list("item_id", "date", "session")
    schedule = Schedule.of_items([(program, items)])
    return adherence_window(schedule, done_by_day(rows), days=ADHERENCE_DAYS, today=today).percent


def regression_reasons(window: ItemWindow, threshold: int, today: datetime.date) -> list[str]:
    """Why the item should step down, in plain words; empty when it should not."""
    reasons = []
    with translation.override(settings.LANGUAGE_CODE):  # stored (``reason``) in English
        if window.answered(Difficulty.TOO_HARD):
            reasons.append(
                _("Too hard in %(count)s of the last %(answers)s answers.")
                % {
                    "count": window.answers.count(Difficulty.TOO_HARD),
                    "answers": len(window.answers),
                }
            )
        recent = today - datetime.timedelta(days=PAIN_DAYS - 1)
        painful = [r for r in window.reports if r.date >= recent and r.pain > threshold]
        if len(painful) >= PAINFUL_REPORTS:
            pains = ", ".join(str(report.pain) for report in painful)
            reasons.append(
                _(
                    "Pain above the threshold of %(threshold)s in %(count)s reports of the last "
                    "%(days)s days (%(pains)s)."
                )
                % {"threshold": threshold, "count": len(painful), "days": PAIN_DAYS, "pains": pains}
            )
    return reasons


def progression_reason(
    window: ItemWindow,
    program: Prescription,
    items: Sequence[PrescriptionItem],
    today: datetime.date,
    now: datetime.datetime,
) -> str | None:
    """Why the item may step up, in plain words; None unless every condition holds (the cheap
    ones first, so that most reviews stop before reading pauses and adherence)."""
    threshold = program.pain_threshold
    if program.status != Status.ACTIVE:
        return None
    if len(window.completions) < MIN_COMPLETIONS or window.days < MIN_DAYS:
        return None
    if not window.answered(Difficulty.TOO_EASY):
        return None
    if not window.reports or not all(_calm(r, threshold) for r in window.reports):
        return None
    if _paused_lately(program, now):
        return None
    adherence = _adherence(program, items, today)
    if adherence is None or adherence < MIN_ADHERENCE:
        return None
    worst = max(report.pain for report in window.reports)
    with translation.override(settings.LANGUAGE_CODE):  # stored (``reason``) in English
        # Translators: for the therapist: why a dose may step up (DESIGN §5).
        return _(
            "Too easy in %(count)s of the last %(answers)s answers; done %(times)s times on "
            "%(days)s days since the last change; pain at most %(worst)s (threshold "
            "%(threshold)s) with no symptoms; %(adherence)s%% done over %(adherence_days)s days; "
            "no safety pause in %(pause_free_days)s days."
        ) % {
            "count": window.answers.count(Difficulty.TOO_EASY),
            "answers": len(window.answers),
            "times": len(window.completions),
            "days": window.days,
            "worst": worst,
            "threshold": threshold,
            "adherence": adherence,
            "adherence_days": ADHERENCE_DAYS,
            "pause_free_days": PAUSE_FREE_DAYS,
        }


# --- Reviewing ----------------------------------------------------------------------------------


def _create(
    program: Prescription, item: PrescriptionItem, step: Step, reason: str, now: datetime.datetime
) -> ProgressionSuggestion | None:
    try:
        with transaction.atomic():
            return ProgressionSuggestion.objects.create(
                prescription=program,
                item=item,
                direction=step.direction,
                field=step.field,
                from_value=step.from_value,
                to_value=step.to_value,
                reason=reason[: ProgressionSuggestion._meta.get_field("reason").max_length],
                created_at=now,
            )
    except IntegrityError:  # another writer's suggestion for the item got there first
        return None


def _withdraw(suggestion: ProgressionSuggestion, now: datetime.datetime) -> None:
    """A step up still waiting when a step down is called for: dismissed, by nobody."""
    ProgressionSuggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.PENDING).update(
        status=SuggestionStatus.DISMISSED, decided_at=now
    )


def review_items(
    *,
    program: Prescription,
    only: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> list[ProgressionSuggestion]:
    """Suggest a step down or up for the program's current items (or those in ``only``) when
    the rules hold; returns the suggestions created now. An item with a suggestion waiting
    gets no second one, except a step down, which replaces a waiting step up."""
    now = now or timezone.now()
    if program.status == Status.ENDED:
        return []
    everything = list(program.items.select_related("exercise"))
    current = [item for item in everything if item.removed_on is None]
    wanted = set(only) if only is not None else {item.pk for item in current}
    items = [item for item in current if item.pk in wanted]
    if not items:
        return []
    today = program.patient.local_today(now)
    created: list[ProgressionSuggestion] = []
    for window in _windows(program, items, today):
        item, pending = window.item, window.pending
        if pending is not None and pending.is_regression:
            continue
        reasons = regression_reasons(window, program.pain_threshold, today)
        down = step_down(item) if reasons else None
        if down is not None:
            if pending is not None:
                _withdraw(pending, now)
            suggestion = _create(program, item, down, " ".join(reasons), now)
        elif pending is None and not reasons:
            reason = progression_reason(window, program, everything, today, now)
            up = step_up(item, current) if reason else None
            suggestion = _create(program, item, up, reason, now) if up and reason else None
        else:
            suggestion = None
        if suggestion is not None:
            created.append(suggestion)
    return created


def review_progress(
    *, report: PainReport, now: datetime.datetime | None = None
) -> list[ProgressionSuggestion]:
    """After a pain report: review every current item of the report's program."""
    if report.prescription is None:
        return []
    return review_items(program=report.prescription, now=now)


def review_item(
    *, item: PrescriptionItem, now: datetime.datetime | None = None
) -> list[ProgressionSuggestion]:
    """After an answer on how an exercise felt: review that item."""
    return review_items(program=item.prescription, only=[item.pk], now=now)
