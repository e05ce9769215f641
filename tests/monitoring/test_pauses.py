"""Days a program was paused are not due: they neither lower adherence nor count as missed when
the program is resumed."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from patients.models import Alert
from prescriptions.models import Status
from prescriptions.services import set_status
from tests.factories import CompletionFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.helpers import days_ago

pytestmark = pytest.mark.django_db


def march(day: int) -> datetime.date:
    return datetime.date(2026, 3, day)


def test_pausing_and_resuming_keep_the_paused_days(prescription):
    set_status(prescription=prescription, status=Status.PAUSED, today=march(3))
    assert prescription.pauses == [["2026-03-03", None]]
    set_status(prescription=prescription, status=Status.ACTIVE, today=march(9))
    set_status(prescription=prescription, status=Status.PAUSED, today=march(20))
    set_status(prescription=prescription, status=Status.ENDED, today=march(22))
    prescription.refresh_from_db()
    assert prescription.pauses == [["2026-03-03", "2026-03-08"], ["2026-03-20", "2026-03-22"]]
    assert prescription.was_paused_on(march(8))
    assert not prescription.was_paused_on(march(9))  # resumed that day: due again


def test_a_pause_undone_the_same_day_leaves_no_trace(prescription):
    set_status(prescription=prescription, status=Status.PAUSED, today=march(3))
    set_status(prescription=prescription, status=Status.ACTIVE, today=march(3))
    assert prescription.pauses == []


def test_pausing_through_the_workspace_is_recorded(therapist_client, prescription):
    url = reverse("clinic:program_status", args=[prescription.pk])
    therapist_client.post(url, {"status": "paused"})
    prescription.refresh_from_db()
    assert prescription.pauses == [[prescription.patient.local_today().isoformat(), None]]


def test_a_resumed_program_is_not_inactive_for_the_days_it_was_paused(patient, therapist):
    program = PrescriptionFactory(patient=patient, prescribed_by=therapist, start_date=march(1))
    item = PrescriptionItemFactory(prescription=program)
    for day in range(1, 5):
        CompletionFactory(item=item, date=march(day))
    set_status(prescription=program, status=Status.PAUSED, today=march(5))
    set_status(prescription=program, status=Status.ACTIVE, today=march(11))
    now = datetime.datetime(2026, 3, 12, 7, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    call_command("check_inactivity", f"--now={now.isoformat()}", stdout=StringIO())
    assert not Alert.objects.exists()  # only the 11th was due and missed


def test_paused_days_do_not_lower_adherence_on_the_dashboard(therapist_client, patient, today):
    program = PrescriptionFactory(patient=patient, start_date=days_ago(today, 30))
    item = PrescriptionItemFactory(prescription=program)
    for count in (1, 2, 3):
        CompletionFactory(item=item, date=days_ago(today, count))
    set_status(prescription=program, status=Status.PAUSED, today=days_ago(today, 7))
    set_status(prescription=program, status=Status.ACTIVE, today=days_ago(today, 3))
    html = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    week = re.search(r'data-label="Last 7 days">\s*<span class="mon-percent [^"]+">(\d+)%', html)
    assert week.group(1) == "100"  # 3 of 3: the four paused days are not due
    assert "3 of 3" in html
