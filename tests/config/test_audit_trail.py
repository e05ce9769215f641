"""Changes to patients' records land in the audit trail, with who made them."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from prescriptions.models import Prescription, PrescriptionItem
from tests.factories import PainReportFactory, PrescriptionFactory, PrescriptionItemFactory

pytestmark = pytest.mark.django_db


def entries_for(model: type, pk: int) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(model)
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(pk)))


def test_creating_and_changing_a_program_is_recorded():
    program = PrescriptionFactory(pain_threshold=5)
    program.pain_threshold = 4
    program.save()
    actions = sorted(entry.action for entry in entries_for(Prescription, program.pk))
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    update = next(e for e in entries_for(Prescription, program.pk) if e.action == 1)
    assert update.changes_dict["pain_threshold"] == ["5", "4"]


def test_a_dose_change_on_an_item_is_recorded():
    item = PrescriptionItemFactory(reps=10)
    item.reps = 12
    item.save()
    (update,) = [e for e in entries_for(PrescriptionItem, item.pk) if e.action == 1]
    assert update.changes_dict["reps"] == ["10", "12"]


def test_pain_reports_are_in_the_trail_not_in_the_logs(caplog):
    with caplog.at_level("DEBUG"):
        report = PainReportFactory(pain=7, note="knee hurts at night")
    assert entries_for(type(report), report.pk)
    assert "knee hurts at night" not in caplog.text
