"""Dose suggestions (DESIGN §5): a step up only when every condition holds, a step down when
the exercise was too hard or painful; the therapist applies or dismisses each one (page and API).

Each scenario is built as a patient lives it: a week of ticks for adherence, the item's window
opened by its last change (the audit trail), a pain report, and the last "how did it feel?"
answered with the button on Today.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from exercises.models import Kind, Side
from monitoring.progression import item_seconds, session_seconds, step_down, step_up
from patients.models import Completion, SafetyPause
from prescriptions.models import PrescriptionItem, ProgressionSuggestion, SuggestionStatus
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    PrescriptionItemFactory,
)
from tests.helpers import days_ago, read_form, report_form_data, token_client

pytestmark = pytest.mark.django_db

TODAY = reverse("patients:today")
REPORT = reverse("patients:report")


def _local(patient, day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=patient.zone)


def open_window(item: PrescriptionItem, since: datetime.datetime) -> None:
    """The item (and its program) as if last changed at ``since``."""
    item.prescription.__class__.objects.filter(pk=item.prescription_id).update(
        created_at=since - datetime.timedelta(days=30)
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PrescriptionItem), object_id=item.pk
    ).update(timestamp=since)


def tick(item: PrescriptionItem, day: datetime.date, session: int) -> Completion:
    """A tick made at noon of its day."""
    patient = item.prescription.patient
    return CompletionFactory(
        item=item, date=day, session=session, completed_at=_local(patient, day)
    )


def build(
    item: PrescriptionItem,
    today: datetime.date,
    *,
    days: int = 3,
    extra: int = 1,
    history: dict[int, int] | None = None,
    efforts: Sequence[str] = ("about_right", "too_easy"),
    pain: int | None = 3,
) -> None:
    """Ticks on the 7 days before today (``history``: sessions per day back), the window opened
    at the start of ``days`` − 1 days ago, ``extra`` more ticks inside it, ``efforts`` on the
    newest ticks before today's, a pain report yesterday; today's tick waits for its answer."""
    patient = item.prescription.patient
    open_window(item, _local(patient, days_ago(today, days - 1), hour=0))
    history = history if history is not None else dict.fromkeys(range(1, 8), 1)
    for offset, sessions in history.items():
        for session in range(1, sessions + 1):
            tick(item, days_ago(today, offset), session)
    window = [days_ago(today, offset) for offset in range(days - 1, 0, -1)]
    for number in range(extra):
        day = window[-1 - number % len(window)] if window else today
        tick(item, day, Completion.objects.filter(item=item, date=day).count() + 1)
    CompletionFactory(item=item, date=today, session=1)
    earlier = list(
        Completion.objects.filter(
            item=item, date__gte=days_ago(today, days - 1), date__lt=today
        ).order_by("date", "session")
    )
    for completion, effort in zip(earlier[len(earlier) - len(efforts) :], efforts, strict=True):
        completion.effort = effort
        completion.save()
    if pain is not None:
        PainReportFactory(
            patient=patient,
            prescription=item.prescription,
            date=days_ago(today, 1),
            pain=pain,
            pain_lasting="no",
        )


def answer(client, item: PrescriptionItem, effort: str, session: int = 1):
    """Press one of the three buttons under today's ticked-off exercise."""
    form = read_form(client.get(TODAY), f"effort-item-{item.pk}-s{session}")
    response = form.submit(client, value=effort, name="effort", follow=True)
    assert response.status_code == 200
    return response


def effort_url(completion: Completion) -> str:
    return f"/api/v1/me/completions/{completion.pk}/effort/"


def say(api, completion: Completion, effort: str) -> int:
    """Answer "how did it feel?" through the API; the status code."""
    return api.post(effort_url(completion), {"effort": effort}, format="json").status_code


def suggested(item: PrescriptionItem) -> tuple[str, str, int, int] | None:
    found = ProgressionSuggestion.objects.filter(item=item).pending().first()
    if found is None:
        return None
    return (found.direction, found.field, found.from_value, found.to_value)


