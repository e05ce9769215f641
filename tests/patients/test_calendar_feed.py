"""The private calendar feed: valid iCalendar (parsed back with the icalendar library), the
patient's sessions at their reminder times in UTC, right across daylight-saving changes, and a
link the patient can reset or remove."""

from __future__ import annotations

import datetime
from collections import Counter

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Side
from patients.calendar_feed import (
    HORIZON_DAYS,
    PAST_DAYS,
    calendar_token,
    escape_text,
    feed_events,
    feed_patient,
    fold,
    render_calendar,
)
from patients.reminders import programs_for_reminders
from prescriptions.models import ALL_DAYS, Status
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://rehabit.example.org"
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def program_for(patient, **fields):
    program = PrescriptionFactory(
        patient=patient,
        title=fields.pop("title", "Gentle back program"),
        start_date=fields.pop("start_date", datetime.date(2026, 1, 1)),
        days_of_week=fields.pop("days_of_week", list(ALL_DAYS)),
        times_per_day=fields.pop("times_per_day", 1),
        **fields,
    )
    PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(name="Bridge"),
        sets=3,
        reps=10,
        hold_seconds=5,
        side=Side.EACH,
    )
    return program


def calendar_of(patient, *, now=NOW) -> icalendar.Calendar:
    """The feed as the view makes it, for a fixed moment, parsed back."""
    patient.calendar_key = patient.new_calendar_key()
    patient.save()
    found = feed_patient(calendar_token(patient), now=now)
    text = render_calendar(
        found,
        feed_events(found, found.reminder_programs, today=found.local_today(now)),
        now=now,
    )
    check_rfc5545_text(text)
    return icalendar.Calendar.from_ical(text)


def check_rfc5545_text(text: str) -> None:
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends in CRLF
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def starts(calendar: icalendar.Calendar) -> dict[datetime.date, list[datetime.datetime]]:
    by_day: dict[datetime.date, list[datetime.datetime]] = {}
    for event in events(calendar):
        start = event.decoded("DTSTART")
        assert start.utcoffset() == datetime.timedelta(0)
        by_day.setdefault(start.date(), []).append(start)
    return by_day


# --- Validity -------------------------------------------------------------------------------------


def test_the_feed_is_valid_icalendar_with_unique_ids_utc_starts_and_alarms():
    patient = PatientFactory(timezone="Europe/Berlin")
    program_for(patient, times_per_day=2)
    calendar = calendar_of(patient)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Rehabit//Home exercise reminders//EN"
    found = events(calendar)
    # From a week back to eight weeks ahead, every day, twice a day.
    assert len(found) == 2 * (PAST_DAYS + HORIZON_DAYS + 1)
    uids = [str(event["UID"]) for event in found]
    assert len(set(uids)) == len(uids)
    for event in found:
        assert event.decoded("DTSTAMP") == NOW
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None
        assert start.utcoffset() == datetime.timedelta(0)
        assert end > start
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm["DESCRIPTION"] == "Time for your exercises"
        assert alarm.decoded("TRIGGER") == datetime.timedelta(0)
    summaries = Counter(str(event["SUMMARY"]) for event in found)
    assert set(summaries) == {
        "Your exercises (session 1 of 2)",
        "Your exercises (session 2 of 2)",
    }


def test_text_is_escaped_and_long_lines_folded_without_splitting_characters():
    patient = PatientFactory(timezone="Europe/Berlin")
    program = program_for(patient, title="Back, hips; knees \\ more")
    PrescriptionItemFactory(
        prescription=program,
        exercise=ExerciseFactory(name="Étirement des ischio-jambiers ✓ " * 3),
        sets=2,
        reps=8,
    )
    program_for(patient, title="Second program")  # two programs: titles are listed
    calendar = calendar_of(patient)
    description = str(events(calendar)[0]["DESCRIPTION"])
    assert "Back, hips; knees \\ more:\n- Bridge: 3 sets of 10 repetitions" in description
    assert "Étirement des ischio-jambiers ✓ Étirement" in description
    assert f"Tick them off in Rehabit: {SITE}/today/" in description


def test_fold_and_escape_follow_rfc_5545():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("DESCRIPTION:" + "é" * 80)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part.removeprefix(" ") for part in parts) == "DESCRIPTION:" + "é" * 80


# --- What it shows, and when ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "before", "after"),
    [
        # Berlin: 09:00 is 08:00 UTC until 28 March, 07:00 UTC from 29 March.
        ("Europe/Berlin", NOW, utc("2026-03-28 08:00"), utc("2026-03-29 07:00")),
        # Berlin again in autumn: 07:00 UTC until 24 October, 08:00 UTC from 25 October.
        (
            "Europe/Berlin",
            utc("2026-10-20 12:00"),
            utc("2026-10-24 07:00"),
            utc("2026-10-25 08:00"),
        ),
        # New York: 14:00 UTC until 7 March, 13:00 UTC from 8 March.
        (
            "America/New_York",
            utc("2026-03-05 12:00"),
            utc("2026-03-07 14:00"),
            utc("2026-03-08 13:00"),
        ),
        # New York in autumn: 13:00 UTC until 31 October, 14:00 UTC from 1 November.
        (
            "America/New_York",
            utc("2026-10-28 12:00"),
            utc("2026-10-31 13:00"),
            utc("2026-11-01 14:00"),
        ),
        # Auckland: 09:00 on 4 April is 20:00 UTC on the 3rd; on 5 April, 21:00 UTC on the 4th.
        (
            "Pacific/Auckland",
            utc("2026-04-01 00:00"),
            utc("2026-04-03 20:00"),
            utc("2026-04-04 21:00"),
        ),
    ],
)
def test_each_event_starts_at_the_reminder_time_on_its_own_date_across_dst(
    zone, now, before, after
):
    patient = PatientFactory(timezone=zone)
    program_for(patient)
    by_day = starts(calendar_of(patient, now=now))
    assert by_day[before.date()] == [before]
    assert by_day[after.date()] == [after]


