"""Reminder emails: at the patient's local time, only when due and open, once, never lost.

Every run gets a fixed ``now``; expected instants are written out in UTC by hand (not worked
out with the code under test), so a wrong offset on a daylight-saving day shows up.
"""

from __future__ import annotations

import datetime
import smtplib
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exercises.models import Side
from patients.models import (
    Alert,
    AlertKind,
    ReminderEmail,
    ReminderStatus,
    SafetyPause,
    Severity,
)
from patients.reminder_times import format_time, local_moment, parse_time
from patients.reminders import (
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    SEND_WINDOW,
    RunClock,
    send_due_reminders,
    unsubscribe_token,
)
from patients.services import end_safety_pause, submit_pain_report
from prescriptions.models import ALL_DAYS, Status
from tests.factories import (
    CompletionFactory,
    ExerciseFactory,
    PainReportFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.helpers import service_report_answers

pytestmark = pytest.mark.django_db

SITE = "https://rehabit.example.org"
START = datetime.date(2026, 1, 1)
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Rehabit <noreply@rehabit.example.org>"


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def setup(
    zone: str = "Europe/Berlin",
    *,
    times_per_day: int = 1,
    days: list[int] | None = None,
    own_times: tuple[str, ...] = (),
    default_times: tuple[str, ...] = (),
    email_reminders: bool | None = True,
    **program: object,
) -> SimpleNamespace:
    """A patient with email reminders and a program of two exercises since 1 January 2026."""
    patient = PatientFactory(
        timezone=zone,
        email_reminders=email_reminders,
        reminder_times=list(own_times),
        default_reminder_times=list(default_times),
        user__first_name="Ada",
    )
    prescription = PrescriptionFactory(
        patient=patient,
        title="Gentle back program",
        start_date=program.pop("start_date", START),
        times_per_day=times_per_day,
        days_of_week=days if days is not None else list(ALL_DAYS),
        **program,
    )
    bridge = PrescriptionItemFactory(
        prescription=prescription,
        exercise=ExerciseFactory(name="Bridge"),
        position=1,
        sets=3,
        reps=10,
        hold_seconds=5,
        side=Side.EACH,
    )
    walk = PrescriptionItemFactory(
        prescription=prescription,
        exercise=ExerciseFactory(
            name="Walking", reps=None, hold_seconds=None, duration_seconds=15 * 60
        ),
        position=2,
        sets=1,
        reps=None,
        hold_seconds=None,
        duration_seconds=15 * 60,
    )
    return SimpleNamespace(patient=patient, program=prescription, items=[bridge, walk])


def tick_all(case: SimpleNamespace, day: datetime.date, session: int = 1) -> None:
    for item in case.items:
        tick(item, day, session)


def tick(item, day: datetime.date, session: int = 1) -> None:
    CompletionFactory(item=item, date=day, session=session, duration_seconds=item.duration_seconds)


# --- When -----------------------------------------------------------------------------------------


def test_no_email_before_the_reminder_time():
    setup("Europe/Berlin")  # 09:00 suggested for once a day; Berlin is UTC+1 in January
    result = send_due_reminders(now=utc("2026-01-14 07:59"))
    assert mail.outbox == []
    assert result.sent == 0
    assert not ReminderEmail.objects.exists()


def test_one_email_at_the_reminder_time_and_none_on_reruns():
    case = setup("Europe/Berlin")
    assert send_due_reminders(now=utc("2026-01-14 08:00")).sent == 1
    for minutes in (5, 10, 60, 119):
        send_due_reminders(now=utc("2026-01-14 08:00") + minutes * MINUTE)
    assert len(mail.outbox) == 1
    record = ReminderEmail.objects.get()
    assert (record.patient, record.date, record.session) == (
        case.patient,
        datetime.date(2026, 1, 14),
        1,
    )
    assert record.status == ReminderStatus.SENT
    assert utc("2026-01-14 08:00") <= record.sent_at < utc("2026-01-14 08:00") + SECOND
    assert record.due_at == utc("2026-01-14 08:00")


def test_the_next_day_has_its_own_reminder():
    setup("Europe/Berlin")
    send_due_reminders(now=utc("2026-01-14 08:05"))
    send_due_reminders(now=utc("2026-01-15 08:05"))
    assert len(mail.outbox) == 2
    assert sorted(ReminderEmail.objects.values_list("date", flat=True)) == [
        datetime.date(2026, 1, 14),
        datetime.date(2026, 1, 15),
    ]


@pytest.mark.parametrize(
    ("late", "sends"),
    [(SEND_WINDOW - MINUTE, True), (SEND_WINDOW, False), (SEND_WINDOW + 3 * 60 * MINUTE, False)],
)
def test_a_reminder_more_than_two_hours_late_is_not_sent(late, sends):
    """A sender that was down all morning does not send the 9 o'clock reminder at lunch."""
    setup("Europe/Berlin")
    send_due_reminders(now=utc("2026-01-14 08:00") + late)
    assert len(mail.outbox) == (1 if sends else 0)


# Daylight-saving days: 09:00 on the wall, and the UTC instant worked out by hand.
DST_DAYS = [
    # Berlin springs forward at 02:00 on 29 March (UTC+1 → UTC+2): 09:00 is 07:00 UTC.
    ("Europe/Berlin", "2026-03-28 08:00", "2026-03-29 07:00"),
    # Berlin falls back at 03:00 on 25 October (UTC+2 → UTC+1): 09:00 is 08:00 UTC.
    ("Europe/Berlin", "2026-10-24 07:00", "2026-10-25 08:00"),
    # New York springs forward on 8 March (UTC−5 → UTC−4): 09:00 is 13:00 UTC.
    ("America/New_York", "2026-03-07 14:00", "2026-03-08 13:00"),
    # New York falls back on 1 November (UTC−4 → UTC−5): 09:00 is 14:00 UTC.
    ("America/New_York", "2026-10-31 13:00", "2026-11-01 14:00"),
    # Auckland falls back on 5 April (UTC+13 → UTC+12): 09:00 is 21:00 UTC the day before.
    ("Pacific/Auckland", "2026-04-03 20:00", "2026-04-04 21:00"),
    # Auckland springs forward on 27 September (UTC+12 → UTC+13): 09:00 is 20:00 UTC the day
    # before.
    ("Pacific/Auckland", "2026-09-25 21:00", "2026-09-26 20:00"),
]


@pytest.mark.parametrize(("zone", "day_before", "change_day"), DST_DAYS)
def test_reminders_keep_to_the_wall_clock_across_daylight_saving_changes(
    zone, day_before, change_day
):
    setup(zone)
    for moment in (utc(day_before), utc(change_day)):
        send_due_reminders(now=moment - MINUTE)
        assert mail.outbox == [], f"early at {moment}"
        assert send_due_reminders(now=moment).sent == 1, moment
        assert len(mail.outbox) == 1
        assert "9:00 in the morning" in mail.outbox[0].body
        mail.outbox.clear()
    dates = sorted(ReminderEmail.objects.values_list("due_at", flat=True))
    assert dates == [utc(day_before), utc(change_day)]


def test_the_schedule_follows_the_patients_local_weekday_not_utcs():
    """Sunday 09:00 in Auckland is Saturday 20:00 UTC: a Sunday-only program is due then."""
    setup("Pacific/Auckland", days=[6])  # Sunday
    send_due_reminders(now=utc("2026-09-26 20:00"))  # Saturday in UTC, Sunday in Auckland
    assert len(mail.outbox) == 1
    assert ReminderEmail.objects.get().date == datetime.date(2026, 9, 27)
    send_due_reminders(now=utc("2026-09-27 20:00"))  # Monday 09:00 in Auckland
    assert len(mail.outbox) == 1


def test_a_time_that_the_clock_skips_is_read_an_hour_later_and_a_repeated_one_first():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    # 02:30 does not exist on 29 March in Berlin: 01:30 UTC, which is 03:30 by the new clock.
    assert local_moment(datetime.date(2026, 3, 29), parse_time("02:30"), berlin) == utc(
        "2026-03-29 01:30"
    )
    # 02:30 happens twice on 25 October: the first one, still on summer time (UTC+2).
    assert local_moment(datetime.date(2026, 10, 25), parse_time("02:30"), berlin) == utc(
        "2026-10-25 00:30"
    )


def test_a_reminder_early_in_the_day_goes_out_once_on_the_day_the_clock_skips():
    setup("Europe/Berlin", own_times=("02:30",))
    for minute in range(0, 180, 5):
        send_due_reminders(now=utc("2026-03-29 00:00") + minute * MINUTE)
    assert len(mail.outbox) == 1
    assert ReminderEmail.objects.get().due_at == utc("2026-03-29 01:30")


# --- Which sessions -------------------------------------------------------------------------------


def test_twice_a_day_means_two_reminders_at_the_suggested_times():
    setup("Europe/Berlin", times_per_day=2)  # suggested: 09:00 and 18:00
    send_due_reminders(now=utc("2026-01-14 08:10"))
    send_due_reminders(now=utc("2026-01-14 16:59"))  # 17:59 in Berlin
    send_due_reminders(now=utc("2026-01-14 17:00"))
    send_due_reminders(now=utc("2026-01-14 17:30"))
    assert [m.subject for m in mail.outbox] == [
        "Time for your exercises (session 1 of 2)",
        "Time for your exercises (session 2 of 2)",
    ]
    assert sorted(ReminderEmail.objects.values_list("session", flat=True)) == [1, 2]


def test_the_patients_own_times_win_over_the_therapists_which_win_over_the_suggestion():
    own = setup("Europe/Berlin", own_times=("07:30",), default_times=("10:00",))
    therapist = setup("Europe/Berlin", default_times=("10:00",))
    suggested = setup("Europe/Berlin")
    sent_to = {}
    for moment in ("06:30", "08:00", "09:00"):  # 07:30, 09:00, 10:00 in Berlin
        send_due_reminders(now=utc(f"2026-01-14 {moment}"))
        sent_to[moment] = {m.to[0] for m in mail.outbox}
        mail.outbox.clear()
    assert sent_to == {
        "06:30": {own.patient.user.email},
        "08:00": {suggested.patient.user.email},
        "09:00": {therapist.patient.user.email},
    }


def test_no_email_once_the_session_is_done():
    case = setup("Europe/Berlin")
    tick_all(case, datetime.date(2026, 1, 14))
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert mail.outbox == []
    assert not ReminderEmail.objects.exists()


def test_a_session_done_in_part_is_reminded_with_what_is_left():
    case = setup("Europe/Berlin", times_per_day=2)
    tick(case.items[0], datetime.date(2026, 1, 14), session=1)
    tick_all(case, datetime.date(2026, 1, 14), session=2)  # session 2 done early
    send_due_reminders(now=utc("2026-01-14 08:05"))
    send_due_reminders(now=utc("2026-01-14 17:05"))
    (message,) = mail.outbox
    assert "session 1 of 2" in message.subject
    assert (
        "- Bridge: 3 sets of 10 repetitions, hold 5 seconds, each side (done already)"
        in message.body
    )
    assert "- Walking: for 15 minutes\n" in message.body


def test_no_email_on_a_day_without_planned_exercises():
    setup("Europe/Berlin", days=[0, 2, 4])  # 14 January 2026 is a Wednesday (2)
    send_due_reminders(now=utc("2026-01-15 08:05"))  # Thursday
    assert mail.outbox == []
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "program",
    [
        {"status": Status.PAUSED},
        {"status": Status.ENDED},
        {"start_date": datetime.date(2026, 1, 15)},
        {"end_date": datetime.date(2026, 1, 13)},
    ],
    ids=["paused", "ended", "not started", "past its end date"],
)
def test_no_email_for_a_program_that_is_not_running(program):
    setup("Europe/Berlin", **program)
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert mail.outbox == []


