"""The admin shows what patients logged, and what the app recorded about it (safety pauses,
urgent-alert emails), but cannot add or change it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Alert, AlertEmail, Completion, PainReport, SafetyPause
from tests.factories import CompletionFactory, PainReportFactory, PatientFactory, TherapistFactory

pytestmark = pytest.mark.django_db


def a_safety_pause() -> SafetyPause:
    return SafetyPause.objects.create(patient=PatientFactory(), level="stop")


def an_alert_email() -> AlertEmail:
    alert = Alert.objects.create(patient=PatientFactory(), kind="report", severity="urgent")
    return AlertEmail.objects.create(
        alert=alert, severity="urgent", recipient=TherapistFactory(), sent_at=timezone.now()
    )


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (CompletionFactory, "patients_completion"),
        (PainReportFactory, "patients_painreport"),
        (a_safety_pause, "patients_safetypause"),
        (an_alert_email, "patients_alertemail"),
    ],
)
def test_admin_reads_a_patients_log_but_cannot_change_or_add_to_it(admin_client, make, name):
    record = make()
    page = admin_client.get(reverse(f"admin:{name}_change", args=[record.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown read only
    refused = admin_client.post(reverse(f"admin:{name}_change", args=[record.pk]), {"session": 2})
    assert refused.status_code == 403
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_can_still_delete_a_wrong_entry(admin_client):
    completion = CompletionFactory()
    report = PainReportFactory()
    for record, name in ((completion, "patients_completion"), (report, "patients_painreport")):
        response = admin_client.post(
            reverse(f"admin:{name}_delete", args=[record.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
    assert not Completion.objects.exists()
    assert not PainReport.objects.exists()