@pytest.fixture
def item(logged_program):
    """2 sets of 10 with a 5-second hold; the exercise starts at 1 × 5, hold 10, caps 12 / 30."""
    return PrescriptionItemFactory(
        prescription=logged_program,
        exercise=ExerciseFactory(name="Bridge", kind=Kind.STRENGTHENING),
        sets=2,
        reps=10,
        hold_seconds=5,
    )


def test_too_easy_twice_with_calm_days_suggests_two_more_repetitions(
    patient_client, therapist_client, patient, item, today
):
    build(item, today)
    answer(patient_client, item, "too_easy")
    assert suggested(item) == ("progression", "reps", 10, 12)
    suggestion = ProgressionSuggestion.objects.get(item=item)
    assert "Too easy in 2 of the last 3 answers" in suggestion.reason
    assert "done 4 times on 3 days since the last change" in suggestion.reason
    assert "100% done over 7 days" in suggestion.reason
    page = therapist_client.get(reverse("monitoring:patient_progress", args=[patient.pk]))
    assert "Step up" in page.content.decode()
    assert "Bridge</strong>: 10 → 12 repetitions" in page.content.decode()


# --- Each condition that holds a step up back, at its boundary -------------------------------


@pytest.mark.parametrize(
    ("days", "extra", "expected"),
    [(2, 2, None), (3, 1, ("progression", "reps", 10, 12))],
    ids=["4-ticks-on-2-days", "4-ticks-on-3-days"],
)
def test_a_step_up_needs_three_days_since_the_last_change(
    patient_client, item, today, days, extra, expected
):
    build(item, today, days=days, extra=extra)
    answer(patient_client, item, "too_easy")
    assert suggested(item) == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [(0, None), (1, ("progression", "reps", 10, 12))],
    ids=["3-ticks", "4-ticks"],
)
def test_a_step_up_needs_four_ticks_since_the_last_change(
    patient_client, item, today, extra, expected
):
    build(item, today, extra=extra)
    answer(patient_client, item, "too_easy")
    assert suggested(item) == expected


@pytest.mark.parametrize(
    ("efforts", "last", "expected"),
    [
        (("about_right", "about_right"), "too_easy", None),
        (("too_easy", "about_right"), "about_right", None),
        (("about_right", "too_easy"), "too_easy", ("progression", "reps", 10, 12)),
        (("too_easy", "too_easy"), "about_right", ("progression", "reps", 10, 12)),
    ],
    ids=["1-of-3", "1-of-3-earlier", "2-of-3", "2-of-3-then-about-right"],
)
def test_a_step_up_needs_too_easy_in_two_of_the_last_three_answers(
    patient_client, item, today, efforts, last, expected
):
    build(item, today, efforts=efforts)
    answer(patient_client, item, last)
    assert suggested(item) == expected


@pytest.mark.parametrize(
    ("pain", "expected"),
    [(4, ("progression", "reps", 10, 12)), (5, None)],
    ids=["threshold-minus-1", "at-threshold"],
)
def test_a_step_up_needs_every_pain_report_below_the_threshold(
    patient_client, item, today, pain, expected
):
    build(item, today, pain=pain)  # the program's threshold is 5
    answer(patient_client, item, "too_easy")
    assert suggested(item) == expected


def test_no_step_up_without_any_pain_report_since_the_last_change(patient_client, item, today):
    build(item, today, pain=None)
    answer(patient_client, item, "too_easy")
    assert suggested(item) is None


@pytest.mark.parametrize(
    "symptom",
    [
        {"tingling": True, "leg_symptoms_usual": True},
        {"bladder_bowel": True},
        {"unwell": True},
    ],
    ids=["usual-tingling", "emergency-sign", "unwell"],
)
def test_no_step_up_after_a_report_with_a_symptom(patient_client, patient, item, today, symptom):
    build(item, today)
    PainReportFactory(
        patient=patient,
        prescription=item.prescription,
        date=days_ago(today, 2),
        pain=1,
        pain_lasting="no",
        **symptom,
    )
    answer(patient_client, item, "too_easy")
    assert suggested(item) is None


