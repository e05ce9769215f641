"""A double tap, a retry or two tabs at the same moment record once and never fail.

These run real threads against PostgreSQL, each with its own connection and transaction, all
released at the same instant; SQLite serialises writers, so there is no race to show there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection

from patients.models import Alert, AlertKind, Completion, PainReport, SafetyPause, Severity
from patients.services import record_completion, submit_pain_report
from prescriptions.models import Prescription, Status
from tests.factories import PrescriptionItemFactory
from tests.helpers import service_report_answers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]

THREADS = 8
ROUNDS = 5


def all_at_once(
    work: Callable[[int], Any], count: int = THREADS
) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(index)`` in ``count`` threads released together; their results and errors."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as error:  # every failure must be reported
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_simultaneous_check_offs_leave_one_completion_and_raise_nothing(patient, program, today):
    program.times_per_day = ROUNDS
    program.save()
    item = PrescriptionItemFactory(prescription=program)
    for session in range(1, ROUNDS + 1):
        results, errors = all_at_once(
            partial(tick, patient=patient, item=item, day=today, session=session)
        )
        assert errors == [], session
        assert Completion.objects.filter(item=item, date=today, session=session).count() == 1
        assert sum(created for _, created in results) == 1
        assert len({completion.pk for completion, _ in results}) == 1
    assert Completion.objects.count() == ROUNDS


def tick(index: int, **arguments: Any) -> Any:
    return record_completion(**arguments)


def report(index: int, **arguments: Any) -> Any:
    """Each thread sends a different pain score, all with new numbness in a leg (a stop)."""
    return submit_pain_report(
        pain=6 + index % 5, **arguments, **service_report_answers(numbness=True)
    )


def test_simultaneous_pain_reports_leave_one_report_one_alert_and_one_pause(
    patient, program, today
):
    for round_number in range(ROUNDS):
        PainReport.objects.all().delete()
        Alert.objects.all().delete()
        SafetyPause.objects.all().delete()
        Prescription.objects.filter(pk=program.pk).update(status=Status.ACTIVE)
        results, errors = all_at_once(partial(report, patient=patient, day=today, session=1))
        assert errors == [], round_number
        saved = PainReport.objects.get()
        assert {sent.pk for sent, _ in results} == {saved.pk}
        assert saved.pain in range(6, 11)
        assert all(guidance.level == "stop" for _, guidance in results)
        alert = Alert.objects.get()
        assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.URGENT)
        assert list(alert.reports.all()) == [saved]
        pause = SafetyPause.objects.get()
        assert (pause.patient, pause.ended_at) == (patient, None)
        assert list(pause.programs.all()) == [program]
        assert Prescription.objects.get(pk=program.pk).status == Status.PAUSED
