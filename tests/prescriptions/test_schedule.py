"""Scheduling: which items and how many sessions are due on a patient's local date."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercises.models import Exercise
from prescriptions.models import Prescription, PrescriptionItem, Status
from prescriptions.schedule import Schedule, local_date, plan_for_day, sessions_due
from tests.factories import PrescriptionFactory, PrescriptionItemFactory

dates = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))
weekday_sets = st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True)


@st.composite
def programs(draw: st.DrawFn) -> Prescription:
    start = draw(dates)
    length = draw(st.one_of(st.none(), st.integers(0, 120)))
    return Prescription(
        title="Program",
        start_date=start,
        end_date=None if length is None else start + datetime.timedelta(days=length),
        days_of_week=draw(weekday_sets),
        times_per_day=draw(st.integers(1, 6)),
        status=draw(st.sampled_from(Status.values)),
    )


@given(program=programs(), day=dates)
def test_nothing_is_due_before_start_or_after_end(program: Prescription, day: datetime.date):
    if day < program.start_date or (program.end_date and day > program.end_date):
        assert sessions_due(program, day) == 0


@given(program=programs(), day=dates)
def test_nothing_is_due_on_an_unscheduled_weekday(program: Prescription, day: datetime.date):
    if day.weekday() not in program.days_of_week:
        assert sessions_due(program, day) == 0


@given(program=programs(), day=dates)
def test_sessions_due_equal_times_per_day_on_a_scheduled_day(
    program: Prescription, day: datetime.date
):
    scheduled = (
        program.status == Status.ACTIVE
        and program.covers(day)
        and day.weekday() in program.days_of_week
    )
    assert sessions_due(program, day) == (program.times_per_day if scheduled else 0)


@given(program=programs(), day=dates)
def test_paused_and_ended_programs_are_never_due(program: Prescription, day: datetime.date):
    if program.status != Status.ACTIVE:
        assert sessions_due(program, day) == 0


@given(
    removed=st.lists(st.one_of(st.none(), dates), min_size=0, max_size=8),
    day=dates,
)
def test_items_removed_on_or_before_the_day_are_not_due(
    removed: list[datetime.date | None], day: datetime.date
):
    every_day = Prescription(
        status=Status.ACTIVE,
        start_date=datetime.date(1900, 1, 1),
        days_of_week=list(range(7)),
        times_per_day=1,
        pauses=[],
    )
    items = [
        PrescriptionItem(pk=index + 1, position=len(removed) - index, removed_on=removed_on)
        for index, removed_on in enumerate(removed)
    ]
    plan = Schedule.of_items([(every_day, items)]).plan_for(day)
    due = plan[0].items if plan else ()
    assert all(item.removed_on is None or day < item.removed_on for item in due)
    assert len(due) == sum(1 for r in removed if r is None or day < r)
    assert [item.position for item in due] == sorted(item.position for item in due)


@given(
    moment=st.datetimes(
        min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 1, 1)
    ),
    zone=st.sampled_from(["Pacific/Auckland", "America/Los_Angeles", "Europe/Berlin", "UTC"]),
)
def test_local_date_is_within_a_day_of_the_utc_date(moment: datetime.datetime, zone: str):
    instant = moment.replace(tzinfo=datetime.UTC)
    assert abs((local_date(instant, zone) - instant.date()).days) <= 1


def test_late_evening_in_los_angeles_is_already_tomorrow_in_utc():
    instant = datetime.datetime(2026, 3, 10, 6, 30, tzinfo=datetime.UTC)
    assert local_date(instant, "America/Los_Angeles") == datetime.date(2026, 3, 9)
    assert local_date(instant, "Asia/Tokyo") == datetime.date(2026, 3, 10)


@pytest.mark.django_db
def test_plan_for_day_lists_a_programs_current_items_with_its_sessions():
    monday = datetime.date(2026, 11, 16)
    program = PrescriptionFactory(start_date=monday, days_of_week=[0, 2], times_per_day=2)
    first = PrescriptionItemFactory(prescription=program, position=1)
    second = PrescriptionItemFactory(prescription=program, position=0)
    PrescriptionItemFactory(prescription=program, position=2, removed_on=monday)
    prescriptions = list(Prescription.objects.with_items())
    (due,) = plan_for_day(prescriptions, monday)
    assert due.items == (second, first)
    assert list(due.session_numbers) == [1, 2]
    assert plan_for_day(prescriptions, monday + datetime.timedelta(days=1)) == []
    assert isinstance(due.items[0].exercise, Exercise)