@pytest.mark.parametrize(
    ("ended_days_ago", "expected"),
    [(13, None), (15, ("progression", "reps", 10, 12))],
    ids=["pause-13-days-ago", "pause-15-days-ago"],
)
def test_no_step_up_within_14_days_of_a_safety_pause(
    patient_client, patient, therapist, item, today, ended_days_ago, expected
):
    now = timezone.now()
    SafetyPause.objects.create(
        patient=patient,
        level="stop",
        started_at=now - datetime.timedelta(days=20),
        ended_at=now - datetime.timedelta(days=ended_days_ago),
        ended_by=therapist,
        resumed=True,
    )
    build(item, today)
    answer(patient_client, item, "too_easy")
    assert suggested(item) == expected


@pytest.mark.parametrize(
    ("times_per_day", "history", "expected"),
    [
        # twice a day: 14 item-sessions due over 7 days, 11 done = 79 %
        (2, {1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1, 7: 1}, None),
        # five times a day: 35 due, 28 done = 80 %
        (5, dict.fromkeys(range(1, 8), 4), ("progression", "reps", 10, 12)),
    ],
    ids=["adherence-79", "adherence-80"],
)
def test_a_step_up_needs_80_percent_of_the_last_7_days_done(
    patient_client, item, today, times_per_day, history, expected
):
    item.prescription.times_per_day = times_per_day
    item.prescription.save()
    build(item, today, history=history, extra=0)
    answer(patient_client, item, "too_easy")
    assert suggested(item) == expected


def test_ticks_before_the_last_dose_change_do_not_count(
    patient_client, therapist_client, item, today
):
    build(item, today)
    item.rest_seconds = 20  # the therapist changes the dose today
    item.save()
    answer(patient_client, item, "too_easy")
    assert suggested(item) is None


def test_after_a_dismissal_a_new_step_up_needs_a_new_window(
    patient_client, therapist_client, item, today
):
    build(item, today)
    answer(patient_client, item, "too_easy")
    first = ProgressionSuggestion.objects.get(item=item)
    therapist_client.post(reverse("monitoring:suggestion_dismiss", args=[first.pk]))
    assert "You said it felt too easy." in patient_client.get(TODAY).content.decode()
    # answers given again are reviewed again, but nothing was done since the decision
    api = token_client(item.prescription.patient.user)
    for completion in Completion.objects.filter(item=item).exclude(effort=""):
        assert (
            api.post(effort_url(completion), {"effort": "about_right"}, format="json").status_code
            == 200
        )
        assert (
            api.post(effort_url(completion), {"effort": "too_easy"}, format="json").status_code
            == 200
        )
    assert ProgressionSuggestion.objects.filter(item=item).count() == 1


def test_a_paused_program_gets_no_step_up(patient_client, item, today):
    build(item, today)
    item.prescription.status = "paused"
    item.prescription.save()
    assert "effort-item" not in patient_client.get(TODAY).content.decode()
    assert suggested(item) is None


# --- The step and its caps --------------------------------------------------------------------


def _item(*, kind=Kind.STRENGTHENING, sets=1, reps=10, hold=5, side=Side.BOTH, **exercise):
    return PrescriptionItem(
        exercise=ExerciseFactory.build(kind=kind, **exercise),
        sets=sets,
        reps=reps,
        hold_seconds=hold,
        side=side,
    )


def _step(step):
    return None if step is None else (step.field, step.from_value, step.to_value)


@pytest.mark.parametrize(
    ("item_args", "expected"),
    [
        ({"reps": 10}, ("reps", 10, 12)),
        ({"reps": 11}, ("reps", 11, 12)),  # up to the exercise's 12
        ({"reps": 12, "hold": 10}, ("hold_seconds", 10, 15)),  # reps at 12: the hold
        ({"reps": 12, "hold": 28}, ("hold_seconds", 28, 30)),  # up to 30 s
        ({"reps": 12, "hold": 30, "sets": 2}, ("sets", 2, 3)),  # hold at 30: one more set
        ({"reps": 12, "hold": None, "sets": 1}, ("sets", 1, 2)),  # no hold: the sets
        ({"reps": 12, "hold": 30, "sets": 3}, None),  # 3 sets: nothing more
        ({"reps": 14, "hold": 10, "max_reps": 16}, ("reps", 14, 16)),  # its own cap
        ({"reps": 8, "kind": Kind.BREATHING}, None),
    ],
)
def test_the_step_up_stays_within_the_exercises_caps(item_args, expected):
    assert _step(step_up(_item(**item_args))) == expected