def test_no_email_when_every_exercise_was_taken_out_of_the_program():
    case = setup("Europe/Berlin")
    for item in case.items:
        item.removed_on = datetime.date(2026, 1, 10)
        item.save()
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert mail.outbox == []


@pytest.mark.parametrize(
    "change",
    ["emails off", "no address", "archived", "inactive login", "default off"],
)
def test_no_email_without_a_wish_an_address_or_an_active_patient(change):
    case = setup("Europe/Berlin")
    patient, user = case.patient, case.patient.user
    if change == "emails off":
        patient.email_reminders = False
    elif change == "no address":
        user.email = ""
    elif change == "archived":
        patient.archived_at = utc("2026-01-10 12:00")
    elif change == "inactive login":
        user.is_active = False
    else:
        patient.email_reminders = None
        patient.default_email_reminders = False
    user.save()
    patient.save()
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert mail.outbox == []


def test_the_therapists_default_applies_until_the_patient_chooses():
    case = setup("Europe/Berlin", email_reminders=None)
    case.patient.default_email_reminders = True
    case.patient.save()
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert len(mail.outbox) == 1
    case.patient.email_reminders = False
    case.patient.save()
    send_due_reminders(now=utc("2026-01-15 08:05"))
    assert len(mail.outbox) == 1


