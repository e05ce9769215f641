"""Telling the care team at once: critical and urgent alerts are emailed to every therapist
on the patient's care team, once per alert and per severity it reaches (DESIGN §5).

1. **Owed with the alert.** ``email_care_team_on_commit`` runs inside the transaction that
   raises or escalates the alert and writes one ``AlertEmail`` per therapist (active, with an
   address): the report, the alert and the emails it owes are stored together or not at all.
2. **Sent at once.** After the commit, the same request sends that alert's emails
   (``send_alert_emails``), so the care team hears within seconds. A send that fails there
   does not trouble the patient: the email stays owed.
3. **Retried.** ``send_owed_alert_emails`` (``manage.py send_alert_emails``, run with the
   reminders every few minutes) sends every email still owed: one whose send failed, or one
   whose process stopped after the commit.

No duplicates: every sender claims an email before sending it, as reminder emails are claimed
(``patients.reminders.take_claim``: one conditional UPDATE; a claim older than
``CLAIM_LEASE`` belongs to a sender that died). After ``MAX_ATTEMPTS`` tries the email is
given up (``failed``), for the admin to see, and the command exits non-zero. The one gap, as
for reminders: a crash after the mail server took the message and before the row is marked
sent means one more email after the lease; a lost alert would be worse.

The email holds no name, pain or symptom, only a link to the patient's page behind the login.
A therapist who has left the care team, or has no address any more, is not emailed. Logs carry
row ids and error kinds only.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.languages import is_known, staff_language
from patients.models import EMAILED_SEVERITIES, Alert, AlertEmail, Patient, Severity
from patients.reminders import (
    RunClock,
    claim_is_free,
    email_connection,
    send_message,
    take_claim,
)
from prescriptions.models import TherapistProfile

logger = logging.getLogger(__name__)

# Tries per email, the first straight after the report; then one per run of the sender (every
# few minutes), so a mail server down for a quarter of an hour loses nothing.
MAX_ATTEMPTS = 5
ALERT_EMAIL_BATCH = 200

SUBJECTS = {
    Severity.CRITICAL: gettext_lazy("Rehabit: a critical alert needs you now"),
    Severity.URGENT: gettext_lazy("Rehabit: an urgent alert needs you today"),
}
NOT_ON_CARE_TEAM = "recipient not on the care team"


def owed() -> QuerySet[AlertEmail]:
    """Alert emails neither sent nor given up."""
    return AlertEmail.objects.filter(sent_at__isnull=True, failed=False)


def email_care_team_on_commit(alert: Alert) -> None:
    """Record the emails the alert owes now, in the caller's transaction, and send them once
    it commits.

    Two queries: the care team, and the insert (a row already there, for a second writer of
    the same alert and severity, is left as it is).
    """
    if alert.severity not in EMAILED_SEVERITIES:
        return
    team = alert.patient.care_team.exclude(email="").filter(is_active=True)
    recipients = team.values_list("pk", flat=True)
    AlertEmail.objects.bulk_create(
        [
            AlertEmail(alert=alert, severity=alert.severity, recipient_id=recipient)
            for recipient in recipients
        ],
        ignore_conflicts=True,
    )
    alert_id = alert.pk
    # robust: an error here is logged, never shown to the patient; the sender retries.
    transaction.on_commit(lambda: send_alert_emails(alert_id=alert_id), robust=True)


def patient_link(email: AlertEmail) -> str:
    """The patient's page in the therapist workspace: their alerts and safety pause."""
    return settings.SITE_URL + reverse("clinic:patient_detail", args=[email.alert.patient_id])


def alert_email_body(email: AlertEmail) -> str:
    paragraphs = [
        # Translators: %(severity)s is the alert's severity in lower case ("urgent", "critical").
        _("A patient on your care team sent a pain report that needs you (%(severity)s).")
        % {"severity": email.get_severity_display().lower()},
        _("Log in to see it: %(link)s") % {"link": patient_link(email)},
        _("For privacy, this email does not say who it is or what they reported."),
    ]
    return "\n\n".join(paragraphs) + "\n"


def recipient_language(email: AlertEmail) -> str:
    """The therapist's own language (their settings), else the site's. Read with the email
    when the sender annotated it (``_send_all``), else one query."""
    if hasattr(email, "recipient_language"):
        language = email.recipient_language
        return language if language and is_known(language) else settings.LANGUAGE_CODE
    return staff_language(email.recipient) or settings.LANGUAGE_CODE