def test_the_step_up_never_makes_a_session_longer_than_30_minutes():
    item = _item(sets=2, reps=10, hold=30)  # 2 × (10 × 30 + 30) = 660 s; 12 reps: 780 s
    long = _item(sets=2, reps=12, hold=30)  # 2 × (12 × 30 + 30) = 780 s
    short = _item(sets=1, reps=12, hold=25)  # 12 × 25 + 30 = 330 s
    item.pk, long.pk, short.pk = 1, 2, 3
    assert session_seconds([item, long, short]) == 1770  # under 30 minutes now
    assert step_up(item, [item, long, short]) is None  # 1890 s with two more repetitions
    assert _step(step_up(item, [item, long])) == ("reps", 10, 12)  # 1560 s


def test_the_session_estimate_counts_sets_reps_holds_rest_and_sides():
    assert item_seconds(_item(sets=2, reps=10, hold=5)) == 2 * (10 * 5 + 30)
    assert item_seconds(_item(sets=2, reps=10, hold=5, side=Side.EACH)) == 2 * 2 * (10 * 5 + 30)
    no_hold = _item(sets=3, reps=10, hold=None)
    no_hold.rest_seconds = 15
    assert item_seconds(no_hold) == 3 * (10 * 4 + 15)  # four seconds a repetition
    walk = PrescriptionItem(exercise=ExerciseFactory.build(), sets=1, duration_seconds=600)
    assert item_seconds(walk) == 600 + 30


@pytest.mark.parametrize(
    ("item_args", "expected"),
    [
        ({"sets": 3, "reps": 12, "hold": 30}, ("sets", 3, 1)),  # back to the start's 1 set
        ({"sets": 1, "reps": 12, "hold": 30}, ("hold_seconds", 30, 25)),
        ({"sets": 1, "reps": 12, "hold": 12}, ("hold_seconds", 12, 10)),  # not below 10
        ({"sets": 1, "reps": 12, "hold": 10}, ("reps", 12, 10)),
        ({"sets": 1, "reps": 6, "hold": 10}, ("reps", 6, 5)),  # not below the start's 5
        ({"sets": 1, "reps": 5, "hold": 10}, ("reps", 5, 3)),  # at the start: fewer
        ({"sets": 1, "reps": 2, "hold": 10}, ("hold_seconds", 10, 5)),
        ({"sets": 1, "reps": 2, "hold": 5}, None),
    ],
)
def test_the_step_down_goes_back_towards_the_start_dose(item_args, expected):
    # the exercise starts at 1 set of 5, hold 10 (the factory's default dose)
    assert _step(step_down(_item(**item_args))) == expected


# --- Steps down ---------------------------------------------------------------------------------


def test_too_hard_twice_in_the_last_three_answers_suggests_a_step_down(
    patient_client, therapist_client, patient, item, today
):
    build(item, today, efforts=("too_hard", "about_right"))
    answer(patient_client, item, "too_hard")
    assert suggested(item) == ("regression", "sets", 2, 1)
    html = therapist_client.get(
        reverse("monitoring:patient_progress", args=[patient.pk])
    ).content.decode()
    assert "Step down" in html
    assert "Too hard in 2 of the last 3 answers." in html


def test_too_hard_once_suggests_nothing(patient_client, item, today):
    build(item, today, efforts=("about_right", "about_right"))
    answer(patient_client, item, "too_hard")
    assert suggested(item) is None


def _send(client, day, pain):
    response = client.post(REPORT, report_form_data(date=day.isoformat(), session=1, pain=pain))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("first_days_ago", "expected"),
    [(6, ("regression", "sets", 2, 1)), (7, None)],
    ids=["twice-in-7-days", "8-days-apart"],
)
def test_pain_above_the_threshold_twice_in_7_days_suggests_a_step_down(
    patient_client, patient, item, today, first_days_ago, expected
):
    open_window(item, timezone.now() - datetime.timedelta(days=30))
    PainReportFactory(
        patient=patient,
        prescription=item.prescription,
        date=days_ago(today, first_days_ago),
        pain=6,
        pain_lasting="no",
    )
    _send(patient_client, today, pain=6)  # above the threshold of 5
    assert suggested(item) == expected