def test_events_follow_the_patients_times_and_planned_weekdays_only():
    patient = PatientFactory(timezone="Europe/Berlin", reminder_times=["07:30", "19:15"])
    program_for(patient, times_per_day=2, days_of_week=[0, 2, 4])  # Monday, Wednesday, Friday
    found = events(calendar_of(patient))
    local_starts = {event.decoded("DTSTART").astimezone(patient.zone) for event in found}
    assert {moment.weekday() for moment in local_starts} == {0, 2, 4}
    assert {moment.strftime("%H:%M") for moment in local_starts} == {"07:30", "19:15"}


def test_no_events_for_paused_programs_or_days_outside_the_program():
    patient = PatientFactory(timezone="Europe/Berlin")
    program_for(patient, status=Status.PAUSED)
    program_for(patient, start_date=datetime.date(2026, 3, 25), end_date=datetime.date(2026, 3, 27))
    days = sorted(starts(calendar_of(patient)))
    assert days == [
        datetime.date(2026, 3, 25),
        datetime.date(2026, 3, 26),
        datetime.date(2026, 3, 27),
    ]


def test_a_patient_without_programs_gets_an_empty_but_valid_calendar():
    calendar = calendar_of(PatientFactory())
    assert calendar["VERSION"] == "2.0"
    assert events(calendar) == []


# --- The link -------------------------------------------------------------------------------------


def feed_path(patient) -> str:
    return reverse("patients:calendar_feed", args=[calendar_token(patient)])


def test_the_patient_makes_a_link_that_serves_the_feed_without_login(patient, patient_client):
    program_for(patient)
    patient_client.post(reverse("patients:calendar_link"), {"action": "new"})
    patient.refresh_from_db()
    page = patient_client.get(reverse("patients:reminders")).content.decode()
    assert f"{SITE}{feed_path(patient)}" in page
    assert f"webcal://rehabit.example.org{feed_path(patient)}" in page

    response = Client().get(feed_path(patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert len(events(calendar)) == PAST_DAYS + HORIZON_DAYS + 1
    check_rfc5545_text(response.content.decode())


def test_resetting_the_link_makes_the_old_one_answer_404(patient, patient_client):
    patient_client.post(reverse("patients:calendar_link"), {"action": "new"})
    patient.refresh_from_db()
    old = feed_path(patient)
    assert Client().get(old).status_code == 200
    patient_client.post(reverse("patients:calendar_link"), {"action": "new"})
    patient.refresh_from_db()
    assert feed_path(patient) != old
    assert Client().get(old).status_code == 404
    assert Client().get(feed_path(patient)).status_code == 200


def test_removing_the_link_makes_it_answer_404(patient, patient_client):
    patient_client.post(reverse("patients:calendar_link"), {"action": "new"})
    patient.refresh_from_db()
    path = feed_path(patient)
    patient_client.post(reverse("patients:calendar_link"), {"action": "remove"})
    assert Client().get(path).status_code == 404
    patient.refresh_from_db()
    assert patient.calendar_key is None


def test_a_forged_or_tampered_token_answers_404(patient, patient_client):
    patient_client.post(reverse("patients:calendar_link"), {"action": "new"})
    patient.refresh_from_db()
    key, signature = calendar_token(patient).split(".")
    forged = f"{key}.{'A' * len(signature)}"
    for token in (forged, f"{key}x.{signature}", "nothing.here"):
        path = reverse("patients:calendar_feed", args=[token])
        assert Client().get(path).status_code == 404, token
    assert Client().get(f"/calendar/{key}.ics").status_code == 404  # the key alone opens nothing


def test_an_archived_patients_feed_answers_404(patient, patient_client):
    patient_client.post(reverse("patients:calendar_link"), {"action": "new"})
    patient.refresh_from_db()
    patient.archived_at = NOW
    patient.save()
    assert Client().get(feed_path(patient)).status_code == 404


def test_only_the_patient_can_make_or_reset_their_link(patient, therapist_client):
    assert therapist_client.post(reverse("patients:calendar_link")).status_code == 404
    response = Client().post(reverse("patients:calendar_link"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    patient.refresh_from_db()
    assert patient.calendar_key is None


def test_the_feed_takes_a_fixed_number_of_queries(patient, django_assert_num_queries):
    for _ in range(3):
        program_for(patient, times_per_day=2)
    patient.calendar_key = patient.new_calendar_key()
    patient.save()
    client = Client()
    # The patient by key with their user, the programs, their items with exercises.
    with django_assert_num_queries(3):
        assert client.get(feed_path(patient)).status_code == 200


def test_programs_for_reminders_leaves_out_ended_and_paused_programs(patient):
    running = program_for(patient)
    program_for(patient, status=Status.PAUSED)
    program_for(patient, end_date=datetime.date(2026, 1, 31))
    patient = (
        type(patient)
        .objects.prefetch_related(programs_for_reminders(datetime.date(2026, 3, 1)))
        .get(pk=patient.pk)
    )
    assert patient.reminder_programs == [running]