def test_no_reminder_while_a_safety_pause_is_in_force_and_again_once_it_ends():
    case = setup("Europe/Berlin", times_per_day=2)
    _, guidance = submit_pain_report(
        patient=case.patient,
        day=datetime.date(2026, 1, 14),
        session=1,
        pain=3,
        now=utc("2026-01-14 09:00"),
        **service_report_answers(numbness=True),
    )
    assert guidance.level == "stop"
    pause = SafetyPause.objects.open().get(patient=case.patient)
    mail.outbox.clear()  # only reminders count here
    send_due_reminders(now=utc("2026-01-14 17:05"))
    send_due_reminders(now=utc("2026-01-15 07:05"))
    assert mail.outbox == []
    end_safety_pause(
        pause=pause, by=case.program.prescribed_by, resume=True, now=utc("2026-01-15 10:00")
    )
    send_due_reminders(now=utc("2026-01-15 17:05"))
    assert len(mail.outbox) == 1


def test_a_mild_pain_report_does_not_stop_reminders():
    case = setup("Europe/Berlin", times_per_day=2)
    PainReportFactory(patient=case.patient, date=datetime.date(2026, 1, 14), pain=3)
    send_due_reminders(now=utc("2026-01-14 17:05"))
    assert len(mail.outbox) == 1