def test_a_step_down_replaces_a_step_up_still_waiting(patient_client, item, today):
    build(item, today)
    answer(patient_client, item, "too_easy")
    up = ProgressionSuggestion.objects.get(item=item)
    api = token_client(item.prescription.patient.user)
    newest = Completion.objects.filter(item=item).exclude(effort="").order_by("-date", "-session")
    for completion in newest[:2]:  # today's and yesterday's answers become "too hard"
        assert (
            api.post(effort_url(completion), {"effort": "too_hard"}, format="json").status_code
            == 200
        )
    up.refresh_from_db()
    assert up.status == SuggestionStatus.DISMISSED
    assert suggested(item) == ("regression", "sets", 2, 1)


def test_the_therapist_applies_a_step_down_and_the_history_keeps_it(
    patient_client, therapist_client, therapist, patient, item, today
):
    build(item, today, efforts=("too_hard", "too_hard"))
    answer(patient_client, item, "about_right")
    waiting = ProgressionSuggestion.objects.get(item=item)
    progress = reverse("monitoring:patient_progress", args=[patient.pk])
    response = read_form(therapist_client.get(progress), f"apply-{waiting.pk}").submit(
        therapist_client, value="", name="", follow=True
    )
    assert "Applied: Bridge, 2 → 1 sets." in response.content.decode()
    item.refresh_from_db()
    assert item.sets == 1
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PrescriptionItem),
        object_id=item.pk,
        action=LogEntry.Action.UPDATE,
    ).latest("timestamp")
    assert entry.actor == therapist
    assert entry.changes_dict["sets"] == ["2", "1"]


# --- The API --------------------------------------------------------------------------------------


@pytest.fixture
def waiting(patient_client, item, today):
    build(item, today)
    answer(patient_client, item, "too_easy")
    return ProgressionSuggestion.objects.get(item=item)


def test_the_api_lists_and_applies_a_suggestion(therapist, patient, item, waiting):
    api = token_client(therapist)
    listing = api.get("/api/v1/suggestions/", {"patient": patient.pk, "status": "pending"})
    assert listing.status_code == 200
    (row,) = listing.json()["results"]
    assert row["direction"] == "progression"
    assert row["change"] == "10 → 12 repetitions"
    assert row["exercise_name"] == "Bridge"
    assert "Too easy in 2 of the last 3 answers" in row["reason"]
    applied = api.post(f"/api/v1/suggestions/{waiting.pk}/apply/")
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    item.refresh_from_db()
    assert item.reps == 12
    again = api.post(f"/api/v1/suggestions/{waiting.pk}/apply/")
    assert again.status_code == 400
    assert "already applied" in str(again.json())


def test_the_api_dismisses_a_suggestion(therapist, item, waiting):
    response = token_client(therapist).post(f"/api/v1/suggestions/{waiting.pk}/dismiss/")
    assert response.json()["status"] == "dismissed"
    item.refresh_from_db()
    assert item.reps == 10


def test_other_therapists_and_patients_cannot_see_or_decide_suggestions(
    other_therapist, patient, waiting
):
    for user, code in ((other_therapist, 404), (patient.user, 404)):
        api = token_client(user)
        assert api.get(f"/api/v1/suggestions/{waiting.pk}/").status_code == code
        assert api.post(f"/api/v1/suggestions/{waiting.pk}/apply/").status_code == code
    waiting.refresh_from_db()
    assert waiting.is_pending


def test_another_therapist_cannot_decide_on_the_page(other_therapist, client, waiting):
    client.force_login(other_therapist)
    for name in ("monitoring:suggestion_apply", "monitoring:suggestion_dismiss"):
        assert client.post(reverse(name, args=[waiting.pk])).status_code == 404
    waiting.refresh_from_db()
    assert waiting.is_pending
