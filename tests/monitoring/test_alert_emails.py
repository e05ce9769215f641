"""The care team hears at once, and never twice: urgent-alert emails are owed from the moment
the report is stored, go out straight after it, and are retried by ``send_alert_emails``
(run every few minutes with the reminders) until sent or out of tries.
"""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from monitoring.notify import MAX_ATTEMPTS, send_owed_alert_emails
from patients.models import Alert, AlertEmail
from patients.reminders import CLAIM_LEASE
from tests.factories import TherapistFactory
from tests.monitoring.test_pain_alerts import send_pain
from tests.patients.test_reminders import FlakyBackend

pytestmark = pytest.mark.django_db

SITE = "https://rehabit.example.org"
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.patients.test_reminders.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def report_urgent(patient_client, today, logged_program, logged_bridge):
    """The patient reports new leg weakness (urgent) and the request completes."""

    def send(*, commit_callbacks, execute=True):
        with commit_callbacks(execute=execute):
            response = send_pain(patient_client, today, 7, legs=["weakness"], leg_change="new")
        return response

    return send


def sender_run() -> None:
    """One run of the periodic sender, as the compose service runs it."""
    # A failed or given-up email makes the exit code say so; the rows are checked below.
    with contextlib.suppress(CommandError):
        call_command("send_alert_emails")


def test_the_care_team_is_emailed_straight_after_the_report(
    report_urgent, therapist, django_capture_on_commit_callbacks
):
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    email = AlertEmail.objects.get()
    assert (email.recipient, email.attempts, email.failed) == (therapist, 1, False)
    assert email.sent_at is not None
    sender_run()
    assert len(mail.outbox) == 1  # the periodic sender finds nothing owed


def test_the_email_is_owed_with_the_report_even_if_the_process_stops_before_sending(
    report_urgent, therapist, django_capture_on_commit_callbacks
):
    # The report is stored but nothing runs after the commit (the process stopped).
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks, execute=False)
    assert mail.outbox == []
    email = AlertEmail.objects.get()
    assert (email.recipient, email.sent_at, email.attempts) == (therapist, None, 0)

    sender_run()
    sender_run()
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1


def test_a_failed_send_is_retried_by_the_sender_and_goes_out_once(
    report_urgent, therapist, flaky, django_capture_on_commit_callbacks
):
    flaky.failures = 1
    response = report_urgent(commit_callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 200  # the patient's answer is not held up by the mail server
    assert mail.outbox == []
    email = AlertEmail.objects.get()
    assert (email.sent_at, email.failed, email.claimed_at, email.attempts) == (None, False, None, 1)
    assert email.last_error == "SMTPServerDisconnected"

    call_command("send_alert_emails")
    call_command("send_alert_emails")
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert (email.failed, email.attempts) == (False, 2)


def test_after_repeated_failures_the_email_is_given_up_and_the_command_says_so(
    report_urgent, flaky, django_capture_on_commit_callbacks
):
    flaky.failures = MAX_ATTEMPTS + 5
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks)
    for _ in range(MAX_ATTEMPTS - 2):
        with pytest.raises(CommandError, match="retried on the next run"):
            call_command("send_alert_emails")
    with pytest.raises(CommandError, match="1 given up"):
        call_command("send_alert_emails")
    for _ in range(3):
        call_command("send_alert_emails")  # nothing owed any more: a clean run
    email = AlertEmail.objects.get()
    assert (email.failed, email.attempts, email.sent_at) == (True, MAX_ATTEMPTS, None)
    assert flaky.failures == 5  # no tries after the last one
    assert mail.outbox == []


def test_a_second_run_never_sends_the_same_email_twice(
    report_urgent, patient, therapist, django_capture_on_commit_callbacks
):
    colleague = TherapistFactory()
    patient.care_team.add(colleague)
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks, execute=False)
    first = send_owed_alert_emails()
    second = send_owed_alert_emails()
    assert (first.sent, second.sent) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [therapist.email, colleague.email]
    )


def test_a_claim_held_by_a_sender_at_work_is_left_alone_until_its_lease_has_passed(
    report_urgent, therapist, django_capture_on_commit_callbacks
):
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks, execute=False)
    claimed = timezone.now()
    AlertEmail.objects.update(claimed_at=claimed, attempts=1)  # a sender took it, then died

    assert send_owed_alert_emails(now=claimed + CLAIM_LEASE - MINUTE).sent == 0
    assert mail.outbox == []
    assert send_owed_alert_emails(now=claimed + CLAIM_LEASE + MINUTE).sent == 1
    assert send_owed_alert_emails(now=claimed + CLAIM_LEASE + 2 * MINUTE).sent == 0
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    assert AlertEmail.objects.get().attempts == 2


def test_a_therapist_who_left_the_care_team_before_the_retry_is_not_emailed(
    report_urgent, patient, therapist, django_capture_on_commit_callbacks
):
    colleague = TherapistFactory()
    patient.care_team.add(colleague)
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks, execute=False)
    patient.care_team.remove(colleague)
    sender_run()
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    left = AlertEmail.objects.get(recipient=colleague)
    assert (left.failed, left.sent_at) == (True, None)


def test_the_email_links_to_the_patients_page_and_holds_no_health_data(
    report_urgent, patient, therapist, therapist_client, flaky, django_capture_on_commit_callbacks
):
    flaky.failures = 1  # the retried email is the same as the first
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks)
    call_command("send_alert_emails")
    (message,) = mail.outbox
    page = reverse("clinic:patient_detail", args=[patient.pk])
    assert f"Log in to see it: {SITE}{page}\n" in message.body
    assert message.subject == "Rehabit: an urgent alert needs you today"
    text = f"{message.subject}\n{message.body}".lower()
    user = patient.user
    for private in {
        patient.display_name,
        user.first_name,
        user.last_name,
        user.username,
        user.email,
        "7",
        "pain 7",
        "weakness",
        "leg",
        "tingling",
    } - {""}:
        assert private.lower() not in text.replace(SITE.lower(), ""), private
    # The link opens the patient's page, where the therapist sees the alert and the pause.
    assert therapist_client.get(page).status_code == 200


def test_an_attention_alert_owes_no_email(
    patient_client, today, logged_program, logged_bridge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_pain(patient_client, today, 6)  # above the threshold of 5: attention
    assert Alert.objects.get().severity == "attention"
    assert AlertEmail.objects.count() == 0
    sender_run()
    assert mail.outbox == []


def test_a_sender_run_costs_two_queries_plus_two_per_email(
    report_urgent, patient, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(2):
        patient.care_team.add(TherapistFactory())
    report_urgent(commit_callbacks=django_capture_on_commit_callbacks, execute=False)
    # give up emails out of tries (UPDATE), the owed emails with alert, recipient, whether they
    # are still on the care team and their language (SELECT); per email: its claim (UPDATE),
    # sent (UPDATE)...
    with django_assert_num_queries(2 + 2 * 3):
        assert send_owed_alert_emails().sent == 3
    # ...and a run with nothing owed.
    with django_assert_num_queries(2):
        assert send_owed_alert_emails().sent == 0
