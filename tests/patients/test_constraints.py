"""The database itself refuses bad logs and reports."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from patients.models import Alert, AlertKind, PainReport
from tests.factories import CompletionFactory, PainReportFactory, PatientFactory

pytestmark = pytest.mark.django_db


def refused(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("pain", [-1, 11, 42])
def test_database_refuses_pain_outside_zero_to_ten(pain):
    report = PainReportFactory()
    assert refused(lambda: PainReport.objects.filter(pk=report.pk).update(pain=pain))


@pytest.mark.parametrize("pain", [0, 10])
def test_pain_zero_and_ten_are_accepted(pain):
    assert PainReportFactory(pain=pain).pain == pain


def test_database_keeps_one_completion_per_item_date_and_session():
    first = CompletionFactory()
    assert refused(lambda: CompletionFactory(item=first.item, date=first.date, session=1))
    assert CompletionFactory(item=first.item, date=first.date, session=2).pk


def test_database_keeps_one_pain_report_per_session():
    report = PainReportFactory()
    assert refused(
        lambda: PainReportFactory(patient=report.patient, date=report.date, session=report.session)
    )


def test_only_one_open_alert_of_a_kind_per_patient():
    patient = PatientFactory()
    Alert.objects.create(patient=patient, kind=AlertKind.RED_FLAG, message="Tingling")
    assert refused(
        lambda: Alert.objects.create(patient=patient, kind=AlertKind.RED_FLAG, message="Again")
    )
    Alert.objects.filter(patient=patient).update(acknowledged_at="2026-01-01T00:00:00Z")
    assert Alert.objects.create(patient=patient, kind=AlertKind.RED_FLAG, message="New").pk
