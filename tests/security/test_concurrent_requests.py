"""Twenty identical requests at the same instant, through the real URLs: one row, twenty
successes. Each thread is its own browser (its own logged-in client) with its own database
connection; a barrier releases them together. SQLite serialises writers, so this needs
PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from patients.models import Alert, AlertKind, Completion, PainReport, Severity
from tests.helpers import api_report_body, report_form_data, token_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]

THREADS = 20


def logged_in_clients(user, count: int = THREADS) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def all_at_once(clients: list[Client], request: Callable[[Client], object]) -> list[object]:
    """Send ``request(client)`` from every client in its own thread, released together."""
    barrier = threading.Barrier(len(clients))
    responses: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            response = request(client)
            with lock:
                responses.append(response)
        except BaseException as error:  # every failure must reach the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(responses) == len(clients)
    return responses


def page_after(client: Client, response) -> str:
    """The page a browser lands on after the redirect."""
    return client.get(response["Location"].split("#")[0]).content.decode()


def test_twenty_simultaneous_identical_check_offs_record_one_completion(patient, bridge, today):
    clients = logged_in_clients(patient.user)
    url = reverse("patients:check_off", args=[today, bridge.pk, 1])

    responses = all_at_once(clients, lambda client: client.post(url))

    assert [response.status_code for response in responses] == [302] * THREADS
    assert Completion.objects.filter(item=bridge, date=today, session=1).count() == 1
    for client, response in zip(clients, responses, strict=True):
        page = page_after(client, response)
        assert "alert-danger" not in page
        assert "Bridge" in page


def test_twenty_simultaneous_identical_check_offs_by_htmx_all_succeed(patient, bridge, today):
    clients = logged_in_clients(patient.user)
    url = reverse("patients:check_off", args=[today, bridge.pk, 1])

    responses = all_at_once(clients, lambda client: client.post(url, HTTP_HX_REQUEST="true"))

    assert [response.status_code for response in responses] == [200] * THREADS
    for response in responses:
        assert "Bridge: done." in response.content.decode()
    assert Completion.objects.filter(item=bridge, date=today, session=1).count() == 1


def test_twenty_simultaneous_identical_pain_reports_store_one(patient, bridge, today):
    clients = logged_in_clients(patient.user)
    answers = {
        "date": today.isoformat(),
        "session": "1",
        "pain": "4",
        **report_form_data(),
        "difficulty": "about_right",
        "note": "Same report from twenty taps.",
    }
    url = reverse("patients:report")

    responses = all_at_once(clients, lambda client: client.post(url, answers))

    # Each tap gets the guidance in its own response (DESIGN §5), whoever stored the report.
    assert [response.status_code for response in responses] == [200] * THREADS
    for response in responses:
        assert "Thank you" in response.content.decode()
    report = PainReport.objects.get(patient=patient, date=today, session=1)
    assert (report.pain, report.note) == (4, "Same report from twenty taps.")
    guidance = reverse("patients:report_guidance")
    for client in clients[:3]:
        query = {"date": today.isoformat(), "session": 1}
        assert client.get(guidance, query).status_code == 200


def test_twenty_simultaneous_identical_api_pain_reports_store_one(patient, bridge, today):
    clients = [token_client(patient.user) for _ in range(THREADS)]
    body = api_report_body(date=today.isoformat(), session=1, pain=6, note="API twenty taps")

    responses = all_at_once(
        clients,
        lambda client: client.post("/api/v1/me/pain-reports/", body, format="json"),
    )

    # 201 for a new report, 200 for a replaced one: which it was depends on who won.
    assert all(response.status_code in {200, 201} for response in responses)
    assert PainReport.objects.filter(patient=patient, date=today, session=1).count() == 1
    # Pain 6 over the threshold of 5: one "ease off" alert, joined by the other taps.
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.severity) == (AlertKind.REPORT, Severity.ATTENTION)