def alert_message(email: AlertEmail) -> EmailMessage:
    """The email in the recipient therapist's language (named in ``Content-Language``)."""
    language = recipient_language(email)
    with translation.override(language):
        return EmailMessage(
            subject=str(SUBJECTS[Severity(email.severity)]),
            body=alert_email_body(email),
            to=[email.recipient.email],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
        )


@dataclass
class AlertSendResult:
    sent: int = 0
    failed: int = 0  # sends that raised this run (retried later unless given up)
    given_up: int = 0
    skipped: int = 0  # claimed by another sender meanwhile
    errors: list[str] = field(default_factory=list)


def send_alert_emails(*, alert_id: int) -> int:
    """Straight after the commit: send the alert's owed emails. How many went out."""
    return _send_all(owed().filter(alert_id=alert_id), now=timezone.now()).sent


def send_owed_alert_emails(
    *, now: datetime.datetime | None = None, connection: BaseEmailBackend | None = None
) -> AlertSendResult:
    """Send every owed alert email whose claim is free; give up those out of tries.

    Safe to run often, twice at once and after a crash. Not atomic on purpose: each claim
    commits on its own before its email is sent.
    """
    now = now or timezone.now()
    result = _send_all(owed(), now=now, connection=connection)
    logger.info(
        "Alert emails: %d sent, %d failed, %d given up, %d skipped.",
        result.sent,
        result.failed,
        result.given_up,
        result.skipped,
    )
    return result


def _send_all(
    emails: QuerySet[AlertEmail],
    *,
    now: datetime.datetime,
    connection: BaseEmailBackend | None = None,
) -> AlertSendResult:
    clock = RunClock(now)
    result = AlertSendResult(given_up=_give_up_spent(emails, now=now))
    on_team = Patient.care_team.through.objects.filter(
        patient_id=OuterRef("alert__patient_id"), user_id=OuterRef("recipient_id")
    )
    candidates = (
        emails.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(claim_is_free(now))
        .select_related("alert", "recipient")
        .annotate(
            on_team=Exists(on_team),
            recipient_language=Subquery(
                TherapistProfile.objects.filter(user_id=OuterRef("recipient_id")).values(
                    "language"
                )[:1]
            ),
        )
        .order_by("created_at", "pk")[:ALERT_EMAIL_BATCH]
    )
    rows = list(candidates)
    if not rows:
        return result
    connection = connection or email_connection()
    try:
        for email in rows:
            _send_one(email, connection=connection, clock=clock, result=result)
    finally:
        connection.close()
    return result


def _give_up_spent(emails: QuerySet[AlertEmail], *, now: datetime.datetime) -> int:
    """Emails out of tries whose last sender is gone (it died on its last try)."""
    return emails.filter(attempts__gte=MAX_ATTEMPTS).filter(claim_is_free(now)).update(failed=True)


def _send_one(
    email: AlertEmail, *, connection: BaseEmailBackend, clock: RunClock, result: AlertSendResult
) -> None:
    if not take_claim(owed().filter(pk=email.pk), now=clock(), max_attempts=MAX_ATTEMPTS):
        result.skipped += 1
        return
    recipient = email.recipient
    if not (email.on_team and recipient.is_active and recipient.email):  # type: ignore[attr-defined]
        # Left the care team (or the clinic) since: nothing about the patient goes to them.
        owed().filter(pk=email.pk).update(failed=True, claimed_at=None, last_error=NOT_ON_CARE_TEAM)
        result.given_up += 1
        return
    try:
        send_message(alert_message(email), connection)
    except Exception as error:  # any mail server failure: kept owed for the next run
        gave_up = _release(email, error=type(error).__name__)
        result.failed += 1
        result.given_up += gave_up
        result.errors.append(type(error).__name__)
        logger.warning(
            "Alert email %d not sent (%s)%s.",
            email.pk,
            type(error).__name__,
            ", giving up" if gave_up else ", will retry",
        )
        connection.close()  # a broken connection is reopened for the next message
        return
    AlertEmail.objects.filter(pk=email.pk).update(sent_at=clock(), claimed_at=clock())
    result.sent += 1


@transaction.atomic
def _release(email: AlertEmail, *, error: str) -> bool:
    """After a failed send: free the claim for the next run, or give up. True if given up."""
    email.refresh_from_db(fields=["attempts"])
    give_up = email.attempts >= MAX_ATTEMPTS
    owed().filter(pk=email.pk).update(claimed_at=None, failed=give_up, last_error=error[:100])
    return give_up