def test_no_reminder_while_a_red_flag_alert_waits_for_the_therapist():
    case = setup("Europe/Berlin")
    alert = Alert.objects.create(
        patient=case.patient,
        kind=AlertKind.RED_FLAG,
        severity=Severity.URGENT,
        message="Red-flag symptoms reported.",
    )
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert mail.outbox == []
    alert.acknowledged_at = utc("2026-01-14 12:00")
    alert.save()
    send_due_reminders(now=utc("2026-01-15 08:05"))
    assert len(mail.outbox) == 1


# --- What it says ---------------------------------------------------------------------------------


def test_the_email_lists_the_sessions_exercises_in_words_with_links_and_unsubscribe_headers():
    case = setup("Europe/Berlin")
    PainReportFactory(
        patient=case.patient, date=datetime.date(2026, 1, 13), pain=4, note="sore knee at night"
    )
    send_due_reminders(now=utc("2026-01-14 08:03"))
    (message,) = mail.outbox
    assert message.to == [case.patient.user.email]
    assert message.from_email == "Rehabit <noreply@rehabit.example.org>"
    assert message.subject == "Time for your exercises"
    body = message.body
    assert body.startswith("Hello Ada,\n\nIt is 9:00 in the morning: time for your exercises.")
    assert (
        "Gentle back program\n- Bridge: 3 sets of 10 repetitions, hold 5 seconds, each side\n"
        in body
    )
    assert "- Walking: for 15 minutes\n" in body
    assert f"{SITE}/today/" in body
    assert f"{SITE}/reminders/" in body
    unsubscribe = f"{SITE}{reverse('patients:unsubscribe', args=[unsubscribe_token(case.patient)])}"
    assert unsubscribe in body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "Open today’s exercises" in html
    assert f'href="{SITE}/today/"' in html
    assert "3 sets of 10 repetitions, hold 5 seconds, each side" in html
    # Headers as they leave: RFC 8058 needs both on the sent message.
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert "Auto-Submitted: auto-generated" in raw
    for private in ("sore knee", "pain", "4 out of 10"):
        assert private not in body.lower()
        assert private not in html.lower()


