"""Senders running at the same moment on PostgreSQL send each reminder exactly once.

Real threads, each with its own connection and transaction, released together (SQLite
serialises writers, so there is no race to show there).
"""

from __future__ import annotations

import datetime
from functools import partial

import pytest
from django.core import mail
from django.db import connection

from patients.models import ReminderEmail, ReminderStatus
from patients.reminders import CLAIM_LEASE, send_due_reminders
from tests.patients.test_concurrency import THREADS, all_at_once
from tests.patients.test_reminders import setup, utc

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]

PATIENTS = 4
DAYS = 3


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://rehabit.example.org"


def run(index: int, *, now: datetime.datetime):
    return send_due_reminders(now=now)


def test_simultaneous_senders_send_each_reminder_once():
    cases = [setup("Europe/Berlin") for _ in range(PATIENTS)]
    for day in range(DAYS):
        moment = utc("2026-01-14 08:00") + datetime.timedelta(days=day, minutes=day)
        results, errors = all_at_once(partial(run, now=moment))
        assert errors == []
        assert len(results) == THREADS
        assert sum(result.sent for result in results) == PATIENTS, day
        assert sum(result.failed for result in results) == 0
        assert len(mail.outbox) == PATIENTS * (day + 1)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        case.patient.user.email for case in cases for _ in range(DAYS)
    )
    assert ReminderEmail.objects.count() == PATIENTS * DAYS
    assert set(ReminderEmail.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


def test_simultaneous_senders_take_over_a_crashed_senders_claim_once():
    case = setup("Europe/Berlin")
    claimed = utc("2026-01-14 08:00")
    ReminderEmail.objects.create(
        patient=case.patient,
        date=datetime.date(2026, 1, 14),
        session=1,
        due_at=claimed,
        claimed_at=claimed,
        attempts=1,
    )
    results, errors = all_at_once(partial(run, now=claimed + CLAIM_LEASE + CLAIM_LEASE))
    assert errors == []
    assert sum(result.sent for result in results) == 1
    assert len(mail.outbox) == 1
    record = ReminderEmail.objects.get()
    assert (record.status, record.attempts) == (ReminderStatus.SENT, 2)
