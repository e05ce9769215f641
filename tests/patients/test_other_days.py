"""Other days: look back at any past day, record a forgotten session for yesterday only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from patients.models import Completion
from tests.helpers import HTMX, ONE_DAY

pytestmark = pytest.mark.django_db


def day_url(day):
    return reverse("patients:day", args=[day])


def done_url(day, item, session=1):
    return reverse("patients:check_off", args=[day, item.pk, session])


def test_yesterday_can_still_be_ticked_off(patient_client, bridge, today):
    yesterday = today - ONE_DAY
    html = patient_client.get(day_url(yesterday)).content.decode()
    assert "<h1>Yesterday</h1>" in html
    assert "You can still do it for yesterday" in html
    assert done_url(yesterday, bridge) in html
    response = patient_client.post(done_url(yesterday, bridge))
    assert response["Location"] == f"{day_url(yesterday)}#item-{bridge.pk}-s1"
    assert Completion.objects.get().date == yesterday


def test_yesterday_with_htmx_swaps_the_row(patient_client, bridge, today):
    yesterday = today - ONE_DAY
    response = patient_client.post(done_url(yesterday, bridge), **HTMX)
    assert response.status_code == 200
    assert "All done for this day" in response.content.decode()


def test_an_older_day_is_shown_but_cannot_be_changed(patient_client, bridge, walk, today):
    old = today - datetime.timedelta(days=3)
    Completion.objects.create(
        patient=bridge.prescription.patient,
        item=bridge,
        date=old,
        session=1,
        exercise_name="Bridge",
        reps=10,
    )
    html = patient_client.get(day_url(old)).content.decode()
    assert "This day has passed" in html
    assert "1 of 2</strong> done" in html
    assert "Not done" in html
    assert "data-check-off" not in html
    assert "Undo" not in html
    response = patient_client.post(done_url(old, walk), follow=True)
    assert "You can record exercises and pain for today and yesterday only" in (
        response.content.decode()
    )
    assert Completion.objects.count() == 1


def test_the_future_is_refused_with_a_clear_message(patient_client, bridge, today):
    tomorrow = today + ONE_DAY
    response = patient_client.get(day_url(tomorrow))
    assert response.status_code == 400
    assert "has not come yet" in response.content.decode()
    response = patient_client.post(done_url(tomorrow, bridge), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("patients:today"))
    assert "has not come yet" in response.content.decode()
    assert not Completion.objects.exists()


def test_the_future_with_htmx_reloads_today_with_the_message(patient_client, bridge, today):
    response = patient_client.post(done_url(today + ONE_DAY, bridge), **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("patients:today")
    assert not Completion.objects.exists()


def test_a_day_before_the_program_started_is_refused(patient_client, program, bridge, today):
    program.start_date = today
    program.save()
    yesterday = today - ONE_DAY
    html = patient_client.get(day_url(yesterday)).content.decode()
    assert "No exercises were planned" in html
    response = patient_client.post(done_url(yesterday, bridge), follow=True)
    assert "This program starts on" in response.content.decode()
    assert not Completion.objects.exists()


def test_a_day_after_the_program_ended_is_refused(patient_client, program, bridge, today):
    program.end_date = today - ONE_DAY - ONE_DAY
    program.save()
    response = patient_client.post(done_url(today - ONE_DAY, bridge), follow=True)
    assert "This program ended on" in response.content.decode()
    assert not Completion.objects.exists()


def test_todays_date_goes_to_the_today_page(patient_client, program, today):
    response = patient_client.get(day_url(today))
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:today")


@pytest.mark.parametrize("path", ["/day/2026-02-30/", "/day/2026-13-01/", "/day/yesterday/"])
def test_impossible_dates_answer_404(patient_client, program, path):
    assert patient_client.get(path).status_code == 404


def test_impossible_dates_in_a_tick_answer_404(patient_client, bridge):
    response = patient_client.post(f"/day/2026-02-30/items/{bridge.pk}/sessions/1/done/")
    assert response.status_code == 404
    assert not Completion.objects.exists()


def test_days_link_to_the_day_before_and_after(patient_client, program, today):
    two_days_ago = today - 2 * ONE_DAY
    html = patient_client.get(day_url(two_days_ago)).content.decode()
    assert day_url(two_days_ago - ONE_DAY) in html
    assert day_url(today - ONE_DAY) in html
    html = patient_client.get(day_url(today - ONE_DAY)).content.decode()
    assert f'href="{reverse("patients:today")}"' in html


def test_another_patients_day_shows_only_my_own_exercises(
    patient_client, bridge, other_item, today
):
    html = patient_client.get(day_url(today - ONE_DAY)).content.decode()
    assert "Bridge" in html
    assert "Secret stretch" not in html


def test_exercises_done_on_a_day_no_longer_planned_are_still_listed(
    patient_client, program, bridge, today
):
    old = today - datetime.timedelta(days=4)
    Completion.objects.create(
        patient=program.patient, item=bridge, date=old, session=1, exercise_name="Bridge", reps=10
    )
    program.days_of_week = [d for d in range(7) if d != old.weekday()]
    program.save()
    html = patient_client.get(day_url(old)).content.decode()
    assert "No exercises were planned" in html
    assert "Also done on this day" in html
    assert "Bridge (session 1)" in html


def test_an_older_day_is_titled_with_its_date(patient_client, program, today):
    old = today - datetime.timedelta(days=4)
    html = patient_client.get(day_url(old)).content.decode()
    assert f"<h1>{old:%A} {old.day} {old:%B}</h1>" in html


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_extreme_dates_never_fail(patient_client, bridge, day):
    for response in (
        patient_client.get(f"/day/{day}/"),
        patient_client.post(f"/day/{day}/items/{bridge.pk}/sessions/1/done/", follow=True),
        patient_client.post(f"/day/{day}/items/{bridge.pk}/sessions/1/undo/", **HTMX),
        patient_client.get(reverse("patients:report"), {"date": day}),
        patient_client.get(reverse("patients:report_guidance"), {"date": day}),
    ):
        assert response.status_code in (200, 204, 400, 404)
    assert not Completion.objects.exists()