def test_an_exercise_name_with_special_characters_is_not_mangled_in_the_plain_text():
    case = setup("Europe/Berlin")
    case.items[0].exercise.name = "Knee-to-chest & hold <both>"
    case.items[0].exercise.save()
    send_due_reminders(now=utc("2026-01-14 08:05"))
    (message,) = mail.outbox
    assert "- Knee-to-chest & hold <both>:" in message.body
    assert "Knee-to-chest &amp; hold &lt;both&gt;" in message.alternatives[0][0]


def test_logs_hold_counts_not_addresses_or_health_data(caplog):
    case = setup("Europe/Berlin")
    PainReportFactory(patient=case.patient, date=datetime.date(2026, 1, 14), pain=2, note="ok")
    with caplog.at_level("DEBUG", logger="patients.reminders"):
        send_due_reminders(now=utc("2026-01-14 08:05"))
    assert "1 sent" in caplog.text
    assert case.patient.user.email not in caplog.text
    assert "Bridge" not in caplog.text


# --- Unsubscribe ----------------------------------------------------------------------------------


def test_no_email_after_a_one_click_unsubscribe(client):
    case = setup("Europe/Berlin")
    send_due_reminders(now=utc("2026-01-14 08:05"))
    (message,) = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)
    response = client.post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    case.patient.refresh_from_db()
    assert case.patient.email_reminders is False
    send_due_reminders(now=utc("2026-01-15 08:05"))
    assert len(mail.outbox) == 1


# --- Crashes and failures -------------------------------------------------------------------------


