"""Every stop screen shows a phone number, whatever is missing: the patient's own clinic
phone, else the clinic-wide one, else the emergency number in its words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers import report_form_data

pytestmark = pytest.mark.django_db


def report_a_stop(client, today) -> str:
    """Pain 8 of 10 (a stop), then Today."""
    response = client.post(
        reverse("patients:report"),
        {"date": today.isoformat(), "session": 1, **report_form_data(pain=8)},
        follow=True,
    )
    assert response.status_code == 200
    return client.get(reverse("patients:today")).content.decode()


def test_a_patient_without_a_phone_of_their_own_sees_the_clinic_wide_number(
    patient, patient_client, bridge, today, settings
):
    settings.REHABIT_CLINIC_PHONE = "+49 30 1234567"
    patient.clinic_phone = ""
    patient.save()
    html = report_a_stop(patient_client, today)
    assert "data-safety-pause" in html
    assert 'href="tel:+49301234567"' in html
    assert "Call your clinic on +49 30 1234567 today." in html


def test_their_own_clinic_phone_comes_before_the_clinic_wide_number(
    patient, patient_client, bridge, today, settings
):
    settings.REHABIT_CLINIC_PHONE = "+49 30 1234567"
    patient.clinic_phone = "030 7654321"
    patient.save()
    html = report_a_stop(patient_client, today)
    assert 'href="tel:0307654321"' in html
    assert "+49 30 1234567" not in html


def test_with_no_clinic_number_at_all_the_stop_screen_still_gives_the_emergency_number(
    patient, patient_client, bridge, today, settings
):
    settings.REHABIT_CLINIC_PHONE = ""
    settings.REHABIT_EMERGENCY_NUMBER = "112"
    patient.clinic_phone = ""
    patient.save()
    html = report_a_stop(patient_client, today)
    assert "data-safety-pause" in html
    assert "Call your clinic today. If you cannot reach them and you are worried, call 112." in (
        html
    )


def test_production_warns_when_no_clinic_or_emergency_number_is_set(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.DEBUG = False
    settings.REHABIT_CLINIC_PHONE = ""
    settings.REHABIT_EMERGENCY_NUMBER = ""
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", fail_level="WARNING")
    assert "rehabit.W001" in str(raised.value)
    assert "rehabit.W002" in str(raised.value)
    settings.REHABIT_CLINIC_PHONE = "+49 30 1234567"
    settings.REHABIT_EMERGENCY_NUMBER = "112"
    call_command("check", fail_level="WARNING")