class FlakyBackend(LocmemBackend):
    """Refuses the next ``failures`` messages, like a mail server that went away."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class DyingBackend(LocmemBackend):
    """The process dies while sending (nothing below the command catches this)."""

    def send_messages(self, messages):
        raise KeyboardInterrupt


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0


def test_a_failed_send_is_retried_on_the_next_run_and_sent_once(flaky):
    setup("Europe/Berlin")
    flaky.failures = 1
    first = send_due_reminders(now=utc("2026-01-14 08:00"))
    assert (first.sent, first.failed, first.errors) == (0, 1, ["SMTPServerDisconnected"])
    record = ReminderEmail.objects.get()
    assert (record.status, record.claimed_at, record.attempts) == (ReminderStatus.PENDING, None, 1)
    assert mail.outbox == []
    assert send_due_reminders(now=utc("2026-01-14 08:05")).sent == 1
    send_due_reminders(now=utc("2026-01-14 08:10"))
    assert len(mail.outbox) == 1
    record.refresh_from_db()
    assert (record.status, record.attempts) == (ReminderStatus.SENT, 2)


def test_a_sender_that_dies_after_claiming_is_taken_over_once_its_claim_is_stale(settings):
    setup("Europe/Berlin")
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"
    with pytest.raises(KeyboardInterrupt):
        send_due_reminders(now=utc("2026-01-14 08:00"))
    record = ReminderEmail.objects.get()
    assert record.status == ReminderStatus.PENDING
    assert utc("2026-01-14 08:00") <= record.claimed_at < utc("2026-01-14 08:00") + SECOND

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Within the lease the claim may belong to a sender still at work: leave it alone.
    assert send_due_reminders(now=utc("2026-01-14 08:00") + CLAIM_LEASE - MINUTE).sent == 0
    assert mail.outbox == []
    # After it, the reminder is not lost.
    assert send_due_reminders(now=utc("2026-01-14 08:00") + CLAIM_LEASE + MINUTE).sent == 1
    send_due_reminders(now=utc("2026-01-14 08:30"))
    assert len(mail.outbox) == 1
    assert ReminderEmail.objects.get().status == ReminderStatus.SENT


def test_after_repeated_failures_the_reminder_is_given_up(flaky):
    setup("Europe/Berlin")
    flaky.failures = MAX_ATTEMPTS + 5
    for minutes in range(0, 60, 5):
        send_due_reminders(now=utc("2026-01-14 08:00") + minutes * MINUTE)
    record = ReminderEmail.objects.get()
    assert (record.status, record.attempts) == (ReminderStatus.FAILED, MAX_ATTEMPTS)
    assert flaky.failures == 5  # no further tries once given up
    assert mail.outbox == []


def test_a_claim_abandoned_until_the_window_closed_is_marked_not_sent():
    case = setup("Europe/Berlin")
    ReminderEmail.objects.create(
        patient=case.patient,
        date=datetime.date(2026, 1, 14),
        session=1,
        due_at=utc("2026-01-14 08:00"),
        claimed_at=utc("2026-01-14 08:00"),
        attempts=1,
    )
    result = send_due_reminders(now=utc("2026-01-14 10:30"))
    assert result.expired == 1
    assert ReminderEmail.objects.get().status == ReminderStatus.FAILED
    assert mail.outbox == []


def test_one_failing_address_does_not_hold_up_the_others(flaky):
    setup("Europe/Berlin")
    setup("Europe/Berlin")
    flaky.failures = 1
    result = send_due_reminders(now=utc("2026-01-14 08:00"))
    assert (result.sent, result.failed) == (1, 1)
    send_due_reminders(now=utc("2026-01-14 08:05"))
    assert len(mail.outbox) == 2
    assert set(ReminderEmail.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


# --- Cost -----------------------------------------------------------------------------------------


def test_a_run_makes_the_same_number_of_queries_for_one_patient_or_many():
    def queries_for_a_run(moment: datetime.datetime) -> int:
        with CaptureQueriesContext(connection) as captured:
            send_due_reminders(now=moment)
        return len(captured)

    setup("Europe/Berlin")
    # Nothing due (one hour early): expire, patients, programs, items (with exercises),
    # ticks, open alerts, pain reports, reminder records.
    one = queries_for_a_run(utc("2026-01-14 07:00"))
    for _ in range(5):
        setup("Europe/Berlin")
    assert queries_for_a_run(utc("2026-01-15 07:00")) == one == 8


# --- The command ----------------------------------------------------------------------------------


def _due_now() -> SimpleNamespace:
    """A patient whose reminder time is this very minute, wherever the clock stands."""
    case = setup("America/New_York")
    local_now = timezone.now().astimezone(case.patient.zone)
    case.patient.reminder_times = [format_time(local_now.time())]
    case.patient.save()
    case.program.start_date = local_now.date() - datetime.timedelta(days=1)
    case.program.save()
    return case


def test_the_command_sends_what_is_due_and_says_how_many(capsys):
    case = _due_now()
    call_command("send_reminders")
    call_command("send_reminders")
    assert [m.to for m in mail.outbox] == [[case.patient.user.email]]
    out = capsys.readouterr().out
    assert "Reminder emails: 1 sent, 0 failed, 0 skipped; 1 patients checked." in out
    assert "Reminder emails: 0 sent, 0 failed, 1 skipped; 1 patients checked." in out


def test_the_command_fails_loudly_when_an_email_could_not_be_sent(flaky):
    _due_now()
    flaky.failures = 1
    with pytest.raises(CommandError, match="retried on the next run"):
        call_command("send_reminders")
    call_command("send_reminders")
    assert len(mail.outbox) == 1


def test_claims_are_stamped_with_the_time_the_run_has_taken(monkeypatch):
    """A run that spends a while on many patients stamps late claims late, so that another
    sender does not take them for stale ones."""
    ticks = iter([100.0, 100.0 + 12 * 60])
    monkeypatch.setattr("patients.reminders.time.monotonic", lambda: next(ticks))
    clock = RunClock(utc("2026-01-14 08:00"))
    assert clock() == utc("2026-01-14 08:12")
